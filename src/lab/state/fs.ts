/** The simulated file tree of a host: files by absolute path, directories implied by them. */
import { posix } from 'node:path';
import { hostNow } from './clock.js';
import type { HostState, SimFile, SimFs } from './types.js';

export function emptyFs(): SimFs {
  return { files: {}, dirs: ['/', '/root', '/tmp', '/etc', '/var', '/var/backups'] };
}

export function resolvePath(cwd: string, p: string): string {
  return posix.normalize(p.startsWith('/') ? p : posix.join(cwd, p)).replace(/(.)\/$/, '$1');
}

export function isDir(fs: SimFs, path: string): boolean {
  if (path === '/') return true;
  if (fs.dirs.includes(path)) return true;
  const prefix = `${path}/`;
  for (const f of Object.keys(fs.files)) if (f.startsWith(prefix)) return true;
  return false;
}

export function getFile(fs: SimFs, path: string): SimFile | undefined {
  return Object.hasOwn(fs.files, path) ? fs.files[path] : undefined;
}

export function writeFile(fs: SimFs, path: string, file: SimFile): void {
  fs.files[path] = file;
}

export function mkdirs(fs: SimFs, path: string): void {
  let p = path;
  while (p !== '/' && !fs.dirs.includes(p)) {
    fs.dirs.push(p);
    p = posix.dirname(p);
  }
}

export function parentExists(fs: SimFs, path: string): boolean {
  return isDir(fs, posix.dirname(path));
}

export interface Entry {
  path: string;
  type: 'f' | 'd';
  depth: number;
  file?: SimFile;
}

/** Everything below `root` (itself at depth 0), directories before their contents, names sorted. */
export function walk(fs: SimFs, root: string): Entry[] {
  const prefix = root === '/' ? '/' : `${root}/`;
  const dirs = new Set<string>();
  const files: Entry[] = [];
  for (const [p, file] of Object.entries(fs.files)) {
    if (!p.startsWith(prefix)) continue;
    files.push({ path: p, type: 'f', depth: p.slice(prefix.length).split('/').length, file });
    let d = posix.dirname(p);
    while (d.length > root.length && d.startsWith(prefix)) {
      dirs.add(d);
      d = posix.dirname(d);
    }
  }
  for (const d of fs.dirs) if (d.startsWith(prefix)) dirs.add(d);
  const entries: Entry[] = [
    { path: root, type: 'd', depth: 0 },
    ...[...dirs].map((d) => ({ path: d, type: 'd' as const, depth: d.slice(prefix.length).split('/').length })),
    ...files,
  ];
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Files below a directory (or the file itself). */
export function filesUnder(fs: SimFs, root: string): [string, SimFile][] {
  const f = getFile(fs, root);
  if (f) return [[root, f]];
  const prefix = root === '/' ? '/' : `${root}/`;
  return Object.entries(fs.files).filter(([p]) => p.startsWith(prefix));
}

/** Shell glob (`*`, `?`, `[...]`) to a RegExp over one name. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const j = glob.indexOf(']', i + 1);
      if (j < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, j).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = j;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/**
 * Writes a text file as the host's programs do: parents created, mtime from
 * the host clock; with `createMode`, as a shell's `>` does: a new file gets
 * that mode, an existing one keeps its own.
 */
export function writeText(host: HostState, path: string, content: string, createMode?: number): void {
  mkdirs(host.fs, posix.dirname(path));
  const existing = getFile(host.fs, path);
  const mode = createMode === undefined ? undefined : existing ? existing.mode : createMode;
  writeFile(host.fs, path, { size: Buffer.byteLength(content), mtime: hostNow(host), content, ...(mode !== undefined ? { mode } : {}) });
}
