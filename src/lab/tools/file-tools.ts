/**
 * `chmod`, `chown` and `stat -c` of GNU coreutils, with their own error
 * texts: the config.db swap (copied by file-copy.ts's cp) is made 0600 and
 * checked; a datastore directory restored by root is given to `backup`
 * (`chown -R backup:backup`), which PBS checks before it takes it in.
 */
import { posix } from 'node:path';
import type { ToolContext } from '../shell/types.js';
import { getFile, isDir, resolvePath, walk } from '../state/fs.js';
import type { SimFs } from '../state/types.js';

/** The accounts of a Debian/Proxmox host that own files in the lab. */
const USERS = ['root', 'backup', 'www-data', 'nobody'];
const GROUPS = ['root', 'backup', 'www-data', 'nogroup'];

export async function chmod(ctx: ToolContext): Promise<number> {
  const [mode, ...files] = ctx.argv.slice(1);
  if (mode === undefined || files.length === 0) {
    ctx.err(mode === undefined ? "chmod: missing operand\nTry 'chmod --help' for more information.\n" : `chmod: missing operand after '${mode}'\nTry 'chmod --help' for more information.\n`);
    return 1;
  }
  if (!/^[0-7]{1,4}$/.test(mode)) {
    ctx.err(`chmod: invalid mode: '${mode}'\nTry 'chmod --help' for more information.\n`);
    return 1;
  }
  let code = 0;
  for (const f of files) {
    const path = resolvePath(ctx.cwd, f);
    const file = getFile(ctx.host.fs, path);
    if (!file) {
      ctx.err(`chmod: cannot access '${f}': No such file or directory\n`);
      code = 1;
      continue;
    }
    file.mode = parseInt(mode, 8) & 0o7777;
  }
  return code;
}

/** `user:group` of a file or directory. */
export function ownerOf(fs: SimFs, path: string): string {
  return getFile(fs, path)?.owner ?? fs.dirOwners?.[path] ?? 'root:root';
}

function setOwner(fs: SimFs, path: string, owner: string): void {
  const file = getFile(fs, path);
  if (file) file.owner = owner;
  else (fs.dirOwners ??= {})[path] = owner;
}

/** `chown [-R] USER[:GROUP] FILE...` */
export async function chown(ctx: ToolContext): Promise<number> {
  const args = ctx.argv.slice(1);
  const recursive = args.some((a) => a === '-R' || a === '--recursive');
  const [spec, ...files] = args.filter((a) => !a.startsWith('-'));
  const unknown = args.find((a) => a.startsWith('-') && a !== '-R' && a !== '--recursive');
  if (unknown) {
    ctx.err(`chown: invalid option -- '${unknown.replace(/^-+/, '')}'\nTry 'chown --help' for more information.\n`);
    return 1;
  }
  if (spec === undefined || files.length === 0) {
    ctx.err(spec === undefined ? "chown: missing operand\nTry 'chown --help' for more information.\n" : `chown: missing operand after '${spec}'\nTry 'chown --help' for more information.\n`);
    return 1;
  }
  const [user, group] = spec.split(':') as [string, string | undefined];
  if (user !== '' && !USERS.includes(user)) {
    ctx.err(`chown: invalid user: '${spec}'\n`);
    return 1;
  }
  if (group !== undefined && group !== '' && !GROUPS.includes(group)) {
    ctx.err(`chown: invalid group: '${spec}'\n`);
    return 1;
  }
  let code = 0;
  for (const f of files) {
    const path = resolvePath(ctx.cwd, f);
    const fs = ctx.host.fs;
    if (!getFile(fs, path) && !isDir(fs, path)) {
      ctx.err(`chown: cannot access '${f}': No such file or directory\n`);
      code = 1;
      continue;
    }
    const targets = recursive && !getFile(fs, path) ? walk(fs, path).map((e) => e.path) : [path];
    for (const t of targets) {
      const [u, g] = ownerOf(fs, t).split(':') as [string, string];
      setOwner(fs, t, `${user || u}:${group === undefined ? g : group || g}`);
    }
  }
  return code;
}

export async function stat(ctx: ToolContext): Promise<number> {
  const args = ctx.argv.slice(1);
  let format: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c' || a === '--format') format = args[++i];
    else if (a.startsWith('--format=')) format = a.slice(9);
    else files.push(a);
  }
  if (format === undefined || files.length === 0) {
    ctx.err("stat: missing operand\nTry 'stat --help' for more information.\n");
    return 1;
  }
  let code = 0;
  for (const f of files) {
    const path = resolvePath(ctx.cwd, f);
    const fs = ctx.host.fs;
    const file = getFile(fs, path);
    const dir = !file && isDir(fs, path);
    if (!file && !dir) {
      ctx.err(`stat: cannot statx '${f}': No such file or directory\n`);
      code = 1;
      continue;
    }
    const mode = file ? (file.mode ?? 0o644) : 0o755;
    // A directory's mtime is its newest entry's (what adding a file to it changes).
    const mtime = file ? file.mtime : Math.max(0, ...walk(fs, path).flatMap((e) => (e.file && posix.dirname(e.path) === path ? [e.file.mtime] : [])));
    const [user, group] = ownerOf(fs, path).split(':') as [string, string];
    const type = dir ? 'directory' : file!.size === 0 ? 'regular empty file' : 'regular file';
    ctx.out(
      `${format.replace(/%([asnYUGF])/g, (_, c: string) =>
        c === 'a' ? mode.toString(8) : c === 's' ? String(file ? file.size : 4096) : c === 'n' ? f : c === 'Y' ? String(Math.floor(mtime)) : c === 'U' ? user : c === 'G' ? group : type,
      )}\n`,
    );
  }
  return code;
}
