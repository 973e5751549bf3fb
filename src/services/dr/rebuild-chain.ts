/**
 * A chain (chain-commands.md; issue 14 §2.6): the datastore directory of a
 * lost PBS restored from a restic or rclone copy onto a surviving PBS host H
 * (an rclone copy in a cold storage class thawed first), added
 * there as a datastore the surviving token may read, and added to the new
 * node as a PBS storage; the tier steps then restore its guests from it.
 * Every phase checks first whether it is done and the chain is saved after
 * each, so a resume goes on where it stopped. A restore this rebuild started
 * and did not see end is run again into the same directory (restic writes
 * over what it finds): a half-written `.chunks` is no proof of anything.
 */
import type { RcloneAccess } from '../../adapters/rclone/commands.js';
import { configDumpCommand, configEnvName, parseConfigDump, remoteConfigEnv, remoteName } from '../../adapters/rclone/config-dump.js';
import { parseRcloneVersion, parseThawRequest, parseThawStatus, rcloneThawCommand, rcloneThawStatusCommand, rcloneVersionCommand, remoteAt } from '../../adapters/rclone/restore.js';
import { resolveSecretMap } from '../../adapters/secrets.js';
import { aclGrants, aclListCommand, aclUpdateCommand, datastoreCreateCommand, datastorePath, parseAclList } from '../../adapters/pbs/datastore-admin.js';
import { datastoreListCommand, parseDatastoreList } from '../../adapters/pbs/dr-facts.js';
import { repositoryHoldsCredentials } from '../../adapters/restic/commands.js';
import { parseResticSnapshots } from '../../adapters/restic/parse.js';
import { includePattern } from '../../adapters/restic/restore.js';
import { parseResticVersion, resticVersionCommand } from '../../adapters/restic/version.js';
import { parseAssetId } from '../../domain/asset-id.js';
import type { DrPlan } from '../../domain/dr/types.js';
import { errorText } from '../../domain/error-text.js';
import type { SecretRef } from '../../domain/inventory-file.js';
import type { Inventory, Layer } from '../../domain/inventory.js';
import { asPbs, pbsDatastore, type PbsLayer } from '../../domain/layer-kinds/dr.js';
import type { LayerOfKind } from '../../domain/layer-kinds/types.js';
import type { ActionOutcome } from '../../kinds/action-types.js';
import type { Command } from '../../transport/command.js';
import type { Runner } from '../../transport/runner.js';
import { describeCommand } from '../../transport/shell-script.js';
import { CHAIN_PHASES, type ChainPhase, type ChainRun, type RebuildCommand, type RebuildState } from './api.js';
import { addPbsCommand, authIdOf, pbsServerFor } from './rebuild-pbs.js';
import { secretWhere } from './rebuild-secrets.js';

type ResticLayer = LayerOfKind<'restic'>;
type RcloneLayer = LayerOfKind<'rclone'>;

const PROBE_MS = 30_000;
/** The role the surviving token gets on the restored datastore: it reads, as the node and Strata need. */
export const CHAIN_ROLE = 'DatastoreReader';
export const CHAIN_DIR_PREFIX = '/mnt/datastore/strata-';

/** What a chain's phases need from the rebuild: hosts to run on, the journaling executor, secrets and the save. */
export interface ChainContext {
  readonly inventory: Inventory;
  /** Inventory name of the new node. */
  readonly node: string;
  readonly pbs: RebuildState['pbs'];
  runner(host: string): Runner;
  /** Runs the commands as one journaled action on `host`, output lines as events. */
  execute(host: string, title: string, commands: readonly { command: Command; description: string }[]): Promise<ActionOutcome>;
  readSecret(ref: SecretRef, host: string, what: string): Promise<string>;
  lookupEnv(name: string): string | undefined;
  nowSec(): number;
  /** The encryption key file the restored configuration keeps for the lost PBS's storage, if any. */
  keyFileFor(origin: PbsLayer): Promise<string | undefined>;
  /** Saves the chain's new state (and tells the listener). */
  save(chain: ChainRun): Promise<void>;
}

const after = (a: ChainPhase | null, b: ChainPhase) => a !== null && CHAIN_PHASES.indexOf(a) >= CHAIN_PHASES.indexOf(b);

