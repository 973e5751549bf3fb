/**
 * `pvesm scan pbs`, `pvesm add pbs` and `pvesm set` (restore-formats §4): a
 * PVE node contacting a PBS server. The lab's "network" resolves `--server`
 * to the lab host of that name or hostname; the server answers only when it
 * is up, the fingerprint is its certificate's and the user's password or
 * token secret is right. As pve-storage's API: `add` keeps the password (and
 * the encryption key, if given) under /etc/pve/priv/storage, and deletes a
 * .pw left there when it is given none; it contacts the server before saving
 * only when the storage is enabled (`--disable 1` saves without); `set`
 * changes the configuration and activates nothing. It prints nothing on
 * success.
 */
import type { ToolContext } from '../shell/types.js';
import { getFile, mkdirs, resolvePath, writeFile } from '../state/fs.js';
import { canSeeDatastore } from '../state/pbs-acl.js';
import type { HostState, PbsState } from '../state/types.js';
import { keyFileJson } from './pbs-keys.js';

interface Options {
  readonly positionals: string[];
  readonly values: Record<string, string | undefined>;
}

const VALUE_OPTIONS = ['server', 'datastore', 'username', 'password', 'fingerprint', 'namespace', 'port', 'encryption-key', 'content', 'output-format', 'master-pubkey', 'disable'];

function options(args: readonly string[]): Options | { unknown: string } {
  const positionals: string[] = [];
  const values: Record<string, string | undefined> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--?([a-z][a-z-]*)(?:=(.*))?$/.exec(a);
    if (!m) {
      positionals.push(a);
      continue;
    }
    if (!VALUE_OPTIONS.includes(m[1]!)) return { unknown: m[1]! };
    const next = args[i + 1];
    // `--password` with nothing after it asks on the terminal; there is none here.
    values[m[1]!] = m[2] ?? (next !== undefined && !next.startsWith('--') ? args[++i] : '');
  }
  return { positionals, values };
}

/** The options, or null once PVE's refusal of an unknown one is printed. */
function optionsOrRefusal(ctx: ToolContext, args: readonly string[]): Options | null {
  const o = options(args);
  if (!('unknown' in o)) return o;
  ctx.err(`400 Parameter verification failed.\n${o.unknown}: property is not defined in schema and the schema does not allow additional properties\n`);
  return null;
}

function pbsHostFor(ctx: ToolContext, server: string): HostState | undefined {
  return Object.values(ctx.lab.state.hosts).find((h) => (h.name === server || h.hostname === server) && h.pbs && h.replaces === undefined);
}

/** What a PVE node gets when it asks the server for its datastores: the server's state, or the error PVE prints. */
function contact(ctx: ToolContext, o: Options): { pbs: PbsState; user: string } | { error: string } {
  const server = o.values.server ?? o.positionals[0] ?? '';
  const port = o.values.port ?? '8007';
  const host = pbsHostFor(ctx, server);
  if (!host || !ctx.lab.isReachable(host.name) || port !== '8007') return { error: 'error fetching datastores - client error (Connect)' };
  const pbs = host.pbs!;
  const given = o.values.fingerprint?.toLowerCase();
  if (given !== pbs.certFingerprint.toLowerCase()) return { error: `error fetching datastores - fingerprint '${pbs.certFingerprint.toUpperCase()}' not verified, abort!` };
  const user = o.values.username ?? o.positionals[1] ?? '';
  const secret = pbs.credentials[user];
  if (secret === undefined || secret !== o.values.password) return { error: 'error fetching datastores - 401 Unauthorized' };
  return { pbs, user };
}

/** `pvesm scan pbs SERVER USERNAME --password P [--fingerprint FP] [--port N] [--output-format json]`. */
export async function scanPbs(ctx: ToolContext, args: readonly string[]): Promise<number> {
  const o = optionsOrRefusal(ctx, args);
  if (o === null) return 255;
  if (o.positionals.length < 2) {
    ctx.err('400 not enough arguments\npvesm scan pbs <server> <username> --password <string> [OPTIONS] [FORMAT_OPTIONS]\n');
    return 255;
  }
  await ctx.pace(150);
  const r = contact(ctx, o);
  if ('error' in r) {
    ctx.err(`${r.error}\n`);
    return 255;
  }
  // The server lists only the datastores the user may see.
  const stores = Object.values(r.pbs.datastores).filter((d) => canSeeDatastore(r.pbs, r.user, d.name)).map((d) => ({ store: d.name, ...(d.comment ? { comment: d.comment } : {}) }));
  if (o.values['output-format']?.startsWith('json')) ctx.out(`${JSON.stringify(stores)}\n`);
  else for (const s of stores) ctx.out(`${s.store} ${s.comment ?? ''}\n`);
  return 0;
}

