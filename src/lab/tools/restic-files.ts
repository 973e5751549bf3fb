/**
 * `restic ls` and `restic restore` over a snapshot's files, in the form of
 * the host's restic version (restore-formats §6): 0.14/0.15 print the
 * `restoring <Snapshot ...>` line and nothing more until they exit; 0.16+
 * with --json print status lines and a summary; errors are text up to 0.17.0
 * and JSON from 0.17.1; `ls` adds message_type and inode from 0.17; a
 * snapshot id that does not exist is skipped with exit 0 by 0.14's ls.
 */
import { posix } from 'node:path';
import type { ToolContext } from '../shell/types.js';
import { rfc3339Nano } from '../state/clock.js';
import { depthFirst, subtreeOf, type TreeNode } from '../state/file-sets.js';
import { getFile, globToRegExp, mkdirs, resolvePath, writeFile } from '../state/fs.js';
import { goJson, snapshotJson } from '../state/restic.js';
import { atLeast } from '../state/tool-versions.js';
import type { FileSet, ResticSnapshot } from '../state/types.js';
import { elapsed, goBytes } from './format.js';
import { Fatal, findSnapshot, open, opened } from './restic-repo.js';

type Values = Readonly<Record<string, string[]>>;

const DIR_MODE = 2147484141; // os.ModeDir | 0755
const FILE_MODE = 420; // 0644

/** Go's time.Time String() of a snapshot time: `2024-01-31 03:40:02.118873523 +0100 +0100` (`+0000 UTC` for Z). */
export function goTimeString(rfc3339: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(rfc3339);
  if (!m) return rfc3339;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const zone = m[4] === 'Z' ? '+0000 UTC' : `${m[5]}${m[6]}${m[7]} ${m[5]}${m[6]}${m[7]}`;
  return `${m[1]} ${m[2]}${frac ? `.${frac}` : ''} ${zone}`;
}

/** The files a snapshot holds (older lab snapshots without a tree have none). */
export function snapshotFiles(s: ResticSnapshot): FileSet {
  return s.files ?? {};
}

function nodeJson(ctx: ToolContext, n: TreeNode, snap: ResticSnapshot, inode: number): Record<string, unknown> {
  const v17 = atLeast(ctx.host, 'restic', '0.17');
  const t = n.file ? rfc3339Nano(n.file.mtime, ctx.host.timeZone) : snap.time;
  return {
    name: posix.basename(n.path),
    type: n.kind === 'dir' ? 'dir' : 'file',
    path: n.path,
    uid: 0,
    gid: 0,
    ...(n.kind === 'file' ? { size: n.file!.size } : {}),
    mode: n.kind === 'dir' ? DIR_MODE : FILE_MODE,
    permissions: n.kind === 'dir' ? 'drwxr-xr-x' : '-rw-r--r--',
    mtime: t,
    atime: t,
    ctime: t,
    ...(v17 ? { inode, message_type: 'node' } : {}),
    struct_type: 'node',
  };
}

function snapshotLine(ctx: ToolContext, s: ResticSnapshot): Record<string, unknown> {
  const base = snapshotJson(s);
  if (!atLeast(ctx.host, 'restic', '0.16')) delete base.program_version;
  if (!atLeast(ctx.host, 'restic', '0.17')) delete base.summary;
  return { ...base, ...(atLeast(ctx.host, 'restic', '0.17') ? { message_type: 'snapshot' } : {}), struct_type: 'snapshot' };
}

/** The snapshot a command names; restic 0.14's ls skips one it cannot find (exit 0), later versions fail. */
function snapshotFor(ctx: ToolContext, repo: Parameters<typeof findSnapshot>[0], ref: string, values: Values): ResticSnapshot | undefined {
  try {
    return findSnapshot(repo, ref, values);
  } catch (e) {
    if (e instanceof Fatal && !atLeast(ctx.host, 'restic', '0.17') && ref !== 'latest') {
      ctx.err(`Ignoring "${ref}": no matching ID found for prefix "${ref}"\n`);
      return undefined;
    }
    throw e;
  }
}