// ---------------------------------------------------------------------------
// Made from the plan

/**
 * The chains the plan's chosen paths need, one per copy and origin: onto the
 * host of the first surviving PBS layer. Restic and rclone copies; none
 * without a surviving PBS to restore onto.
 */
export function chainsFromPlan(plan: DrPlan, inventory: Inventory, pbs: RebuildState['pbs']): ChainRun[] {
  const onto = pbs[0];
  if (!onto) return [];
  const out = new Map<string, ChainRun>();
  for (const g of plan.guests) {
    const p = g.path;
    if (p?.kind !== 'chain') continue;
    const copy = inventory.layers.find((l) => l.id === p.layerId);
    const originId = p.via[0];
    const origin = asPbs(inventory.layers.find((l) => l.id === originId));
    if ((copy?.kind !== 'restic' && copy?.kind !== 'rclone') || !origin) continue;
    const id = `${copy.id}:${origin.id}`;
    const have = out.get(id);
    if (have) {
      out.set(id, { ...have, guests: [...have.guests, g.assetId] });
      continue;
    }
    const carriedPath = carriedPathOf(copy, p.point.ref);
    if (carriedPath === null) continue;
    const dir = `${CHAIN_DIR_PREFIX}${origin.id}`;
    out.set(id, {
      id,
      copyLayerId: copy.id,
      copyKind: copy.kind,
      copyHost: copy.host,
      cold: p.steps.some((x) => x.kind === 'thaw'),
      thaw: null,
      originLayerId: origin.id,
      carriedPath,
      host: onto.host,
      pbsLayerId: onto.layerId,
      name: `${pbsDatastore(origin)}-restored`,
      dir,
      store: `${dir}${carriedPath}`,
      restoredLayerId: `${origin.id}-restored`,
      snapshot: null,
      reached: null,
      restoreRuns: 0,
      state: 'pending',
      detail: '',
      guests: [g.assetId],
    });
  }
  return [...out.values()];
}

/** The path of the carrier the plan's point names (`... (files/docker1:/mnt/usb/pbs)`), else of the copy's only carrier. */
function carriedPathOf(copy: Layer, ref: string): string | null {
  const carriers = (copy.carriers ?? []).flatMap((c) => {
    const a = parseAssetId(c);
    return a?.kind === 'files' ? [{ id: c, path: a.path }] : [];
  });
  return (carriers.find((c) => ref.includes(`(${c.id})`)) ?? carriers[0])?.path ?? null;
}

// ---------------------------------------------------------------------------
// The layer the rebuild adds

/** The PBS layers of the finished chains, as the restore engine reads them: the surviving layer's access, the restored datastore. */
export function restoredLayers(inventory: Inventory, state: Pick<RebuildState, 'chains' | 'pbs'>): Layer[] {
  return (state.chains ?? []).flatMap((c): Layer[] => {
    if (c.state !== 'done') return [];
    const via = asPbs(inventory.layers.find((l) => l.id === c.pbsLayerId));
    const origin = asPbs(inventory.layers.find((l) => l.id === c.originLayerId));
    if (!via) return [];
    const fingerprint = state.pbs.find((p) => p.layerId === via.id)?.fingerprint ?? via.fingerprint;
    const { copyOf: _c, carriers: _k, keyfile: _f, keySecret: _s, namespace: _n, ...access } = via;
    return [
      {
        ...access,
        id: c.restoredLayerId,
        repository: `${via.repository.slice(0, Math.max(0, via.repository.lastIndexOf(':') + 1))}${c.name}`,
        datastore: c.name,
        ...(fingerprint ? { fingerprint } : {}),
        ...(origin?.namespace ? { namespace: origin.namespace } : {}),
        description: `${c.originLayerId}'s datastore as restored from ${c.copyLayerId} onto ${c.host} (${c.store})`,
      },
    ];
  });
}

// ---------------------------------------------------------------------------
// Commands

interface ChainLayers {
  readonly copy: ResticLayer | RcloneLayer;
  readonly origin: PbsLayer;
  readonly via: PbsLayer;
  readonly authId: string;
}