/** `pvesm add pbs ID --server S --datastore D --username U [--password P] --fingerprint FP [--namespace NS] [--encryption-key FILE|autogen] [--disable 1]`. */
export async function addPbs(ctx: ToolContext, args: readonly string[]): Promise<number> {
  const pve = ctx.host.pve!;
  const o = optionsOrRefusal(ctx, args);
  if (o === null) return 255;
  const id = o.positionals[0];
  const missing = ['server', 'datastore', 'username'].filter((k) => o.values[k] === undefined);
  if (id === undefined || missing.length > 0) {
    ctx.err(`400 Parameter verification failed.\n${id === undefined ? 'storage: property is missing and it is not optional' : missing.map((k) => `${k}: property is missing and it is not optional`).join('\n')}\n`);
    return 255;
  }
  if (pve.storages[id]) {
    ctx.err(`create storage failed: storage ID '${id}' already defined\n`);
    return 255;
  }
  const keyArg = o.values['encryption-key'];
  let keyContent: string | undefined;
  if (keyArg !== undefined && keyArg !== 'autogen') {
    const path = resolvePath(ctx.cwd, keyArg);
    keyContent = getFile(ctx.host.fs, path)?.content;
    if (keyContent === undefined) {
      ctx.err(`create storage failed: unable to read encryption key file '${keyArg}' - No such file or directory\n`);
      return 255;
    }
  }
  const disabled = o.values.disable !== undefined && BOOL_TRUE.test(o.values.disable);
  if (o.values.disable !== undefined && !disabled && !BOOL_FALSE.test(o.values.disable)) {
    ctx.err(`400 Parameter verification failed.\ndisable: type check ('boolean') failed - got '${o.values.disable}'\n`);
    return 255;
  }
  const datastore = o.values.datastore!;
  // Only an enabled storage is activated (contacted) before it is saved.
  if (!disabled) {
    await ctx.pace(200);
    const r = contact(ctx, o);
    if ('error' in r) {
      ctx.err(`create storage failed: ${id}: ${r.error} (500)\n`);
      return 255;
    }
    if (!r.pbs.datastores[datastore] || !canSeeDatastore(r.pbs, r.user, datastore)) {
      ctx.err(`create storage failed: ${id}: Cannot find datastore '${datastore}', check permissions and existence!\n`);
      return 255;
    }
  }
  const server = pbsHostFor(ctx, o.values.server!);
  pve.storages[id] = { id, type: 'pbs', content: ['backup'], total: 0, used: 0, shared: 1, ...(disabled ? { disabled: true } : {}), pbs: { host: server?.name ?? o.values.server!, datastore, username: o.values.username!, ...(o.values.fingerprint ? { fingerprint: o.values.fingerprint } : {}) } };
  const now = Math.floor(ctx.now());
  const cfgPath = '/etc/pve/storage.cfg';
  const cfg = getFile(ctx.host.fs, cfgPath)?.content ?? '';
  const block = [
    `pbs: ${id}`,
    `\tdatastore ${datastore}`,
    `\tserver ${o.values.server}`,
    '\tcontent backup',
    `\tfingerprint ${o.values.fingerprint}`,
    ...(o.values.namespace ? [`\tnamespace ${o.values.namespace}`] : []),
    `\tusername ${o.values.username}`,
    ...(disabled ? ['\tdisable'] : []),
  ].join('\n');
  const text = `${cfg.replace(/\n*$/, '')}${cfg.trim() ? '\n\n' : ''}${block}\n`;
  writeFile(ctx.host.fs, cfgPath, { size: Buffer.byteLength(text), mtime: now, content: text });
  writePassword(ctx, id, o.values.password, now);
  if (keyArg === 'autogen') keyContent = keyFileJson({ createdSec: now, fingerprint: pseudoFingerprint(`${ctx.host.name}:${id}:${now}`), data: pseudoFingerprint(`data:${id}:${now}`).replace(/:/g, '') });
  if (keyContent !== undefined) writeFile(ctx.host.fs, `/etc/pve/priv/storage/${id}.enc`, { size: Buffer.byteLength(keyContent), mtime: now, content: keyContent, mode: 0o600 });
  return 0;
}

