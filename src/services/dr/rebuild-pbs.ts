/**
 * Adding a PBS datastore to the new node as a storage (the storage step's
 * surviving PBS, a chain's restored datastore), with the secret on no
 * process's argument list.
 *
 * `pvesm add pbs` takes the password only as an argument (or asks on a
 * terminal), so it is added without one and disabled: pve-storage's create
 * API then activates nothing, and its on_add_hook deletes any .pw of that id.
 * The secret is then written the way pbs_set_password stores it ("$password\n"
 * in /etc/pve/priv/storage/<id>.pw, mode 0600) by the node shell's builtin
 * printf from the SSH channel's environment, and only then is the storage
 * enabled (`pvesm set`, whose update API activates nothing either: the
 * done-check's `pvesm status` is the first activation).
 */
import { pbsAuthId, pbsDatastore, type PbsLayer } from '../../domain/layer-kinds/dr.js';
import type { ActionOutcome } from '../../kinds/action-types.js';
import { repositoryServer } from '../../kinds/pbs/storage-entry.js';
import { parseStorageConfig, storageConfigCommand } from '../../adapters/pve/storage-config.js';
import type { Command } from '../../transport/command.js';

export type { PbsLayer };
export const authIdOf = pbsAuthId;

/** What a PVE node connects to: the repository's server, else the PBS host's inventory name (a loopback address means nothing from another machine). */
export function pbsServerFor(layer: PbsLayer): string {
  return repositoryServer(layer.repository) ?? layer.host;
}

export const datastoreOf = pbsDatastore;

export interface PbsStorageSpec {
  readonly id: string;
  readonly server: string;
  readonly datastore: string;
  readonly username: string;
  readonly fingerprint: string;
  readonly namespace?: string;
  /** An encryption key file on the node (`--encryption-key` reads it). */
  readonly keyFile?: string;
}

const PRIV_STORAGE = '/etc/pve/priv/storage';
const PROBE_MS = 30_000;

/** Where PVE keeps a PBS storage's password (PBSPlugin's pbs_password_file_name). */
export const pbsPasswordPath = (id: string): string => `${PRIV_STORAGE}/${id}.pw`;

/** `pvesm add pbs ID ... --disable 1`: no password, so nothing is activated. */
export function addPbsDisabledCommand(s: PbsStorageSpec): Command {
  return {
    argv: [
      'pvesm', 'add', 'pbs', s.id,
      '--server', s.server,
      '--datastore', s.datastore,
      '--username', s.username,
      '--fingerprint', s.fingerprint,
      ...(s.namespace !== undefined ? ['--namespace', s.namespace] : []),
      ...(s.keyFile !== undefined ? ['--encryption-key', s.keyFile] : []),
      '--disable', '1',
    ],
  };
}

/**
 * The secret into the .pw as pbs_set_password writes it, by dash's builtin
 * printf (no process gets it as an argument); umask 077 gives 0600, and the
 * directory is made as pbs_set_password does (a node with no PBS storage yet
 * may have none).
 */
export function writePbsPasswordCommand(id: string, password: string): Command {
  return {
    argv: ['sh', '-c', 'umask 077 && mkdir -p "$1" && printf "%s\\n" "$PBS_PASSWORD" > "$2"', 'sh', PRIV_STORAGE, pbsPasswordPath(id)],
    secrets: { PBS_PASSWORD: password },
  };
}

/** `pvesm set ID --fingerprint FP`: the certificate the PBS has now, for a storage.cfg restored with an older one. */
export const setPbsFingerprintCommand = (id: string, fingerprint: string): Command => ({ argv: ['pvesm', 'set', id, '--fingerprint', fingerprint] });

/** `pvesm set ID --disable 0`: enabled; activated by the next use. */
export const enablePbsCommand = (id: string): Command => ({ argv: ['pvesm', 'set', id, '--disable', '0'] });