function layersOf(inventory: Inventory, c: ChainRun): ChainLayers | string {
  const copy = inventory.layers.find((l) => l.id === c.copyLayerId);
  const origin = asPbs(inventory.layers.find((l) => l.id === c.originLayerId));
  const via = asPbs(inventory.layers.find((l) => l.id === c.pbsLayerId));
  if (copy?.kind !== 'restic' && copy?.kind !== 'rclone') return `${c.copyLayerId} is not a restic or rclone layer of the inventory`;
  if (!origin) return `${c.originLayerId} is not a PBS layer of the inventory`;
  if (!via) return `${c.pbsLayerId} is not a PBS layer of the inventory`;
  const authId = authIdOf(via.repository);
  if (!authId) return `${via.id}'s repository names no user or token: the restored datastore would be readable by no one Strata knows`;
  return { copy, origin, via, authId };
}

/** `-r REPO`, unless the repository holds its own credentials (then it is a secret: RESTIC_REPOSITORY). */
const repoArgs = (copy: ResticLayer): string[] => (repositoryHoldsCredentials(copy.repository) ? [] : ['-r', copy.repository]);

/**
 * The copy's secrets by variable name, and where each is read: restic's password
 * and further variables; an rclone copy's further variables (its remote's own
 * settings come from its config file), without the config file's password,
 * which opens a file H does not read.
 */
function copySecretRefs(copy: ResticLayer | RcloneLayer): { name: string; ref: SecretRef }[] {
  const more = Object.entries(copy.secretEnv ?? {}).map(([name, ref]) => ({ name, ref }));
  return copy.kind === 'restic' ? [{ name: 'RESTIC_PASSWORD', ref: copy.secret }, ...more] : more.filter((s) => s.name !== 'RCLONE_CONFIG_PASS');
}

type Secrets = Readonly<Record<string, string>>;

function resticCommand(copy: ResticLayer, args: readonly string[], secrets: Secrets): Command {
  const all = repositoryHoldsCredentials(copy.repository) ? { ...secrets, RESTIC_REPOSITORY: copy.repository } : secrets;
  return { argv: ['restic', ...repoArgs(copy), ...args], ...(copy.env && Object.keys(copy.env).length > 0 ? { env: copy.env } : {}), ...(Object.keys(all).length > 0 ? { secrets: all } : {}) };
}

export const snapshotsCommand = (copy: ResticLayer, path: string, secrets: Secrets): Command => ({ ...resticCommand(copy, ['snapshots', '--json', '--path', path, 'latest'], secrets), timeoutMs: PROBE_MS * 4 });
export const restoreCommand = (copy: ResticLayer, c: ChainRun, snapshotId: string, secrets: Secrets): Command => resticCommand(copy, ['restore', snapshotId, '--target', c.dir, '--include', includePattern(c.carriedPath)], secrets);
const chunksCommand = (c: ChainRun): Command => ({ argv: ['stat', '-c', '%F', `${c.store}/.chunks`], timeoutMs: PROBE_MS });
const ownerCommand = (c: ChainRun): Command => ({ argv: ['stat', '-c', '%U:%G', c.store, `${c.store}/.chunks`], timeoutMs: PROBE_MS });
const chownCommand = (c: ChainRun): Command => ({ argv: ['chown', '-R', 'backup:backup', c.store] });
/** The remote directory holding the carried path: the remote holds what `source` holds (all of it without one). */
function remoteOf(copy: RcloneLayer, carriedPath: string): string {
  const src = copy.source?.replace(/\/+$/, '');
  return src && carriedPath.startsWith(`${src}/`) ? remoteAt(copy.remote, carriedPath.slice(src.length)) : copy.remote;
}

export const rcloneCopyCommand = (copy: RcloneLayer, c: ChainRun, secrets: Secrets): Command => ({
  argv: ['rclone', 'copy', remoteOf(copy, c.carriedPath), c.store, '--stats', '10s', '--stats-one-line', '--stats-log-level', 'NOTICE'],
  ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
});

/** The copy as its own host reads it: its config file, its further secrets resolved there (files and commands read by the host itself). */
function rcloneAccess(copy: RcloneLayer, lookupEnv: (name: string) => string | undefined): RcloneAccess {
  const r = resolveSecretMap(copy.secretEnv, lookupEnv);
  if (!r.ok) throw new Error(`${copy.id}: ${r.error.message}`);
  return { remote: copy.remote, ...(copy.configFile ? { configFile: copy.configFile } : {}), secretEnv: r.value };
}

