/**
 * `pvesm scan pbs` and `pvesm add pbs` (restore-formats §4): a PVE node
 * contacting a PBS server. The lab's "network" resolves `--server` to the lab
 * host of that name or hostname; the server answers only when it is up, the
 * fingerprint is its certificate's and the user's password or token secret is
 * right. `add` contacts the server before saving, prints nothing on success,
 * and keeps the password (and the encryption key, if given) under
 * /etc/pve/priv/storage.
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

const VALUE_OPTIONS = ['server', 'datastore', 'username', 'password', 'fingerprint', 'namespace', 'port', 'encryption-key', 'content', 'output-format', 'master-pubkey'];

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
  const o = options(args);
  if ('unknown' in o) {
    ctx.err(`400 Parameter verification failed.\n${o.unknown}: property is not defined in schema and the schema does not allow additional properties\n`);
    return 255;
  }
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

/** `pvesm add pbs ID --server S --datastore D --username U --password P --fingerprint FP [--namespace NS] [--encryption-key FILE|autogen]`. */
export async function addPbs(ctx: ToolContext, args: readonly string[]): Promise<number> {
  const pve = ctx.host.pve!;
  const o = options(args);
  if ('unknown' in o) {
    ctx.err(`400 Parameter verification failed.\n${o.unknown}: property is not defined in schema and the schema does not allow additional properties\n`);
    return 255;
  }
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
  await ctx.pace(200);
  const r = contact(ctx, o);
  if ('error' in r) {
    ctx.err(`create storage failed: ${id}: ${r.error} (500)\n`);
    return 255;
  }
  const datastore = o.values.datastore!;
  if (!r.pbs.datastores[datastore] || !canSeeDatastore(r.pbs, r.user, datastore)) {
    ctx.err(`create storage failed: ${id}: Cannot find datastore '${datastore}', check permissions and existence!\n`);
    return 255;
  }
  const server = pbsHostFor(ctx, o.values.server!)!;
  pve.storages[id] = { id, type: 'pbs', content: ['backup'], total: 0, used: 0, shared: 1, pbs: { host: server.name, datastore, username: o.values.username! } };
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
  ].join('\n');
  const text = `${cfg.replace(/\n*$/, '')}${cfg.trim() ? '\n\n' : ''}${block}\n`;
  writeFile(ctx.host.fs, cfgPath, { size: Buffer.byteLength(text), mtime: now, content: text });
  mkdirs(ctx.host.fs, '/etc/pve/priv/storage');
  const password = `${o.values.password ?? ''}\n`;
  writeFile(ctx.host.fs, `/etc/pve/priv/storage/${id}.pw`, { size: password.length, mtime: now, content: password, mode: 0o600 });
  if (keyArg === 'autogen') keyContent = keyFileJson({ createdSec: now, fingerprint: pseudoFingerprint(`${ctx.host.name}:${id}:${now}`), data: pseudoFingerprint(`data:${id}:${now}`).replace(/:/g, '') });
  if (keyContent !== undefined) writeFile(ctx.host.fs, `/etc/pve/priv/storage/${id}.enc`, { size: Buffer.byteLength(keyContent), mtime: now, content: keyContent, mode: 0o600 });
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