/** `restic ls [--json] [--recursive] SNAP [DIR...]`: all of it, or each DIR and its children. */
export async function ls(ctx: ToolContext, values: Values, args: string[]): Promise<number> {
  const [ref, ...dirs] = args;
  if (ref === undefined) throw new Fatal('no snapshot ID specified, specify snapshot ID or use special ID \'latest\'');
  const json = values.json !== undefined;
  const recursive = values.recursive !== undefined;
  const o = await open(ctx, values, 'none');
  const snap = snapshotFor(ctx, o.repo, ref, values);
  if (!snap) return 0;
  const nodes = depthFirst(snapshotFiles(snap), snap.paths);
  const wanted = dirs.map((d) => d.replace(/(.)\/+$/, '$1'));
  const shown = nodes.filter((n) => {
    if (wanted.length === 0) return true;
    return wanted.some((d) => n.path === d || (recursive ? n.path.startsWith(`${d === '/' ? '' : d}/`) : posix.dirname(n.path) === d));
  });
  await ctx.pace(100 + Math.min(2000, nodes.length / 50));
  if (json) {
    ctx.out(`${goJson(snapshotLine(ctx, snap))}\n`);
    let inode = 1_311_000;
    for (const n of shown) ctx.out(`${goJson(nodeJson(ctx, n, snap, inode++))}\n`);
  } else {
    opened(ctx, o, false);
    ctx.out(`snapshot ${snap.id.slice(0, 8)} of [${snap.paths.join(' ')}]${wanted.length > 0 ? ` filtered by [${wanted.join(' ')}]` : ''} at ${goTimeString(snap.time)}):\n`);
    for (const n of shown) ctx.out(`${n.path}\n`);
  }
  return 0;
}