/** Thawed objects stay readable this long: the copy and a retry fit in it. */
const THAW_DAYS = 7;

const storageStatusCommand = (name: string): Command => ({ argv: ['pvesm', 'status', '--storage', name], timeoutMs: PROBE_MS });

/** The commands of a chain as the operator reads them (secrets by name), in order, with the host each runs on. */
export function chainShownCommands(inventory: Inventory, c: ChainRun, node: string): RebuildCommand[] {
  const l = layersOf(inventory, c);
  if (typeof l === 'string') return [{ host: c.host, command: `(${l})`, description: `chain ${c.id}`, shownOnly: true }];
  const names = Object.fromEntries(copySecretRefs(l.copy).map((s) => [s.name, '-']));
  const show = (host: string, cmd: Command, description: string): RebuildCommand => ({ host, command: describeCommand(cmd), description });
  const fp = '<fingerprint of ' + l.via.host + '>';
  const copy = l.copy;
  const fetch =
    copy.kind === 'restic'
      ? [
          show(c.host, resticVersionCommand(), `restic must be installed on ${c.host}`),
          show(c.host, snapshotsCommand(copy, c.carriedPath, names), `the newest snapshot of ${c.carriedPath} in ${c.copyLayerId} (secrets read on ${c.copyHost})`),
          show(c.host, restoreCommand(copy, c, '<snapshot id>', names), `restore ${c.originLayerId}'s datastore directory into ${c.dir}`),
        ]
      : [
          show(c.host, rcloneVersionCommand(), `rclone must be installed on ${c.host}`),
          ...(c.cold
            ? [
                show(c.copyHost, rcloneThawCommand(rcloneAccess(copy, () => '-'), { dir: '', priority: 'Standard', lifetimeDays: THAW_DAYS }), `thaw the cold objects of ${c.copyLayerId} (Standard: hours); the step waits until they are thawed`),
                show(c.copyHost, rcloneThawStatusCommand(rcloneAccess(copy, () => '-'), { dir: '', all: true }), 'how many are thawed'),
              ]
            : []),
          show(c.copyHost, configDumpCommand(rcloneAccess(copy, () => '-')), `the settings of ${remoteName(copy.remote)}, passed to ${c.host} as RCLONE_CONFIG_${remoteName(copy.remote).toUpperCase()}_* secrets`),
          show(c.host, rcloneCopyCommand(copy, c, { [configEnvName(remoteName(copy.remote), 'type')]: '-', ...names }), `copy ${c.originLayerId}'s datastore directory into ${c.store}`),
        ];
  return [
    ...fetch,
    show(c.host, chunksCommand(c), 'done when it prints "directory"'),
    show(c.host, chownCommand(c), "PBS refuses a datastore its backup user cannot write"),
    show(c.host, datastoreCreateCommand(c.name, c.store), 'take the restored directory with its chunks as a datastore (PBS 3.3+)'),
    show(c.host, aclUpdateCommand(datastorePath(c.name), CHAIN_ROLE, l.authId), `${l.authId} (of ${l.via.id}) reads it`),
    show(node, addPbsCommand({ id: c.name, server: pbsServerFor(l.via), datastore: c.name, username: l.authId, fingerprint: fp, ...(l.origin.namespace ? { namespace: l.origin.namespace } : {}), password: '-' }), `add it to the new node (with the key file of ${c.originLayerId}'s storage when the restored configuration has one)`),
  ];
}

// ---------------------------------------------------------------------------
// Checks

type Found = { done: true; detail: string } | { done: false; detail: string };

async function chunksThere(ctx: ChainContext, c: ChainRun): Promise<boolean> {
  const r = await ctx.runner(c.host).run(chunksCommand(c));
  return r.exitCode === 0 && r.stdout.trim() === 'directory';
}

async function ownedByBackup(ctx: ChainContext, c: ChainRun): Promise<boolean> {
  const r = await ctx.runner(c.host).run(ownerCommand(c));
  const lines = r.stdout.split('\n').map((x) => x.trim()).filter((x) => x !== '');
  return r.exitCode === 0 && lines.length === 2 && lines.every((x) => x === 'backup:backup');
}