const BOOL_TRUE = /^(1|true|yes|on)$/i;
const BOOL_FALSE = /^(0|false|no|off)$/i;

/** pbs_set_password / pbs_delete_password: "$password\n" mode 0600, or no file at all. */
function writePassword(ctx: ToolContext, id: string, password: string | undefined, now: number): void {
  const path = `/etc/pve/priv/storage/${id}.pw`;
  if (password === undefined) {
    delete ctx.host.fs.files[path];
    return;
  }
  mkdirs(ctx.host.fs, '/etc/pve/priv/storage');
  const text = `${password}\n`;
  writeFile(ctx.host.fs, path, { size: Buffer.byteLength(text), mtime: now, content: text, mode: 0o600 });
}

/** storage.cfg with the section of `id` passed through `edit` (its option lines, tab-indented). */
function editSection(cfg: string, id: string, edit: (lines: string[]) => string[]): string {
  return cfg
    .split(/\n(?=\S)/)
    .map((block) => {
      const [head, ...lines] = block.replace(/\n+$/, '').split('\n');
      if (/^[a-z]+:\s*(\S+)/.exec(head ?? '')?.[1] !== id) return block;
      return `${[head, ...edit(lines)].join('\n')}${/\n+$/.exec(block)?.[0] ?? ''}`;
    })
    .join('\n');
}

/**
 * `pvesm set ID [--disable 0|1] [--password P] [--fingerprint FP]`: the
 * update API changes storage.cfg (and the .pw) and activates nothing; other
 * options are not simulated.
 */
export async function setStorage(ctx: ToolContext, args: readonly string[]): Promise<number> {
  const pve = ctx.host.pve!;
  const o = optionsOrRefusal(ctx, args);
  if (o === null) return 255;
  const id = o.positionals[0];
  if (id === undefined) {
    ctx.err('400 not enough arguments\npvesm set <storage> [OPTIONS]\n');
    return 255;
  }
  const other = Object.keys(o.values).filter((k) => k !== 'disable' && k !== 'password' && k !== 'fingerprint');
  if (other.length > 0) {
    ctx.err(`pvesm set --${other[0]} is not simulated in the lab\n`);
    return 255;
  }
  const s = pve.storages[id];
  if (!s) {
    ctx.err(`update storage failed: storage '${id}' does not exist\n`);
    return 255;
  }
  const disable = o.values.disable;
  if (disable !== undefined && !BOOL_TRUE.test(disable) && !BOOL_FALSE.test(disable)) {
    ctx.err(`400 Parameter verification failed.\ndisable: type check ('boolean') failed - got '${disable}'\n`);
    return 255;
  }
  const now = Math.floor(ctx.now());
  if (o.values.password !== undefined) writePassword(ctx, id, o.values.password, now);
  const fingerprint = o.values.fingerprint;
  if (fingerprint !== undefined && s.pbs) {
    s.pbs.fingerprint = fingerprint;
    const cfgPath = '/etc/pve/storage.cfg';
    const cfg = getFile(ctx.host.fs, cfgPath)?.content ?? '';
    const text = editSection(cfg, id, (lines) => [...lines.filter((l) => !/^\s*fingerprint(\s|$)/.test(l)), `\tfingerprint ${fingerprint}`]);
    writeFile(ctx.host.fs, cfgPath, { size: Buffer.byteLength(text), mtime: now, content: text });
  }
  if (disable !== undefined) {
    const off = BOOL_TRUE.test(disable);
    if (off) s.disabled = true;
    else delete s.disabled;
    const cfgPath = '/etc/pve/storage.cfg';
    const cfg = getFile(ctx.host.fs, cfgPath)?.content ?? '';
    const text = editSection(cfg, id, (lines) => [...lines.filter((l) => !/^\s*disable(\s|$)/.test(l)), ...(off ? ['\tdisable'] : [])]);
    writeFile(ctx.host.fs, cfgPath, { size: Buffer.byteLength(text), mtime: now, content: text });
  }
  return 0;
}

function pseudoFingerprint(seed: string): string {
  let h = 2166136261;
  const bytes: string[] = [];
  for (let i = 0; i < 32; i++) {
    for (const c of `${seed}:${i}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    bytes.push((h & 0xff).toString(16).padStart(2, '0'));
  }
  return bytes.join(':');
}
