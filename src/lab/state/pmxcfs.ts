/**
 * pmxcfs as the lab models it (restore-formats §5): /etc/pve is a view of
 * /var/lib/pve-cluster/config.db while pve-cluster runs. The lab's config.db
 * is a JSON image of the /etc/pve files (the real one is SQLite; nothing reads
 * it but pmxcfs, so only its role is modelled). Starting pve-cluster mounts
 * the files of the database in place and the node's storages become those of
 * its storage.cfg. Guest configurations in the database stay files under
 * /etc/pve: the lab's guests come from restores.
 */
import { posix } from 'node:path';
import { getFile, mkdirs, walk, writeFile } from './fs.js';
import type { HostState, PveStorage } from './types.js';

export const CONFIG_DB = '/var/lib/pve-cluster/config.db';
const FORMAT = 'strata-lab-pmxcfs';

/** The database of a node's current /etc/pve. */
export function configDbText(host: HostState): string {
  const files: Record<string, string> = {};
  for (const e of walk(host.fs, '/etc/pve')) {
    if (e.type !== 'f') continue;
    files[e.path] = getFile(host.fs, e.path)?.content ?? '';
  }
  return `${JSON.stringify({ format: FORMAT, version: 1, files })}\n`;
}

export function writeConfigDb(host: HostState, mtime: number): void {
  const content = configDbText(host);
  mkdirs(host.fs, posix.dirname(CONFIG_DB));
  writeFile(host.fs, CONFIG_DB, { size: Buffer.byteLength(content), mtime, content, mode: 0o600 });
}

/** The files of a database, or why pmxcfs would not start on it. */
export function readConfigDb(text: string | undefined): { files: Record<string, string> } | { error: string } {
  if (text === undefined) return { error: `database '${CONFIG_DB}' does not exist` };
  try {
    const db = JSON.parse(text) as { format?: unknown; files?: unknown };
    if (db.format !== FORMAT || typeof db.files !== 'object' || db.files === null) return { error: 'file is not a database' };
    return { files: db.files as Record<string, string> };
  } catch {
    return { error: 'file is not a database' };
  }
}

/** Mounts the database: its files replace /etc/pve, and storage.cfg decides the storages. */
export function mountConfigDb(host: HostState, files: Readonly<Record<string, string>>, mtime: number): void {
  for (const path of Object.keys(host.fs.files)) if (path.startsWith('/etc/pve/')) delete host.fs.files[path];
  for (const [path, content] of Object.entries(files)) {
    if (!path.startsWith('/etc/pve/')) continue;
    mkdirs(host.fs, posix.dirname(path));
    writeFile(host.fs, path, { size: Buffer.byteLength(content), mtime, content, ...(path.startsWith('/etc/pve/priv/') ? { mode: 0o600 } : {}) });
  }
  const cfg = files['/etc/pve/storage.cfg'];
  if (host.pve && cfg !== undefined) host.pve.storages = storagesOf(cfg, host.pve.storages);
}

/** A file written onto the mounted /etc/pve: pmxcfs serves it at once, so a new storage.cfg decides the storages. */
export function pmxcfsWrote(host: HostState, path: string): void {
  if (path !== '/etc/pve/storage.cfg' || !host.pve || host.pve.pmxcfsStopped === true) return;
  const cfg = getFile(host.fs, path)?.content;
  if (cfg !== undefined) host.pve.storages = storagesOf(cfg, host.pve.storages);
}

const DEFAULT_SIZE: Readonly<Record<PveStorage['type'], number>> = { dir: 100_861_726_720, lvmthin: 1_798_651_625_472, zfspool: 1_888_946_495_488, pbs: 0 };

/** storage.cfg's sections (`type: id`, then tab-indented `key value`) as the lab's storages; sizes kept from the node's own where ids match. */
export function storagesOf(cfg: string, current: Readonly<Record<string, PveStorage>>): Record<string, PveStorage> {
  const out: Record<string, PveStorage> = {};
  for (const block of cfg.split(/\n(?=\S)/)) {
    const [head, ...lines] = block.split('\n');
    const m = /^(dir|lvmthin|zfspool|pbs):\s*(\S+)/.exec(head ?? '');
    if (!m) continue;
    const type = m[1] as PveStorage['type'];
    const id = m[2]!;
    const opts = Object.fromEntries(lines.map((l) => l.trim().split(/\s+/, 2)).filter((kv) => kv.length === 2)) as Record<string, string>;
    const mine = current[id];
    const storage: PveStorage = {
      id,
      type,
      content: (opts.content ?? '').split(',').filter(Boolean),
      total: mine?.total ?? DEFAULT_SIZE[type],
      used: mine?.used ?? 0,
      shared: type === 'pbs' ? 1 : 0,
      // A boolean is written as its bare key (`disable`).
      ...(lines.some((l) => /^\s*disable(\s+1)?\s*$/.test(l)) ? { disabled: true } : {}),
      ...(type === 'dir' ? { path: opts.path ?? `/mnt/pve/${id}`, archives: mine?.archives ?? [] } : {}),
      ...(type === 'zfspool' ? { pool: opts.pool ?? 'rpool/data' } : {}),
      ...(type === 'pbs' ? { pbs: { host: opts.server ?? '', datastore: opts.datastore ?? '', username: opts.username ?? 'root@pam', ...(opts.fingerprint ? { fingerprint: opts.fingerprint } : {}) } } : {}),
    };
    out[id] = storage;
  }
  return out;
}