async function datastoreThere(ctx: ChainContext, c: ChainRun): Promise<Found> {
  const r = await ctx.runner(c.host).run(datastoreListCommand(PROBE_MS));
  const list = parseDatastoreList(r.stdout, r.stderr, r.exitCode);
  if (!list.ok) throw new Error(`the datastores of ${c.host} could not be read: ${list.error.message}`);
  const d = list.value.find((x) => x.name === c.name);
  if (!d) return { done: false, detail: '' };
  if (d.path.replace(/\/+$/, '') !== c.store) throw new Error(`${c.host} already has a datastore ${c.name} at ${d.path}, not at ${c.store}: remove or rename it there (proxmox-backup-manager datastore remove ${c.name} keeps its files), then resume`);
  return { done: true, detail: `datastore ${c.name} is on ${c.host}` };
}

async function aclThere(ctx: ChainContext, c: ChainRun, authId: string): Promise<boolean> {
  const r = await ctx.runner(c.host).run(aclListCommand(PROBE_MS));
  const list = parseAclList(r.stdout, r.stderr, r.exitCode);
  if (!list.ok) throw new Error(`the ACL of ${c.host} could not be read: ${list.error.message}`);
  return aclGrants(list.value, datastorePath(c.name), CHAIN_ROLE, authId);
}

async function storageActive(ctx: ChainContext, name: string): Promise<boolean> {
  const r = await ctx.runner(ctx.node).run(storageStatusCommand(name));
  return r.exitCode === 0 && new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+pbs\\s+active`, 'm').test(r.stdout);
}

/** Read-only: the whole chain is in place already (its datastore on H, readable, active on the node), whoever put it there. */
export async function chainInPlace(ctx: ChainContext, c: ChainRun): Promise<boolean> {
  const l = layersOf(ctx.inventory, c);
  if (typeof l === 'string') return false;
  try {
    return (await chunksThere(ctx, c)) && (await ownedByBackup(ctx, c)) && (await datastoreThere(ctx, c)).done && (await aclThere(ctx, c, l.authId)) && (await storageActive(ctx, c.name));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// The run

type PhaseResult = { state: 'done'; detail: string; change?: Partial<ChainRun> } | { state: 'failed' | 'blocked'; detail: string };

async function toolOn(ctx: ChainContext, c: ChainRun, tool: 'restic' | 'rclone'): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  const cmd = tool === 'restic' ? resticVersionCommand() : rcloneVersionCommand();
  const r = await ctx.runner(c.host).run({ ...cmd, timeoutMs: PROBE_MS });
  const v = tool === 'restic' ? parseResticVersion(r.stdout, r.stderr, r.exitCode) : parseRcloneVersion(r.stdout, r.stderr, r.exitCode);
  return v.ok ? { ok: true, version: v.value.text } : { ok: false, reason: v.error.message };
}

async function chooseSnapshot(ctx: ChainContext, c: ChainRun, copy: ResticLayer, copySecrets: () => Promise<Secrets>): Promise<PhaseResult> {
  const r = await ctx.runner(c.host).run(snapshotsCommand(copy, c.carriedPath, await copySecrets()));
  const snaps = parseResticSnapshots(r.stdout, r.stderr, r.exitCode);
  if (!snaps.ok) {
    if (snaps.error.kind === 'auth') {
      const where = copySecretRefs(copy).map((s) => `${s.name}: ${secretWhere(s.ref, copy.host)}`).join(', ');
      return { state: 'blocked', detail: `${copy.id}'s password does not open ${copy.repository} (${snaps.error.message}): fix what its secret references hold (${where}), then resume` };
    }
    return { state: 'failed', detail: `the snapshots of ${copy.id} could not be read on ${c.host}: ${snaps.error.message}` };
  }
  const newest = snaps.value.at(-1);
  if (!newest) return { state: 'blocked', detail: `${copy.id} holds no snapshot of ${c.carriedPath}: ${c.originLayerId}'s guests cannot come back through it (restore them from another copy, or drop them from the rebuild)` };
  return { state: 'done', change: { snapshot: { id: newest.id, timeSec: newest.timeSec } }, detail: `snapshot ${newest.shortId} of ${new Date(newest.timeSec * 1000).toISOString()}` };
}

