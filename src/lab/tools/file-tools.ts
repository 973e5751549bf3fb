/**
 * `cp`, `chmod` and `stat -c` of GNU coreutils, with their own error texts:
 * the config.db swap copies a database into place and checks it is 0600.
 */
import { posix } from 'node:path';
import type { ToolContext } from '../shell/types.js';
import { getFile, isDir, parentExists, resolvePath, writeFile } from '../state/fs.js';

export async function cp(ctx: ToolContext): Promise<number> {
  const args = ctx.argv.slice(1);
  const preserve = args.some((a) => /^-[a-zA-Z]*[pa]/.test(a) || a === '--preserve');
  const paths = args.filter((a) => !a.startsWith('-'));
  if (paths.length !== 2) {
    ctx.err(paths.length < 2 ? `cp: missing destination file operand after '${paths[0] ?? ''}'\nTry 'cp --help' for more information.\n` : `cp: target '${paths.at(-1)}' is not a directory\n`);
    return 1;
  }
  const src = resolvePath(ctx.cwd, paths[0]!);
  let dst = resolvePath(ctx.cwd, paths[1]!);
  const file = getFile(ctx.host.fs, src);
  if (!file) {
    ctx.err(isDir(ctx.host.fs, src) ? `cp: -r not specified; omitting directory '${paths[0]}'\n` : `cp: cannot stat '${paths[0]}': No such file or directory\n`);
    return 1;
  }
  if (isDir(ctx.host.fs, dst)) dst = posix.join(dst, posix.basename(src));
  if (!parentExists(ctx.host.fs, dst)) {
    ctx.err(`cp: cannot create regular file '${paths[1]}': No such file or directory\n`);
    return 1;
  }
  const existing = getFile(ctx.host.fs, dst);
  // An existing file keeps its mode; a new one gets the source's (umask 022).
  const mode = preserve ? (file.mode ?? 0o644) : existing ? (existing.mode ?? 0o644) : (file.mode ?? 0o644) & ~0o022;
  writeFile(ctx.host.fs, dst, { ...file, mode, ...(preserve ? {} : { mtime: ctx.now() }) });
  await ctx.pace(Math.min(500, file.size / 2 ** 24));
  return 0;
}

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
    const file = getFile(ctx.host.fs, path);
    if (!file) {
      ctx.err(`stat: cannot statx '${f}': No such file or directory\n`);
      code = 1;
      continue;
    }
    const mode = file.mode ?? 0o644;
    ctx.out(
      `${format.replace(/%([asnYU])/g, (_, c: string) =>
        c === 'a' ? mode.toString(8) : c === 's' ? String(file.size) : c === 'n' ? f : c === 'Y' ? String(Math.floor(file.mtime)) : 'root',
      )}\n`,
    );
  }
  return code;
}