export const pbsStorageStatusCommand = (id: string): Command => ({ argv: ['pvesm', 'status', '--storage', id], timeoutMs: PROBE_MS });

/** The three commands in order, as they run (the secret travels as PBS_PASSWORD; shown by name only). */
export function addPbsCommands(s: PbsStorageSpec, password: string): { command: Command; description: string }[] {
  return [
    { command: addPbsDisabledCommand(s), description: `add ${s.id} disabled, without its password (${s.server}, datastore ${s.datastore}${s.keyFile ? `, key ${s.keyFile}` : ''})` },
    { command: writePbsPasswordCommand(s.id, password), description: `write the secret of ${s.username} to ${pbsPasswordPath(s.id)} (the shell's printf, from the SSH channel)` },
    { command: enablePbsCommand(s.id), description: `enable ${s.id}` },
  ];
}

export type PbsStorageState = 'absent' | 'disabled' | 'inactive' | 'active';

/**
 * `pvesm status --storage ID`: the storage's row (`active`, `inactive`,
 * `disabled`), or absent when pvesm says it does not exist; anything else is
 * unreadable, with why. A failed activation's error is on stderr.
 */
export function parsePbsStorageStatus(id: string, stdout: string, stderr: string, exitCode: number): { state: PbsStorageState; why: string } | { error: string } {
  const why = stderr.trim();
  if (exitCode !== 0) {
    if (why.includes(`storage '${id}' does not exist`)) return { state: 'absent', why: '' };
    return { error: why || `pvesm status exited ${exitCode}` };
  }
  for (const line of stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols[0] !== id) continue;
    const state = cols[2];
    if (state === 'active' || state === 'inactive' || state === 'disabled') return { state, why: state === 'active' ? '' : why.replace(new RegExp(`^${escapeRegExp(id)}: `), '') };
    return { error: `pvesm status shows ${id} as ${state ?? 'nothing'}` };
  }
  return { error: `pvesm status does not list ${id}` };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What the rebuild reaches the new node with. */
export interface NodeAccess {
  run(cmd: Command): Promise<{ stdout: string; stderr: string; exitCode: number }>;
  /** Runs the commands as one journaled action on the node. */
  execute(title: string, commands: readonly { command: Command; description: string }[]): Promise<ActionOutcome>;
}

export async function pbsStorageActive(node: Pick<NodeAccess, 'run'>, id: string): Promise<boolean> {
  const r = await node.run(pbsStorageStatusCommand(id));
  const s = parsePbsStorageStatus(id, r.stdout, r.stderr, r.exitCode);
  return 'state' in s && s.state === 'active';
}

/** The storage as the node shows it, in words for a step's detail (a half-added one says what is left). */
export async function pbsStorageFound(node: Pick<NodeAccess, 'run'>, id: string): Promise<{ state: PbsStorageState | 'unreadable'; text: string }> {
  const s = await readState(node, id);
  if ('error' in s) return { state: 'unreadable', text: `${id}: pvesm status cannot be read (${s.error})` };
  switch (s.state) {
    case 'active':
      return { state: s.state, text: `${id} active` };
    case 'absent':
      return { state: s.state, text: `${id} not added yet` };
    case 'disabled':
      return { state: s.state, text: `${id} added but disabled (a run stopped before its .pw and enabling it)` };
    case 'inactive':
      return { state: s.state, text: `${id} enabled but inactive${s.why ? ` (${s.why})` : ''}` };
  }
}

async function readState(node: Pick<NodeAccess, 'run'>, id: string): Promise<{ state: PbsStorageState; why: string } | { error: string }> {
  const r = await node.run(pbsStorageStatusCommand(id));
  return parsePbsStorageStatus(id, r.stdout, r.stderr, r.exitCode);
}

/**
 * A storage of that id already there must be this one (its password is about
 * to be written); its fingerprint may be older than the PBS's certificate
 * (storage.cfg restored from an archive taken before a renewal).
 */