/**
 * An rclone copy in a cold class: the thaw asked once (on the copy's host,
 * with its own configuration), then how far it is; the step waits (blocked,
 * "thawing N of M") until every object is readable, and a resume asks again.
 */
async function thawed(ctx: ChainContext, c: ChainRun, copy: RcloneLayer, save: (change: Partial<ChainRun>) => Promise<void>): Promise<PhaseResult> {
  if (!c.cold) return { state: 'done', detail: `${copy.remote} is in a storage class read at once: no thaw` };
  const access = rcloneAccess(copy, (n) => ctx.lookupEnv(n));
  const h = ctx.runner(copy.host);
  let thaw = c.thaw;
  if (thaw === null) {
    const r = await h.run({ ...rcloneThawCommand(access, { dir: '', priority: 'Standard', lifetimeDays: THAW_DAYS }), timeoutMs: 300_000 });
    const asked = parseThawRequest(r.stdout, r.stderr, r.exitCode);
    if (!asked.ok) return { state: 'failed', detail: `the thaw of ${copy.remote} could not be asked on ${copy.host}: ${asked.error.message}` };
    const failed = asked.value.entries.filter((e) => e.outcome === 'failed');
    if (failed.length > 0) return { state: 'failed', detail: `${failed.length} of ${asked.value.entries.length} objects of ${copy.remote} refused the thaw (${failed[0]!.remote}: ${failed[0]!.status})` };
    thaw = { requestedAtSec: ctx.nowSec(), objects: asked.value.entries.length };
    await save({ thaw, detail: `thaw asked for ${thaw.objects} objects of ${copy.remote} (Standard, readable ${THAW_DAYS} days once thawed)` });
  }
  const r = await h.run({ ...rcloneThawStatusCommand(access, { dir: '', all: true }), timeoutMs: 120_000 });
  const st = parseThawStatus(ctx.nowSec())(r.stdout, r.stderr, r.exitCode);
  if (!st.ok) return { state: 'failed', detail: `how far the thaw of ${copy.remote} is could not be read on ${copy.host}: ${st.error.message}` };
  // rclone before 1.64 cannot say: the copy tries, and a frozen object fails it (then resume later).
  if (!st.value.supported) return { state: 'done', detail: `rclone on ${copy.host} cannot say how far the thaw is (restore-status is 1.64+): the copy tries now` };
  const n = st.value.counts;
  if (n.expired > 0) {
    // Asked too long ago: forgotten, so the resume asks again.
    await save({ thaw: null });
    return { state: 'failed', detail: `${n.expired} of ${thaw.objects} objects of ${copy.remote} were thawed and have expired before the copy: resume asks the thaw again` };
  }
  const since = Math.round((ctx.nowSec() - thaw.requestedAtSec) / 60);
  if (n.thawing > 0) return { state: 'blocked', detail: `thawing ${n.thawing} of ${thaw.objects} objects of ${copy.remote} (${n.thawed} thawed; asked ${since} min ago, Standard takes hours): resume later` };
  return { state: 'done', detail: `${n.thawed} of ${thaw.objects} objects thawed` };
}

/** The settings of the copy's remote (and what it wraps), read from its config on the copy's host, to pass to H as secrets. */
async function rcloneRemoteSecrets(ctx: ChainContext, copy: RcloneLayer): Promise<Secrets> {
  const name = remoteName(copy.remote);
  if (name === '') throw new Error(`${copy.id}'s remote ${copy.remote} names no configured remote: H cannot reach it`);
  const r = await ctx.runner(copy.host).run({ ...configDumpCommand(rcloneAccess(copy, (n) => ctx.lookupEnv(n))), timeoutMs: PROBE_MS });
  const dump = parseConfigDump(r.stdout, r.stderr, r.exitCode);
  if (!dump.ok) throw new Error(`the rclone configuration of ${copy.id} could not be read on ${copy.host}: ${dump.error.message}`);
  const env = remoteConfigEnv(dump.value, name);
  if (!env.ok) throw new Error(`${copy.id}: ${env.error.message}`);
  return env.value;
}

export interface ChainOutcome {
  readonly state: 'done' | 'failed' | 'blocked';
  readonly detail: string;
}

