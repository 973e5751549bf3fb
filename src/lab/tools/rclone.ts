/**
 * rclone 1.60 between a host's files and the lab's S3 buckets: `lsjson`
 * (RFC 3339 ModTime with nanoseconds, `Tier` of S3 objects), `about`
 * (S3 has none), `sync`/`copy` (log on stderr, JSON lines with
 * --use-json-log), `check` (with --combined), `backend restore` for
 * GLACIER objects, which stay unreadable until their restore completes,
 * `config dump` (the config file's remotes as JSON). Remotes and their keys
 * as rclone reads them: rclone-config.ts.
 */
import { posix } from 'node:path';
import { atLeast, toolVersion } from '../state/tool-versions.js';
import type { ToolContext } from '../shell/types.js';
import { rfc3339Fixed, strftime } from '../state/clock.js';
import { md5Object } from '../state/cloud.js';
import { filesUnder, getFile, globToRegExp, isDir, mkdirs, resolvePath, writeFile } from '../state/fs.js';
import type { CloudObject, RcloneRemote, SimFile } from '../state/types.js';
import { goJson } from '../state/restic.js';
import { goBytes } from './format.js';
import { configDump, RcloneFail, refusedKeys, remoteConfig, s3Keys } from './rclone-config.js';

/**
 * Thaw times by storage class and priority at time scale 1, an hour of S3's
 * as a second (GLACIER Standard 3-5 hours, DEEP_ARCHIVE Standard 12 and Bulk
 * 48; GLACIER Bulk kept long so a test sees it pending).
 */
const THAW_MS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  GLACIER: { Expedited: 1_000, Standard: 4_000, Bulk: 100_000 },
  DEEP_ARCHIVE: { Standard: 12_000, Bulk: 48_000 },
};
const thawMs = (tier: string, priority: string): number => THAW_MS[tier]?.[priority] ?? THAW_MS[tier]?.Standard ?? THAW_MS.GLACIER!.Standard!;

interface Place {
  kind: 'local' | 's3';
  remote?: string;
  /** local: absolute path; s3: bucket */
  root: string;
  /** s3: key prefix without trailing slash ('' for the bucket root) */
  prefix: string;
  config?: RcloneRemote;
  /** What rclone calls it in messages. */
  label: string;
}

function place(ctx: ToolContext, spec: string, configFlag?: string, cmd = 'run'): Place {
  const m = /^([A-Za-z0-9_][A-Za-z0-9_. -]*):(.*)$/.exec(spec);
  if (!m) return { kind: 'local', root: resolvePath(ctx.cwd, spec), prefix: '', label: `Local file system at ${resolvePath(ctx.cwd, spec)}` };
  const cfg = remoteConfig(ctx, m[1]!, spec, configFlag);
  if (!cfg) throw new RcloneFail(`Failed to create file system for "${spec}": didn't find section in config file`, 1);
  const path = m[2]!.replace(/^\/+|\/+$/g, '');
  if (cfg.type === 'local') {
    const root = resolvePath('/', path);
    return { kind: 'local', remote: m[1]!, root, prefix: '', config: cfg, label: `Local file system at ${root}` };
  }
  const [bucket = '', ...rest] = path.split('/');
  const label = `S3 bucket ${bucket}${rest.length > 0 ? ` path ${rest.join('/')}` : ''}`;
  const refused = refusedKeys(ctx, bucket, s3Keys(ctx, m[1]!, configFlag));
  if (refused) {
    ctx.err(`${strftime('%Y/%m/%d %H:%M:%S', ctx.now(), ctx.host.timeZone)} ERROR : ${label}: error reading source root directory: ${refused}\n`);
    throw new RcloneFail(`Failed to ${cmd}: ${refused}`, 1);
  }
  return { kind: 's3', remote: m[1]!, root: bucket, prefix: rest.join('/'), config: cfg, label };
}

interface Entry {
  path: string;
  size: number;
  modTime: number;
  md5: string;
  object?: CloudObject;
  file?: SimFile;
}

const md5Of = md5Object;