async function sameStorage(node: NodeAccess, s: PbsStorageSpec): Promise<{ other: string } | { staleFingerprint: string | null }> {
  const r = await node.run(storageConfigCommand());
  const entries = parseStorageConfig(r.stdout, r.stderr, r.exitCode);
  if (!entries.ok) return { other: `cannot read storage.cfg to compare ${s.id} with the one to add: ${entries.error.message}` };
  const e = entries.value.find((x) => x.id === s.id);
  if (!e) return { staleFingerprint: null };
  const differs = [
    e.type !== 'pbs' ? `type ${e.type}` : '',
    e.datastore !== undefined && e.datastore !== s.datastore ? `datastore ${e.datastore}` : '',
    e.username !== undefined && e.username !== s.username ? `username ${e.username}` : '',
    (e.namespace ?? '') !== (s.namespace ?? '') ? `namespace ${e.namespace ?? '(root)'}` : '',
  ].filter(Boolean);
  if (differs.length > 0) return { other: `storage ${s.id} is already defined on the node with ${differs.join(', ')} (not ${s.datastore} as ${s.username}): remove it (pvesm remove ${s.id}) or rename it, then run this again` };
  return { staleFingerprint: e.fingerprint !== undefined && e.fingerprint.toLowerCase() !== s.fingerprint.toLowerCase() ? e.fingerprint : null };
}

export type EnsureResult = { ok: true; already: boolean; detail: string } | { ok: false; detail: string };

/**
 * Adds the PBS storage, or finishes adding it: whatever of the three
 * commands a stopped run left undone (a storage there but disabled, or
 * enabled without its .pw or with a wrong one) is done now. Done when
 * `pvesm status` shows it active.
 */
export async function ensurePbsStorage(node: NodeAccess, s: PbsStorageSpec, password: () => Promise<string>): Promise<EnsureResult> {
  const found = await readState(node, s.id);
  if ('error' in found) return { ok: false, detail: `pvesm status --storage ${s.id}: ${found.error}` };
  if (found.state === 'active') return { ok: true, already: true, detail: `${s.id} was already active` };
  let seen = '';
  let stale: string | null = null;
  if (found.state !== 'absent') {
    const same = await sameStorage(node, s);
    if ('other' in same) return { ok: false, detail: same.other };
    stale = same.staleFingerprint;
    const pw = (await node.run({ argv: ['stat', '-c', '%s', pbsPasswordPath(s.id)], timeoutMs: PROBE_MS })).exitCode === 0;
    const how = found.state === 'disabled' ? 'added but disabled' : `enabled but inactive${found.why ? ` (${found.why})` : ''}`;
    seen = `found ${s.id} ${how}, ${pw ? `with a .pw (written again)` : 'without its .pw'}${stale ? `, with fingerprint ${stale} (the PBS has ${s.fingerprint} now: set again)` : ''}; `;
  }
  const [add, write, enable] = addPbsCommands(s, await password());
  const refingerprint = stale ? [{ command: setPbsFingerprintCommand(s.id, s.fingerprint), description: `set ${s.id}'s fingerprint to the PBS's certificate now` }] : [];
  const commands = [...(found.state === 'absent' ? [add!] : refingerprint), write!, ...(found.state === 'inactive' ? [] : [enable!])];
  const out = await node.execute(`add ${s.id}`, commands);
  if (out.state !== 'ok') return { ok: false, detail: `${seen}adding ${s.id}: ${out.summary}` };
  const after = await readState(node, s.id);
  if ('error' in after) return { ok: false, detail: `${seen}${s.id} was added but pvesm status cannot be read: ${after.error}` };
  if (after.state !== 'active') return { ok: false, detail: `${seen}${s.id} was added but pvesm status shows it ${after.state}${after.why ? `: ${after.why}` : ''}` };
  return { ok: true, already: false, detail: `${seen}${s.id} added` };
}