/** Runs what is not done of one chain, phase by phase, saving after each. */
export async function runChain(ctx: ChainContext, start: ChainRun): Promise<ChainOutcome> {
  let c = start;
  const save = async (change: Partial<ChainRun>) => {
    c = { ...c, ...change };
    await ctx.save(c);
  };
  const end = async (state: ChainOutcome['state'], detail: string): Promise<ChainOutcome> => {
    await save({ state, detail });
    return { state, detail };
  };
  const l = layersOf(ctx.inventory, c);
  if (typeof l === 'string') return end('blocked', `${l}: fix the inventory, then resume`);
  await save({ state: 'running', detail: c.reached ? `resuming after ${c.reached}` : 'starting' });

  let secrets: Secrets | undefined;
  const copySecrets = async (): Promise<Secrets> => {
    if (secrets) return secrets;
    const out: Record<string, string> = {};
    for (const s of copySecretRefs(l.copy)) out[s.name] = await ctx.readSecret(s.ref, l.copy.host, `${s.name} of ${l.copy.id}`);
    secrets = out;
    return out;
  };

  try {
    // 1. The tool on H.
    if (!after(c.reached, 'tool')) {
      const found = await toolOn(ctx, c, l.copy.kind);
      if (!found.ok) return end('blocked', `${l.copy.kind} is not installed on ${c.host} (${found.reason}): apt install ${l.copy.kind} there, then resume`);
      await save({ reached: 'tool', detail: `${l.copy.kind} ${found.version} on ${c.host}` });
    }
    // 2. What is restored: restic's snapshot, chosen once; an rclone cold copy thawed.
    if (!after(c.reached, 'source')) {
      const r = l.copy.kind === 'restic' ? await chooseSnapshot(ctx, c, l.copy, copySecrets) : await thawed(ctx, c, l.copy, save);
      if (r.state !== 'done') return end(r.state, r.detail);
      await save({ reached: 'source', ...r.change, detail: r.detail });
    }
    // 3. The restore into DIR.
    if (!after(c.reached, 'restore')) {
      if (c.restoreRuns === 0 && (await chunksThere(ctx, c))) {
        await save({ reached: 'restore', detail: `${c.store}/.chunks is there already (restored before this rebuild): not restored again` });
      } else {
        const again = c.restoreRuns > 0 ? 'again (the last one did not finish) ' : '';
        const copy = l.copy;
        let step: { command: Command; description: string };
        if (copy.kind === 'restic') {
          const snap = c.snapshot!;
          await save({ restoreRuns: c.restoreRuns + 1, detail: `restoring ${again}snapshot ${snap.id.slice(0, 8)} of ${copy.id} into ${c.dir} on ${c.host}` });
          step = { command: restoreCommand(copy, c, snap.id, await copySecrets()), description: `restic restore of ${c.carriedPath} (snapshot ${snap.id.slice(0, 8)}) into ${c.dir}` };
        } else {
          const secrets = { ...(await rcloneRemoteSecrets(ctx, copy)), ...(await copySecrets()) };
          await save({ restoreRuns: c.restoreRuns + 1, detail: `copying ${again}${copy.remote} into ${c.store} on ${c.host}` });
          step = { command: rcloneCopyCommand(copy, c, secrets), description: `rclone copy of ${remoteOf(copy, c.carriedPath)} into ${c.store}` };
        }
        const out = await ctx.execute(c.host, `restore ${c.originLayerId}'s datastore from ${copy.id} onto ${c.host}`, [step]);
        if (out.state !== 'ok' && out.state !== 'warn') {
          const frozen = copy.kind === 'rclone' && /GLACIER|restore first|InvalidObjectState/i.test(out.summary);
          return end('failed', `${copy.kind} ${copy.kind === 'restic' ? 'restore' : 'copy'} on ${c.host}: ${out.summary}.${frozen ? ' Objects are still frozen: wait for the thaw, then resume.' : ''} Resume restores again into ${copy.kind === 'restic' ? c.dir : c.store}`);
        }
        if (!(await chunksThere(ctx, c))) return end('failed', `${copy.kind} restored nothing at ${c.store}/.chunks: is ${c.carriedPath} (carriers of ${copy.id}) the datastore directory of ${c.originLayerId}?`);
        await save({ reached: 'restore', detail: `restored into ${c.store}` });
      }
    }
    // 4. Owned by PBS's backup user.
    if (!after(c.reached, 'owner')) {
      if (!(await ownedByBackup(ctx, c))) {
        const out = await ctx.execute(c.host, `give ${c.store} to PBS's backup user`, [{ command: chownCommand(c), description: `chown -R backup:backup ${c.store}` }]);
        if (out.state !== 'ok') return end('failed', `chown on ${c.host}: ${out.summary}`);
      }
      await save({ reached: 'owner', detail: `${c.store} belongs to backup:backup` });
    }
    // 5. The datastore.
    if (!after(c.reached, 'datastore')) {
      if (!(await datastoreThere(ctx, c)).done) {
        const out = await ctx.execute(c.host, `add datastore ${c.name} on ${c.host}`, [{ command: datastoreCreateCommand(c.name, c.store), description: `datastore ${c.name} over the restored ${c.store}` }]);
        if (out.state !== 'ok') return end('failed', `proxmox-backup-manager datastore create on ${c.host}: ${out.summary}${/reuse-datastore/.test(out.summary) ? ' (PBS 3.3 or later is needed for --reuse-datastore)' : ''}`);
        if (!(await datastoreThere(ctx, c)).done) return end('failed', `datastore ${c.name} was created but ${c.host} does not list it`);
      }
      await save({ reached: 'datastore', detail: `datastore ${c.name} on ${c.host}` });
    }
    // 6. The surviving token reads it.
    if (!after(c.reached, 'acl')) {
      if (!(await aclThere(ctx, c, l.authId))) {
        const out = await ctx.execute(c.host, `let ${l.authId} read ${c.name}`, [{ command: aclUpdateCommand(datastorePath(c.name), CHAIN_ROLE, l.authId), description: `${CHAIN_ROLE} on ${datastorePath(c.name)} for ${l.authId}` }]);
        if (out.state !== 'ok') return end('failed', `proxmox-backup-manager acl update on ${c.host}: ${out.summary}`);
        if (!(await aclThere(ctx, c, l.authId))) return end('failed', `the ACL of ${c.host} does not show ${l.authId} as ${CHAIN_ROLE} on ${datastorePath(c.name)}`);
      }
      await save({ reached: 'acl', detail: `${l.authId} reads ${c.name}` });
    }
    // 7. The node's storage.
    if (!after(c.reached, 'storage')) {
      if (!(await storageActive(ctx, c.name))) {
        const fingerprint = ctx.pbs.find((p) => p.layerId === l.via.id)?.fingerprint ?? l.via.fingerprint;
        if (!fingerprint) return end('blocked', `no certificate fingerprint for ${l.via.host}: read it there with proxmox-backup-manager cert info and pin it in the inventory (${l.via.id}.fingerprint), then resume`);
        if (!l.via.secret) return end('blocked', `${l.via.id} names no secret: pvesm add pbs needs the password or token secret of ${l.authId}`);
        const password = await ctx.readSecret(l.via.secret, l.via.host, `the secret of ${l.via.id}`);
        const keyFile = await ctx.keyFileFor(l.origin);
        const command = addPbsCommand({ id: c.name, server: pbsServerFor(l.via), datastore: c.name, username: l.authId, fingerprint, ...(l.origin.namespace ? { namespace: l.origin.namespace } : {}), ...(keyFile ? { keyFile } : {}), password });
        const out = await ctx.execute(ctx.node, `add ${c.name}`, [{ command, description: `pvesm add pbs ${c.name} (${c.host})${keyFile ? ` with the key ${keyFile}` : ''}` }]);
        if (out.state !== 'ok') return end('failed', `pvesm add pbs ${c.name}: ${out.summary}`);
        if (!(await storageActive(ctx, c.name))) return end('failed', `${c.name} was added but pvesm status does not show it active`);
      }
      await save({ reached: 'storage' });
    }
  } catch (e) {
    return end('failed', `${errorText(e)}; resume runs it again from ${c.reached ? `after ${c.reached}` : 'the start'}`);
  }
  const snap = c.snapshot ? ` from snapshot ${c.snapshot.id.slice(0, 8)} (${new Date(c.snapshot.timeSec * 1000).toISOString()})` : '';
  return end('done', `${c.name} on ${c.host}${snap} of ${l.copy.id}, active on the node: ${c.guests.join(', ')} come back from it`);
}