/** restic's include/exclude patterns: a path, a directory (all below it), or a glob (`\` escapes). */
function patternMatcher(patterns: readonly string[]): (path: string) => boolean {
  const tests = patterns.map((raw) => {
    const literal = !/(^|[^\\])[*?[]/.test(raw);
    const p = raw.replace(/\\(.)/g, '$1').replace(/(.)\/+$/, '$1');
    if (literal) return (path: string) => path === p || path.startsWith(`${p === '/' ? '' : p}/`);
    const re = globToRegExp(raw.replace(/\\([*?[\\])/g, '[$1]'));
    return (path: string) => {
      // A glob matches a path or one of its parent directories (then all below it).
      for (let q = path; q !== '/' && q !== '.'; q = posix.dirname(q)) if (re.test(q)) return true;
      return false;
    };
  });
  return (path) => tests.some((t) => t(path));
}

/** What a restore writes where, and what stops it: a file where a directory must go. */
function blockedBy(ctx: ToolContext, target: string): string | undefined {
  for (let d = posix.dirname(target); d !== '/'; d = posix.dirname(d)) if (getFile(ctx.host.fs, d)) return d;
  return undefined;
}

export async function restore(ctx: ToolContext, values: Values, ids: string[]): Promise<number> {
  const target = values.target?.at(-1);
  if (!target) throw new Fatal('Please specify a directory to restore to (--target)');
  if (ids.length !== 1) throw new Fatal(ids.length === 0 ? "no snapshot ID specified, specify snapshot ID or use special ID 'latest'" : `more than one snapshot ID specified: ${JSON.stringify(ids)}`);
  if (values.include && values.exclude) throw new Fatal('exclude and include patterns are mutually exclusive');
  const o = await open(ctx, values, 'shared');
  const colon = atLeast(ctx.host, 'restic', '0.16') ? ids[0]!.indexOf(':') : -1;
  const ref = colon >= 0 ? ids[0]!.slice(0, colon) : ids[0]!;
  const subpath = colon >= 0 ? ids[0]!.slice(colon + 1).replace(/(.)\/+$/, '$1') : undefined;
  let snap: ResticSnapshot;
  try {
    snap = findSnapshot(o.repo, ref, values);
  } catch (e) {
    // 0.14 names the id it cannot resolve without `Fatal:`.
    if (e instanceof Fatal && !atLeast(ctx.host, 'restic', '0.17') && ref !== 'latest') {
      ctx.err(`invalid id "${ref}": no matching ID found for prefix "${ref}"\n`);
      return 1;
    }
    throw e;
  }
  const json = values.json !== undefined && atLeast(ctx.host, 'restic', '0.16');
  const jsonErrors = json && atLeast(ctx.host, 'restic', '0.17.1');
  let files = snapshotFiles(snap);
  if (subpath !== undefined) {
    const under = subtreeOf(files, subpath);
    if (Object.keys(under).length === 0) throw new Fatal(`cannot find path "${subpath}" in snapshot`);
    files = Object.fromEntries(Object.entries(under).map(([p, f]) => [p.slice(subpath === '/' ? 0 : subpath.length) || '/', f]));
  }
  const include = values.include ? patternMatcher(values.include) : undefined;
  const exclude = values.exclude ? patternMatcher(values.exclude) : undefined;
  const chosen = Object.entries(files)
    .filter(([p]) => (!include || include(p)) && !(exclude && exclude(p)))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const dest = resolvePath(ctx.cwd, target);
  if (!json) ctx.out(`restoring <Snapshot ${snap.id.slice(0, 8)} of [${snap.paths.join(' ')}] at ${goTimeString(snap.time)} by ${snap.username}@${snap.hostname}> to ${dest}\n`);
  const totalBytes = chosen.reduce((n, [, f]) => n + f.size, 0);
  const dryRun = values['dry-run'] !== undefined;
  const overwrite = values.overwrite?.at(-1) ?? 'always';
  if (!['always', 'if-changed', 'if-newer', 'never'].includes(overwrite)) throw new Fatal(`invalid overwrite behavior "${overwrite}"`);
  const failing = ctx.fault('failing-job');
  const errors: { item: string; message: string }[] = [];
  let restored = 0;
  let bytes = 0;
  let skipped = 0;
  let bytesSkipped = 0;
  const steps = 5;
  const started = ctx.now();
  const perStep = Math.ceil(chosen.length / steps) || 1;
  for (let step = 1; step <= steps; step++) {
    await ctx.pace(60 + Math.min(600, totalBytes / 2e9));
    for (const [path, f] of chosen.slice((step - 1) * perStep, step * perStep)) {
      const to = posix.join(dest, path);
      const blocked = blockedBy(ctx, to);
      if (blocked) {
        errors.push({ item: path, message: `mkdir ${blocked}: not a directory` });
        continue;
      }
      if (failing && restored >= chosen.length / 2) {
        errors.push({ item: path, message: `write ${to}: ${failing.message ?? 'no space left on device'}` });
        continue;
      }
      const have = getFile(ctx.host.fs, to);
      const same = have && have.size === f.size && Math.abs(have.mtime - f.mtime) < 1;
      if (have && (overwrite === 'never' || (overwrite === 'if-changed' && same) || (overwrite === 'if-newer' && have.mtime >= f.mtime))) {
        skipped++;
        bytesSkipped += f.size;
        continue;
      }
      if (!dryRun) {
        mkdirs(ctx.host.fs, posix.dirname(to));
        writeFile(ctx.host.fs, to, { ...f });
      }
      restored++;
      bytes += f.size;
    }
    if (json) {
      ctx.out(`${goJson({ message_type: 'status', ...(step > 1 ? { seconds_elapsed: Math.floor(ctx.now() - started) } : {}), percent_done: totalBytes > 0 ? (bytes + bytesSkipped) / totalBytes : step / steps, ...(chosen.length ? { total_files: chosen.length } : {}), ...(restored ? { files_restored: restored } : {}), ...(skipped ? { files_skipped: skipped } : {}), ...(totalBytes ? { total_bytes: totalBytes } : {}), ...(bytes ? { bytes_restored: bytes } : {}), ...(bytesSkipped ? { bytes_skipped: bytesSkipped } : {}) })}\n`);
    }
  }
  for (const e of errors) {
    if (jsonErrors) ctx.err(`${goJson({ message_type: 'error', error: { message: e.message }, during: 'restore', item: e.item })}\n`);
    else ctx.err(`ignoring error for ${e.item}: ${e.message}\n`);
  }
  const seconds = Math.floor(ctx.now() - started);
  if (json) {
    ctx.out(`${goJson({ message_type: 'summary', ...(seconds ? { seconds_elapsed: seconds } : {}), ...(chosen.length ? { total_files: chosen.length } : {}), ...(restored ? { files_restored: restored } : {}), ...(skipped ? { files_skipped: skipped } : {}), ...(totalBytes ? { total_bytes: totalBytes } : {}), ...(bytes ? { bytes_restored: bytes } : {}), ...(bytesSkipped ? { bytes_skipped: bytesSkipped } : {}) })}\n`);
  } else if (atLeast(ctx.host, 'restic', '0.16')) {
    const noun = atLeast(ctx.host, 'restic', '0.17') ? 'files/dirs' : 'Files';
    const done = restored + skipped === chosen.length;
    ctx.out(done ? `Summary: Restored ${chosen.length} ${noun} (${goBytes(totalBytes)}) in ${elapsed(seconds)}\n` : `Summary: Restored ${restored} / ${chosen.length} ${noun} (${goBytes(bytes)} / ${goBytes(totalBytes)}) in ${elapsed(seconds)}\n`);
  }
  if (errors.length > 0) throw new Fatal(`There were ${errors.length} errors\n`);
  if (values.verify !== undefined && !json) ctx.out(`verifying files in ${dest}\nfinished verifying ${restored} files in ${dest} (took 0s)\n`);
  return 0;
}