/** Files (not directories) under a place, with paths relative to it. */
function entries(ctx: ToolContext, p: Place): Entry[] {
  if (p.kind === 'local') {
    if (!isDir(ctx.host.fs, p.root)) {
      if (getFile(ctx.host.fs, p.root)) {
        const f = getFile(ctx.host.fs, p.root)!;
        return [{ path: posix.basename(p.root), size: f.size, modTime: f.mtime, md5: md5Of(p.root, f), file: f }];
      }
      throw new RcloneFail('directory not found', 3);
    }
    return filesUnder(ctx.host.fs, p.root)
      .map(([path, f]) => ({ path: path.slice(p.root.length + (p.root === '/' ? 0 : 1)), size: f.size, modTime: f.mtime, md5: md5Of(path.slice(p.root.length + 1), f), file: f }))
      .sort((a, b) => (a.path < b.path ? -1 : 1));
  }
  const bucket = ctx.lab.state.cloud.buckets[p.root];
  if (!bucket) throw new RcloneFail('directory not found', 3);
  const pre = p.prefix ? `${p.prefix}/` : '';
  const list = Object.entries(bucket)
    .filter(([k]) => k.startsWith(pre))
    .map(([k, o]) => ({ path: k.slice(pre.length), size: o.size, modTime: o.modTime, md5: o.md5, object: o }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  if (list.length === 0 && p.prefix) throw new RcloneFail('directory not found', 3);
  return list;
}

const MIME: Record<string, string> = { '.ods': 'application/vnd.oasis.opendocument.spreadsheet', '.pdf': 'application/pdf', '.jpg': 'image/jpeg', '.txt': 'text/plain; charset=utf-8', '.md': 'text/markdown; charset=utf-8', '.tar': 'application/x-tar', '.gz': 'application/gzip', '.sqlite': 'application/vnd.sqlite3' };

function logLine(ctx: ToolContext, json: boolean, level: 'INFO' | 'ERROR' | 'NOTICE', object: string, msg: string, extra: Record<string, unknown> = {}): string {
  const now = ctx.now();
  if (json) {
    return `${goJson({ level: level.toLowerCase(), msg, ...(object ? { object, objectType: '*s3.Object' } : {}), source: 'operations/copy.go:276', time: rfc3339Fixed(now, 6, ctx.host.timeZone), ...extra })}\n`;
  }
  return `${strftime('%Y/%m/%d %H:%M:%S', now, ctx.host.timeZone)} ${level.padEnd(6)}: ${object ? `${object}: ` : ''}${msg}\n`;
}

/**
 * rclone's --exclude, in the forms the lab meets: `/name` anchors at the root
 * of the transfer, a bare pattern matches a file's name at any depth. Filters
 * apply to both sides: an excluded file is neither copied nor deleted.
 */
function excludeFilter(patterns: readonly string[]): (path: string) => boolean {
  const tests = patterns.map((p) => {
    const re = globToRegExp(p.startsWith('/') ? p.slice(1) : p);
    return p.startsWith('/') ? (path: string) => re.test(path) : (path: string) => re.test(posix.basename(path));
  });
  return (path) => tests.some((t) => t(path));
}

/** rclone's --include rules as Strata writes them: `/a/b` that path, `/a/**` everything below `a`; none includes all. */
function includeFilter(rules: readonly string[]): (path: string) => boolean {
  if (rules.length === 0) return () => true;
  const tests = rules.map((r) => {
    const rule = r.replace(/^\//, '').replace(/\\(.)/g, '$1');
    if (rule === '**') return () => true;
    if (rule.endsWith('/**')) return (path: string) => path.startsWith(rule.slice(0, -2));
    return (path: string) => path === rule;
  });
  return (path) => tests.some((t) => t(path));
}

async function transfer(ctx: ToolContext, flags: Set<string>, values: Readonly<Record<string, string>>, src: Place, dst: Place, deleteExtra: boolean, excludes: readonly string[] = [], includes: readonly string[] = []): Promise<number> {
  const json = flags.has('use-json-log');
  const verbose = flags.has('v') || flags.has('verbose') || flags.has('vv') || json;
  const dryRun = flags.has('dry-run');
  const excluded = excludeFilter(excludes);
  const included = includeFilter(includes);
  const from = entries(ctx, src).filter((e) => !excluded(e.path) && included(e.path));
  let to: Entry[] = [];
  try {
    to = entries(ctx, dst).filter((e) => !excluded(e.path) && included(e.path));
  } catch {
    to = [];
  }
  const existing = new Map(to.map((e) => [e.path, e]));
  let bytes = 0;
  let transfers = 0;
  let deletes = 0;
  let errors = 0;
  const started = ctx.now();
  const failing = ctx.fault('failing-job');
  for (const e of from) {
    const have = existing.get(e.path);
    if (have && have.size === e.size && Math.abs(have.modTime - e.modTime) < 1) continue;
    await ctx.pace(120);
    if (src.kind === 's3' && e.object && ['GLACIER', 'DEEP_ARCHIVE'].includes(e.object.tier) && !(e.object.restoredUntil !== undefined && (e.object.restoreReadyAt ?? 0) <= ctx.now() && e.object.restoredUntil > ctx.now())) {
      errors++;
      // rclone's s3 Open turns S3's InvalidObjectState into this, GLACIER whatever the class (backend/s3 s3.go; restore-formats §7).
      ctx.err(logLine(ctx, json, 'ERROR', e.path, `Failed to copy: failed to open source object: Object in GLACIER, restore first: bucket="${src.root}", key="${src.prefix ? `${src.prefix}/${e.path}` : e.path}"`));
      continue;
    }
    if (failing && transfers === 0) {
      errors++;
      ctx.err(logLine(ctx, json, 'ERROR', e.path, `Failed to copy: ${failing.message ?? 'RequestTimeout: Your socket connection to the server was not read from or written to within the timeout period.'}`));
      continue;
    }
    if (!dryRun) {
      if (dst.kind === 's3') {
        const bucket = (ctx.lab.state.cloud.buckets[dst.root] ??= {});
        bucket[dst.prefix ? `${dst.prefix}/${e.path}` : e.path] = { size: e.size, modTime: e.modTime, tier: dst.config?.storageClass ?? 'STANDARD', md5: e.md5, ...(e.file?.content !== undefined ? { content: e.file.content } : {}) };
      } else {
        const target = posix.join(dst.root, e.path);
        mkdirs(ctx.host.fs, posix.dirname(target));
        const content = e.file?.content ?? e.object?.content;
        writeFile(ctx.host.fs, target, { size: e.size, mtime: e.modTime, ...(content !== undefined ? { content } : {}) });
      }
    }
    bytes += e.size;
    transfers++;
    if (verbose) ctx.err(logLine(ctx, json, 'INFO', e.path, dryRun ? 'Skipped copy as --dry-run is set' : have ? 'Copied (replaced existing)' : 'Copied (new)', json ? { size: e.size } : {}));
  }
  if (deleteExtra && errors === 0) {
    const wanted = new Set(from.map((e) => e.path));
    for (const e of to.filter((x) => !wanted.has(x.path))) {
      if (!dryRun) {
        if (dst.kind === 's3') delete ctx.lab.state.cloud.buckets[dst.root]![dst.prefix ? `${dst.prefix}/${e.path}` : e.path];
        else delete ctx.host.fs.files[posix.join(dst.root, e.path)];
      }
      deletes++;
      if (verbose) ctx.err(logLine(ctx, json, 'INFO', e.path, dryRun ? 'Skipped delete as --dry-run is set' : 'Deleted'));
    }
  }
  const secs = Math.max(0.1, ctx.now() - started);
  if (verbose || flags.has('stats-one-line')) {
    if (json) {
      ctx.err(`${goJson({ level: 'info', msg: `${goBytes(bytes)} / ${goBytes(bytes)}, 100%, ${goBytes(bytes / secs)}/s, ETA 0s`, source: 'accounting/stats.go:498', stats: { bytes, checks: to.length, deletedDirs: 0, deletes, elapsedTime: Number(secs.toFixed(3)), errors, eta: 0, fatalError: false, renames: 0, retryError: errors > 0, speed: bytes / secs, totalBytes: bytes, totalChecks: to.length, totalTransfers: transfers, transferTime: Number(secs.toFixed(3)), transfers }, time: rfc3339Fixed(ctx.now(), 6, ctx.host.timeZone) })}\n`);
    } else if (flags.has('stats-one-line')) {
      // accounting/stats.go with --stats-one-line, logged at --stats-log-level (INFO unless said).
      const level = (values['stats-log-level'] ?? 'INFO').toUpperCase();
      ctx.err(`${strftime('%Y/%m/%d %H:%M:%S', ctx.now(), ctx.host.timeZone)} ${level.padEnd(6)}: ${goBytes(bytes).padStart(13)} / ${goBytes(bytes)}, ${bytes > 0 ? '100%' : '-'}, ${goBytes(bytes / secs)}/s, ETA ${bytes > 0 ? '0s' : '-'}\n`);
    } else {
      ctx.err(`${strftime('%Y/%m/%d %H:%M:%S', ctx.now(), ctx.host.timeZone)} INFO  : \nTransferred:   \t${goBytes(bytes).padStart(12)} / ${goBytes(bytes)}, 100%, ${goBytes(bytes / secs)}/s, ETA 0s\nChecks:         ${String(to.length).padStart(8)} / ${to.length}, 100%\nDeleted:        ${String(deletes).padStart(8)} (files), 0 (dirs)\nTransferred:    ${String(transfers).padStart(8)} / ${transfers}, 100%\nElapsed time:   ${secs.toFixed(1).padStart(8)}s\n\n`);
    }
  }
  if (errors > 0) {
    ctx.err(logLine(ctx, json, 'ERROR', '', `Attempt 1/3 failed with ${errors} errors and: ${failing?.message ?? 'failed to open source object'}`));
    throw new RcloneFail(`Failed to ${deleteExtra ? 'sync' : 'copy'} with ${errors} errors: last error was: ${failing?.message ?? "InvalidObjectState: The operation is not valid for the object's storage class"}`, failing ? 5 : 1);
  }
  return 0;
}

function lsjson(ctx: ToolContext, flags: Set<string>, p: Place): number {
  const recursive = flags.has('R') || flags.has('recursive');
  const filesOnly = flags.has('files-only');
  const dirsOnly = flags.has('dirs-only');
  const all = entries(ctx, p);
  const items: Record<string, unknown>[] = [];
  const dirs = new Set<string>();
  for (const e of all) {
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const depthOk = (path: string) => recursive || !path.includes('/');
  const dirTime = p.kind === 's3' ? 946684800 : ctx.now();
  if (!filesOnly) {
    for (const d of [...dirs].sort()) {
      if (!depthOk(d)) continue;
      items.push({ Path: d, Name: posix.basename(d), Size: -1, ...(flags.has('no-mimetype') ? {} : { MimeType: 'inode/directory' }), ModTime: rfc3339Fixed(dirTime, p.kind === 's3' ? 9 : 9), IsDir: true });
    }
  }
  if (!dirsOnly) {
    for (const e of all) {
      if (!depthOk(e.path)) continue;
      items.push({
        Path: e.path,
        Name: posix.basename(e.path),
        Size: e.size,
        ...(flags.has('no-mimetype') ? {} : { MimeType: MIME[posix.extname(e.path)] ?? 'application/octet-stream' }),
        ModTime: rfc3339Fixed(e.modTime, 9, p.kind === 's3' ? 'UTC' : ctx.host.timeZone),
        IsDir: false,
        ...(flags.has('hash') ? { Hashes: { md5: e.md5 } } : {}),
        ...(e.object ? { Tier: e.object.tier } : {}),
      });
    }
  }
  items.sort((a, b) => (String(a.Path) < String(b.Path) ? -1 : 1));
  ctx.out(`[\n${items.map((i) => goJson(i)).join(',\n')}${items.length > 0 ? '\n' : ''}]\n`);
  return 0;
}

function check(ctx: ToolContext, flags: Set<string>, values: Record<string, string>, src: Place, dst: Place): number {
  const a = entries(ctx, src);
  let b: Entry[] = [];
  try {
    b = entries(ctx, dst);
  } catch {
    b = [];
  }
  const oneWay = flags.has('one-way');
  const bm = new Map(b.map((e) => [e.path, e]));
  const am = new Map(a.map((e) => [e.path, e]));
  const combined: string[] = [];
  let differences = 0;
  let matching = 0;
  for (const e of a) {
    const o = bm.get(e.path);
    if (!o) {
      differences++;
      combined.push(`+ ${e.path}`);
      ctx.err(`${strftime('%Y/%m/%d %H:%M:%S', ctx.now(), ctx.host.timeZone)} ERROR : ${e.path}: file not in ${dst.label}\n`);
    } else if (o.size !== e.size || (!flags.has('size-only') && o.md5 !== e.md5)) {
      differences++;
      combined.push(`* ${e.path}`);
      ctx.err(`${strftime('%Y/%m/%d %H:%M:%S', ctx.now(), ctx.host.timeZone)} ERROR : ${e.path}: ${o.size !== e.size ? 'sizes differ' : 'md5 differ'}\n`);
    } else {
      matching++;
      combined.push(`= ${e.path}`);
    }
  }
  if (!oneWay) {
    for (const e of b.filter((x) => !am.has(x.path))) {
      differences++;
      combined.push(`- ${e.path}`);
      ctx.err(`${strftime('%Y/%m/%d %H:%M:%S', ctx.now(), ctx.host.timeZone)} ERROR : ${e.path}: file not in ${src.label}\n`);
    }
  }
  const stamp = strftime('%Y/%m/%d %H:%M:%S', ctx.now(), ctx.host.timeZone);
  ctx.err(`${stamp} NOTICE: ${dst.label}: ${differences} differences found\n${stamp} NOTICE: ${dst.label}: ${matching} matching files\n`);
  const target = values.combined;
  if (target === '-') ctx.out(combined.map((l) => `${l}\n`).join(''));
  else if (target) writeFile(ctx.host.fs, resolvePath(ctx.cwd, target), { size: combined.join('\n').length, mtime: ctx.now(), content: combined.map((l) => `${l}\n`).join('') });
  if (differences > 0) throw new RcloneFail(`Failed to check: ${differences} differences found`, 1);
  return 0;
}

function backendRestore(ctx: ToolContext, values: Record<string, string[]>, p: Place): number {
  if (p.kind !== 's3') throw new RcloneFail(`Failed to backend: command "restore" failed: command not found`, 1);
  const opts = Object.fromEntries((values.o ?? []).map((o) => o.split('=') as [string, string]));
  const lifetime = Number(opts.lifetime ?? 1);
  const include = values.include ?? [];
  const out: { Status: string; Remote: string }[] = [];
  const now = ctx.now();
  for (const e of entries(ctx, p)) {
    if (include.length > 0 && !include.some((i) => globToRegExp(i.replace(/^\//, '')).test(e.path) || e.path.startsWith(`${i.replace(/^\/|\/$/g, '')}/`))) continue;
    const o = e.object!;
    if (!['GLACIER', 'DEEP_ARCHIVE'].includes(o.tier)) {
      out.push({ Status: "InvalidObjectState: Restore is not allowed for the object's current storage class\n\tstatus code: 403", Remote: e.path });
      continue;
    }
    if (o.restoreReadyAt !== undefined && o.restoreReadyAt > now) {
      out.push({ Status: 'RestoreAlreadyInProgress: Object restore is already in progress\n\tstatus code: 409', Remote: e.path });
      continue;
    }
    o.restoreReadyAt = now + (thawMs(o.tier, opts.priority ?? 'Standard') * ctx.lab.timeScale) / 1000;
    o.restoredUntil = o.restoreReadyAt + lifetime * 86_400;
    out.push({ Status: 'OK', Remote: e.path });
  }
  ctx.out(`${JSON.stringify(out, null, '\t')}\n`);
  return 0;
}

/**
 * backend/s3 restoreStatus: the objects with a restore status, every object
 * with `-o all` (RestoreStatus null when none is asked). In progress it has
 * no expiry yet; once the restored copy expires S3 drops the status.
 */
function restoreStatus(ctx: ToolContext, values: Record<string, string[]>, p: Place): number {
  const now = ctx.now();
  const all = (values.o ?? []).some((o) => o === 'all' || o === 'all=true');
  const status = (o: CloudObject) => {
    if (o.restoreReadyAt === undefined || (o.restoredUntil !== undefined && o.restoredUntil <= now)) return null;
    return o.restoreReadyAt > now ? { IsRestoreInProgress: true, RestoreExpiryDate: null } : { IsRestoreInProgress: false, RestoreExpiryDate: rfc3339Fixed(o.restoredUntil ?? now, 0) };
  };
  const out = entries(ctx, p)
    .filter((e) => e.object && (all || status(e.object) !== null))
    .map((e) => ({ Remote: e.path, VersionID: null, RestoreStatus: status(e.object!), StorageClass: e.object!.tier }));
  ctx.out(`${JSON.stringify(out, null, '\t')}\n`);
  return 0;
}

const VALUE_FLAGS = new Set(['combined', 'include', 'exclude', 'o', 'option', 'max-depth', 'transfers', 'checkers', 'config', 'log-level', 'stats', 'bwlimit', 'log-file', 'timestamp', 't', 's3-storage-class', 'stats-log-level']);

/** `rclone touch [--timestamp T] [--no-create] REMOTE:PATH`: T in UTC, `2006-01-02T15:04:05` (fraction optional). */
function touch(ctx: ToolContext, flags: Set<string>, timestamp: string | undefined, storageClass: string | undefined, target: Place): number {
  let mtime = ctx.now();
  if (timestamp !== undefined) {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(\.\d+)?)?$/.exec(timestamp);
    if (!m) throw new RcloneFail(`Failed to touch: failed to parse timestamp: parsing time "${timestamp}" as "2006-01-02T15:04:05": cannot parse "${timestamp}" as "2006"`, 1);
    mtime = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) / 1000 + Number(m[7] ?? 0);
  }
  const create = !flags.has('no-create') && !flags.has('C');
  if (target.kind === 's3') {
    const bucket = ctx.lab.state.cloud.buckets[target.root];
    if (!bucket) throw new RcloneFail('Failed to touch: directory not found', 3);
    const key = target.prefix;
    const have = bucket[key];
    if (have) {
      // S3 sets a time by copying the object onto itself: an archived object refuses.
      if (['GLACIER', 'DEEP_ARCHIVE'].includes(have.tier) && !(have.restoredUntil !== undefined && (have.restoreReadyAt ?? 0) <= ctx.now() && have.restoredUntil > ctx.now())) {
        throw new RcloneFail(`Failed to touch: failed to touch (failed to set modification time): InvalidObjectState: Operation is not valid for the source object's storage class\n\tstatus code: 403, request id: ${ctx.lab.rng.hex(8).toUpperCase()}, host id: `, 1);
      }
      have.modTime = mtime;
    } else if (create) bucket[key] = { size: 0, modTime: mtime, tier: storageClass ?? target.config?.storageClass ?? 'STANDARD', md5: 'd41d8cd98f00b204e9800998ecf8427e' };
    return 0;
  }
  const have = getFile(ctx.host.fs, target.root);
  if (have) have.mtime = mtime;
  else if (create) {
    if (!isDir(ctx.host.fs, posix.dirname(target.root))) throw new RcloneFail('Failed to touch: directory not found', 3);
    writeFile(ctx.host.fs, target.root, { size: 0, mtime, content: '' });
  }
  return 0;
}

export async function rclone(ctx: ToolContext): Promise<number> {
  const flags = new Set<string>();
  const values: Record<string, string[]> = {};
  const pos: string[] = [];
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      pos.push(...args.slice(i + 1));
      break;
    }
    const m = /^--?([A-Za-z][A-Za-z0-9-]*)(?:=(.*))?$/.exec(a);
    if (!m) {
      pos.push(a);
      continue;
    }
    const name = m[1]!;
    if (VALUE_FLAGS.has(name)) (values[name] ??= []).push(m[2] ?? args[++i] ?? '');
    else flags.add(name);
  }
  const stringValues = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.at(-1) ?? '']));
  const [cmd, ...rest] = pos;
  const at = (spec: string) => place(ctx, spec, stringValues.config, cmd);
  try {
    await ctx.pace(40);
    switch (cmd) {
      case 'version':
        ctx.out(`rclone v${toolVersion(ctx.host, 'rclone')}${atLeast(ctx.host, 'rclone', '1.64') ? '' : '-DEV'}\n- os/version: debian 12.4 (64 bit)\n- os/kernel: 6.8.12-4-pve (x86_64)\n- os/type: linux\n- os/arch: amd64\n- go/version: go1.19.8\n- go/linking: dynamic\n- go/tags: none\n`);
        return 0;
      case 'lsjson':
        if (rest.length !== 1) throw new RcloneFail(`Command lsjson needs 1 arguments maximum: you provided ${rest.length} non flag arguments: ${JSON.stringify(rest)}`, 1);
        return lsjson(ctx, flags, at(rest[0]!));
      case 'about': {
        const p = at(rest[0] ?? '');
        if (p.kind === 's3') throw new RcloneFail(`Failed to about: ${p.label} doesn't support about`, 1);
        const total = 4_000_787_030_016;
        const used = filesUnder(ctx.host.fs, p.root).reduce((n, [, f]) => n + f.size, 0);
        ctx.out(flags.has('json') ? `${JSON.stringify({ total, used, free: total - used }, null, '\t')}\n` : `Total:   ${goBytes(total)}\nUsed:    ${goBytes(used)}\nFree:    ${goBytes(total - used)}\n`);
        return 0;
      }
      case 'sync':
      case 'copy':
        if (rest.length !== 2) throw new RcloneFail(`Command ${cmd} needs 2 arguments minimum: you provided ${rest.length} non flag arguments: ${JSON.stringify(rest)}`, 1);
        try {
          return await transfer(ctx, flags, stringValues, at(rest[0]!), at(rest[1]!), cmd === 'sync', values.exclude ?? [], values.include ?? []);
        } catch (e) {
          if (e instanceof RcloneFail && e.message === 'directory not found') throw new RcloneFail(`Failed to ${cmd}: directory not found`, 3);
          throw e;
        }
      case 'touch':
        if (rest.length !== 1) throw new RcloneFail(`Command touch needs 1 arguments maximum: you provided ${rest.length} non flag arguments: ${JSON.stringify(rest)}`, 1);
        return touch(ctx, flags, stringValues.timestamp ?? stringValues.t, stringValues['s3-storage-class'], at(rest[0]!));
      case 'check':
        if (rest.length !== 2) throw new RcloneFail(`Command check needs 2 arguments minimum: you provided ${rest.length} non flag arguments: ${JSON.stringify(rest)}`, 1);
        return check(ctx, flags, stringValues, at(rest[0]!), at(rest[1]!));
      case 'config':
        if (rest[0] === 'dump' && rest.length === 1) return configDump(ctx, stringValues.config);
        throw new RcloneFail(`Failed to config: unknown command "${rest.join(' ')}"`, 1);
      case 'backend':
        if (rest[0] === 'restore') return backendRestore(ctx, values, at(rest[1] ?? ''));
        // restore-status came with rclone 1.64.
        if (rest[0] === 'restore-status' && atLeast(ctx.host, 'rclone', '1.64')) return restoreStatus(ctx, values, at(rest[1] ?? ''));
        throw new RcloneFail(`Failed to backend: command "${rest[0] ?? ''}" failed: command not found`, 1);
      case undefined:
        ctx.out('Usage:\n  rclone [flags]\n  rclone [command]\n');
        return 0;
      default:
        ctx.err(`Error: unknown command "${cmd}" for "rclone"\nRun 'rclone --help' for usage.\n`);
        return 1;
    }
  } catch (e) {
    if (e instanceof RcloneFail) {
      // rclone 1.60 ends with Go's log.Fatalf: a timestamp and the message, no level.
      const msg = e.message === 'directory not found' ? `Failed to ${cmd ?? 'run'}: error in ListJSON: directory not found` : e.message;
      ctx.err(`${strftime('%Y/%m/%d %H:%M:%S', ctx.now(), ctx.host.timeZone)} ${msg.startsWith('Failed') ? msg : `ERROR : ${msg}`}\n`);
      return e.code;
    }
    throw e;
  }
}
