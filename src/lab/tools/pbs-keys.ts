/**
 * `proxmox-backup-client key show [PATH] [--output-format json]` (proxmox-backup
 * proxmox-backup-client/src/key.rs `show_key`): the key file's metadata, read
 * from its JSON without the password; `path` is printed as Rust's Debug of a
 * path, in double quotes. The key itself (`data`) is never printed.
 */
import type { ToolContext } from '../shell/types.js';
import { getFile, resolvePath } from '../state/fs.js';

const DEFAULT_KEY = '/root/.config/proxmox-backup/encryption-key.json';

/** A PBS key file as `key create --kdf none` writes it: what the lab plants on PVE nodes. */
export function keyFileJson(p: { createdSec: number; fingerprint: string; data: string }): string {
  const at = new Date(p.createdSec * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  return `${JSON.stringify({ kdf: null, created: at, modified: at, data: p.data, fingerprint: p.fingerprint }, null, 2)}\n`;
}

export function keyShow(ctx: ToolContext, words: readonly string[]): number {
  const args = [...words];
  let format = 'text';
  const i = args.indexOf('--output-format');
  if (i >= 0) {
    format = args[i + 1] ?? '';
    args.splice(i, 2);
  }
  if (!['text', 'json', 'json-pretty'].includes(format)) {
    ctx.err(`Error: parameter verification failed\n\noutput-format: value '${format}' is not defined in the enumeration.\n`);
    return 255;
  }
  const path = args[0] === undefined ? DEFAULT_KEY : resolvePath(ctx.cwd, args[0]);
  const file = getFile(ctx.host.fs, path);
  if (!file) {
    ctx.err(args[0] === undefined ? 'Error: no encryption file provided and no default file found\n' : `Error: unable to read file "${path}" - No such file or directory (os error 2)\n`);
    return 255;
  }
  let key: { kdf?: unknown; created?: unknown; modified?: unknown; fingerprint?: unknown; hint?: unknown };
  try {
    key = JSON.parse(file.content ?? '') as typeof key;
  } catch {
    ctx.err('Error: expected value at line 1 column 1\n');
    return 255;
  }
  const epoch = (v: unknown) => (typeof v === 'string' ? Math.floor(Date.parse(v) / 1000) : typeof v === 'number' ? v : 0);
  const kdf = key.kdf === null || key.kdf === undefined ? 'none' : typeof key.kdf === 'object' ? Object.keys(key.kdf as object)[0] ?? 'scrypt' : String(key.kdf);
  const info = {
    path: `"${path}"`,
    kdf,
    created: epoch(key.created),
    modified: epoch(key.modified),
    fingerprint: String(key.fingerprint ?? ''),
    ...(typeof key.hint === 'string' ? { hint: key.hint } : {}),
  };
  if (format === 'json') ctx.out(`${JSON.stringify(info)}\n`);
  else if (format === 'json-pretty') ctx.out(`${JSON.stringify(info, null, 2)}\n`);
  else {
    const rows = Object.entries(info).map(([k, v]) => [k, String(v)] as const);
    const w = Math.max(...rows.map(([k]) => k.length));
    const vw = Math.max(...rows.map(([, v]) => v.length));
    const line = `┌${'─'.repeat(w + 2)}┬${'─'.repeat(vw + 2)}┐`;
    ctx.out(`${line}\n${rows.map(([k, v]) => `│ ${k.padEnd(w)} │ ${v.padEnd(vw)} │`).join('\n')}\n└${'─'.repeat(w + 2)}┴${'─'.repeat(vw + 2)}┘\n`);
  }
  return 0;
}
