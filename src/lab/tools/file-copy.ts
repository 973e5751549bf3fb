/**
 * GNU `cp` and `du` as restores use them: `cp -a [--parents] SRC... DEST`
 * (from a snapshot's read-only `.zfs/snapshot` view too) and `du -sb DIR`
 * (bytes under a restore target). Messages follow coreutils in the C locale.
 */
import { posix } from 'node:path';
import type { Tool } from '../shell/types.js';
import { filesUnder, getFile, isDir, mkdirs, parentExists, resolvePath, walk, writeFile } from '../state/fs.js';
import { pmxcfsWrote } from '../state/pmxcfs.js';
import { readFs } from '../state/zfs-files.js';

export const cp: Tool = async (ctx) => {
  let recursive = false;
  let parents = false;
  let preserve = false;
  const operands: string[] = [];
  let options = true;
  for (const a of ctx.argv.slice(1)) {
    if (options && a === '--') options = false;
    else if (options && a === '--parents') parents = true;
    else if (options && a === '--preserve') preserve = true;
    else if (options && /^-[aRrpdv]+$/.test(a)) {
      recursive ||= /[aRr]/.test(a);
      preserve ||= /[ap]/.test(a);
    }
    else if (options && a.startsWith('-')) {
      ctx.err(`cp: unrecognized option '${a}'\nTry 'cp --help' for more information.\n`);
      return 1;
    } else operands.push(a);
  }
  if (operands.length < 2) {
    ctx.err(operands.length === 0 ? "cp: missing file operand\nTry 'cp --help' for more information.\n" : `cp: missing destination file operand after '${operands[0]}'\nTry 'cp --help' for more information.\n`);
    return 1;
  }
  const dest = resolvePath(ctx.cwd, operands.at(-1)!);
  const sources = operands.slice(0, -1);
  const destIsDir = isDir(ctx.host.fs, dest);
  if ((parents || sources.length > 1) && !destIsDir) {
    ctx.err(parents ? `cp: with --parents, the destination must be a directory\nTry 'cp --help' for more information.\n` : `cp: target '${operands.at(-1)}' is not a directory\n`);
    return 1;
  }
  let code = 0;
  for (const src of sources) {
    const from = resolvePath(ctx.cwd, src);
    const fs = readFs(ctx.host, from);
    const file = getFile(fs, from);
    if (!file && !isDir(fs, from)) {
      ctx.err(`cp: cannot stat '${src}': No such file or directory\n`);
      code = 1;
      continue;
    }
    if (!file && !recursive) {
      ctx.err(`cp: -r not specified; omitting directory '${src}'\n`);
      code = 1;
      continue;
    }
    // --parents keeps the path as given (relative to the cwd); else the last component lands in DEST.
    const to = parents ? posix.join(dest, posix.normalize(src).replace(/^\/+/, '')) : destIsDir ? posix.join(dest, posix.basename(from)) : dest;
    if (file) {
      if (parents) mkdirs(ctx.host.fs, posix.dirname(to));
      else if (!parentExists(ctx.host.fs, to)) {
        ctx.err(`cp: cannot create regular file '${operands.at(-1)}': No such file or directory\n`);
        code = 1;
        continue;
      }
      const existing = getFile(ctx.host.fs, to);
      // Without -p/-a an existing file keeps its mode and a new one gets the source's under umask 022 (the config.db swap checks 0600).
      if (preserve) writeFile(ctx.host.fs, to, { ...file });
      else writeFile(ctx.host.fs, to, { ...file, mode: existing ? (existing.mode ?? 0o644) : (file.mode ?? 0o644) & ~0o022, mtime: ctx.now() });
      if (to.startsWith('/etc/pve/')) pmxcfsWrote(ctx.host, to);
      await ctx.pace(Math.min(500, file.size / 2 ** 24));
      continue;
    }
    mkdirs(ctx.host.fs, to);
    for (const e of walk(fs, from)) {
      const target = posix.join(to, posix.relative(from, e.path));
      if (e.type === 'd') mkdirs(ctx.host.fs, target);
      else writeFile(ctx.host.fs, target, { ...e.file! });
    }
  }
  return code;
};

export const du: Tool = async (ctx) => {
  const paths = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  const flags = ctx.argv.slice(1).filter((a) => a.startsWith('-') && a !== '--').join('');
  if (!/s/.test(flags)) {
    ctx.err('du: the lab answers only -s (one total per path)\n');
    return 1;
  }
  let code = 0;
  for (const p of paths.length > 0 ? paths : ['.']) {
    const abs = resolvePath(ctx.cwd, p);
    const fs = readFs(ctx.host, abs);
    if (!getFile(fs, abs) && !isDir(fs, abs)) {
      ctx.err(`du: cannot access '${p}': No such file or directory\n`);
      code = 1;
      continue;
    }
    // Apparent sizes (-b), a directory counting 4 KiB as on ext4.
    const dirs = getFile(fs, abs) ? 0 : walk(fs, abs).filter((e) => e.type === 'd').length;
    const bytes = filesUnder(fs, abs).reduce((n, [, f]) => n + f.size, 0) + dirs * 4096;
    ctx.out(`${/b/.test(flags) ? bytes : Math.ceil(bytes / 1024)}\t${p}\n`);
  }
  return code;
};
