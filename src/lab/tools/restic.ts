/**
 * restic over the lab's repositories (local paths of the host, or S3
 * repositories in the lab's cloud): `snapshots`, `backup` (JSON status lines
 * over a few scaled seconds), `check`, `forget` (with the retention engine's
 * restic semantics), `stats`, `ls` and `restore` (restic-files.ts), `cat
 * config`, `init`, `unlock`, `version`. The host's version (0.17.3 unless
 * `host.tools.restic` says otherwise) decides the forms: exit codes of
 * 0.17.1+ are 1 failure, 3 partial backup, 10 no repository, 11 locked, 12
 * wrong password, 130 interrupted; before 0.17 every failure is 1.
 */
import type { ToolContext } from '../shell/types.js';
import { strftime } from '../state/clock.js';
import { filesUnder, getFile, isDir, mkdirs, resolvePath } from '../state/fs.js';
import {
  findRepo,
  goJson,
  isCloudLocation,
  makeSnapshot,
  newRepo,
  snapshotEpoch,
  snapshotJson,
} from '../state/restic.js';
import { keepOptions, planPrune } from '../state/retention.js';
import { captureFiles } from '../state/file-sets.js';
import { atLeast, toolVersion } from '../state/tool-versions.js';
import { byTime, Fatal, findSnapshot, matches, open, opened, password } from './restic-repo.js';
import { ls, restore } from './restic-files.js';
import type { ResticSnapshot } from '../state/types.js';
import { isArgError, last, parseArgs, type OptionSpec } from './args.js';
import { elapsed, goBytes } from './format.js';

const GLOBAL: Record<string, 'value' | 'flag'> = {
  repo: 'value',
  'repository-file': 'value',
  'password-file': 'value',
  'password-command': 'value',
  json: 'flag',
  quiet: 'flag',
  verbose: 'flag',
  'no-lock': 'flag',
  'no-cache': 'flag',
  'cache-dir': 'value',
  option: 'value',
  'insecure-no-password': 'flag',
  'limit-upload': 'value',
  'limit-download': 'value',
  'retry-lock': 'value',
  compression: 'value',
  'pack-size': 'value',
  'cleanup-cache': 'flag',
};

const KEEP = ['keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly', 'keep-within', 'keep-within-hourly', 'keep-within-daily', 'keep-within-weekly', 'keep-within-monthly', 'keep-within-yearly', 'keep-tag'];

const COMMAND_OPTIONS: Record<string, Record<string, 'value' | 'flag'>> = {
  snapshots: { host: 'value', path: 'value', tag: 'value', latest: 'value', compact: 'flag', 'group-by': 'value' },
  backup: { host: 'value', tag: 'value', exclude: 'value', 'exclude-file': 'value', 'dry-run': 'flag', stdin: 'flag', 'stdin-filename': 'value', 'one-file-system': 'flag', parent: 'value', force: 'flag', 'skip-if-unchanged': 'flag' },
  check: { 'read-data': 'flag', 'read-data-subset': 'value', 'with-cache': 'flag' },
  forget: { 'dry-run': 'flag', prune: 'flag', host: 'value', path: 'value', tag: 'value', 'group-by': 'value', compact: 'flag', 'max-unused': 'value', ...Object.fromEntries(KEEP.map((k) => [k, 'value' as const])) },
  stats: { mode: 'value', host: 'value', path: 'value', tag: 'value' },
  restore: { target: 'value', include: 'value', exclude: 'value', host: 'value', path: 'value', tag: 'value', verify: 'flag', 'dry-run': 'flag', overwrite: 'value', delete: 'flag' },
  ls: { recursive: 'flag', long: 'flag', host: 'value', path: 'value', tag: 'value' },
  cat: {},
  init: { 'copy-chunker-params': 'flag', 'from-repo': 'value', 'repository-version': 'value' },
  unlock: { 'remove-all': 'flag' },
  version: {},
};

/** A command's options on the host's restic: restore's --overwrite, --dry-run and --delete are 0.17's. */
function commandOptions(ctx: ToolContext, command: string): Record<string, 'value' | 'flag'> | undefined {
  const own = Object.hasOwn(COMMAND_OPTIONS, command) ? COMMAND_OPTIONS[command] : undefined;
  if (command !== 'restore' || !own || atLeast(ctx.host, 'restic', '0.17')) return own;
  const { overwrite: _o, 'dry-run': _d, delete: _x, ...older } = own;
  return older;
}

/** Exit codes before 0.17 (no repository 10, locked 11) and 0.17.1 (wrong password 12) are all 1. */
function exitCodeOf(ctx: ToolContext, code: number): number {
  if ((code === 10 || code === 11) && !atLeast(ctx.host, 'restic', '0.17')) return 1;
  if (code === 12 && !atLeast(ctx.host, 'restic', '0.17.1')) return 1;
  return code;
}

const SHORT: Record<string, string> = { r: 'repo', p: 'password-file', q: 'quiet', v: 'verbose', o: 'option', t: 'target', H: 'host', n: 'dry-run', l: 'keep-last', d: 'keep-daily', w: 'keep-weekly', m: 'keep-monthly', y: 'keep-yearly' };

/** `snapshots --json` as the host's version prints it: program_version from 0.16, summary from 0.17. */
function versionedSnapshotJson(ctx: ToolContext, x: ResticSnapshot): Record<string, unknown> {
  const j = snapshotJson(x);
  if (!atLeast(ctx.host, 'restic', '0.16')) delete j.program_version;
  if (!atLeast(ctx.host, 'restic', '0.17')) delete j.summary;
  return j;
}

function table(ctx: ToolContext, snaps: readonly ResticSnapshot[], extra?: (s: ResticSnapshot) => string): string {
  const rows = snaps.map((s) => [
    s.id.slice(0, 8),
    strftime('%Y-%m-%d %H:%M:%S', snapshotEpoch(s), ctx.host.timeZone),
    s.hostname,
    (s.tags ?? []).join(','),
    ...(extra ? [extra(s)] : []),
    s.paths.join('\n'),
  ]);
  const head = ['ID', 'Time', 'Host', 'Tags', ...(extra ? ['Reasons'] : []), 'Paths'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const rule = '-'.repeat(widths.reduce((n, w) => n + w + 2, 0));
  return [fmt(head), rule, ...rows.map(fmt), rule].join('\n') + '\n';
}

async function backup(ctx: ToolContext, values: Readonly<Record<string, string[]>>, paths: string[]): Promise<number> {
  const json = values.json !== undefined;
  if (paths.length === 0 && values.stdin === undefined) throw new Fatal('nothing to backup, please specify source files/dirs');
  const o = await open(ctx, values, 'shared');
  opened(ctx, o, json);
  const abs = paths.map((p) => resolvePath(ctx.cwd, p));
  const present = abs.filter((p) => isDir(ctx.host.fs, p) || getFile(ctx.host.fs, p));
  const missing = abs.filter((p) => !present.includes(p));
  for (const p of missing) {
    if (json) ctx.out(`${goJson({ message_type: 'error', error: { message: `lstat ${p}: no such file or directory` }, during: 'scan', item: p })}\n`);
    else ctx.err(`error: lstat ${p}: no such file or directory\n`);
  }
  if (present.length === 0) throw new Fatal('all source directories/files do not exist');
  const files = present.flatMap((p) => filesUnder(ctx.host.fs, p));
  const fileCount = Math.max(files.length, 1);
  const totalBytes = files.reduce((n, [, f]) => n + f.size, 0);
  const start = ctx.now();
  const steps = 5;
  if (!json) ctx.out(`using parent snapshot ${o.repo.snapshots.at(-1)?.id.slice(0, 8) ?? '(none)'}\n`);
  const failing = ctx.fault('failing-job');
  for (let i = 1; i <= steps; i++) {
    await ctx.pace(450);
    if (failing && i === 3) {
      throw new Fatal(failing.message ?? `unable to save snapshot: Save(<data/${o.repo.id.slice(0, 10)}>): client.PutObject: Put "https://s3.example.com/": connection reset by peer`);
    }
    const frac = i / steps;
    if (json) {
      ctx.out(`${goJson({ message_type: 'status', seconds_elapsed: i, percent_done: frac, total_files: fileCount, files_done: Math.round(fileCount * frac), total_bytes: totalBytes, bytes_done: Math.round(totalBytes * frac), ...(i < steps && files[0] ? { current_files: [files[Math.min(files.length - 1, i)]![0]] } : {}) })}\n`);
    }
  }
  const seconds = Math.max(1, Math.round((ctx.now() - start) * 10) / 10);
  const snap = makeSnapshot(ctx.lab.rng, o.repo, {
    paths: present,
    hostname: values.host?.at(-1) ?? ctx.host.hostname,
    time: start,
    timeZone: ctx.host.timeZone,
    seconds,
    fileCount,
    totalBytes,
    changedBytes: Math.round(totalBytes * 0.02) + 4096,
    ...(values.tag ? { tags: values.tag.flatMap((t) => t.split(',')) } : {}),
    files: captureFiles(ctx.host.fs, present),
    version: toolVersion(ctx.host, 'restic'),
  });
  const sum = snap.summary!;
  if (json) {
    ctx.out(`${goJson({ message_type: 'summary', files_new: sum.files_new, files_changed: sum.files_changed, files_unmodified: sum.files_unmodified, dirs_new: sum.dirs_new, dirs_changed: sum.dirs_changed, dirs_unmodified: sum.dirs_unmodified, data_blobs: sum.data_blobs, tree_blobs: sum.tree_blobs, data_added: sum.data_added, data_added_packed: sum.data_added_packed, total_files_processed: sum.total_files_processed, total_bytes_processed: sum.total_bytes_processed, total_duration: seconds, backup_start: sum.backup_start, backup_end: sum.backup_end, snapshot_id: snap.id })}\n`);
  } else {
    ctx.out(`\nFiles:       ${String(sum.files_new).padStart(5)} new, ${String(sum.files_changed).padStart(5)} changed, ${String(sum.files_unmodified).padStart(5)} unmodified\n`);
    ctx.out(`Dirs:        ${String(sum.dirs_new).padStart(5)} new, ${String(sum.dirs_changed).padStart(5)} changed, ${String(sum.dirs_unmodified).padStart(5)} unmodified\n`);
    ctx.out(`Added to the repository: ${goBytes(sum.data_added)} (${goBytes(sum.data_added_packed)} stored)\n\n`);
    ctx.out(`processed ${fileCount} files, ${goBytes(totalBytes)} in ${elapsed(seconds)}\nsnapshot ${snap.id.slice(0, 8)} saved\n`);
  }
  return missing.length > 0 ? 3 : 0;
}

function reasonText(reason: string): string {
  const m = /^keep-(last|hourly|daily|weekly|monthly|yearly)$/.exec(reason);
  if (m) return `${m[1]} snapshot`;
  if (reason.startsWith('keep-within')) return reason.replace('keep-', '').replace('-', ' ');
  if (reason === 'protected') return 'tag';
  return reason;
}

async function forget(ctx: ToolContext, values: Readonly<Record<string, string[]>>, ids: string[]): Promise<number> {
  const json = values.json !== undefined;
  const policy: Record<string, string> = {};
  for (const k of KEEP) {
    const v = values[k]?.at(-1);
    if (v !== undefined && k !== 'keep-tag') policy[k] = v;
  }
  if (Object.keys(policy).length === 0 && ids.length === 0 && values['keep-tag'] === undefined) {
    throw new Fatal('no policy was specified, no snapshots will be removed');
  }
  for (const [k, v] of Object.entries(policy)) {
    if (!k.startsWith('keep-within') && !/^-?\d+$/.test(v)) throw new Fatal(`invalid argument "${v}" for "--${k}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  }
  const o = await open(ctx, values, 'exclusive');
  opened(ctx, o, json);
  const dryRun = values['dry-run'] !== undefined;
  const removed: ResticSnapshot[] = [];
  const out: unknown[] = [];
  if (ids.length > 0) {
    for (const id of ids) removed.push(findSnapshot(o.repo, id, values));
    if (!json) for (const s of removed) ctx.out(`${dryRun ? 'would have removed' : 'removed'} snapshot ${s.id.slice(0, 8)}\n`);
  } else {
    const keep = keepOptions(policy);
    const groupsByKey = new Map<string, ResticSnapshot[]>();
    for (const s of o.repo.snapshots.filter((x) => matches(x, values))) {
      const key = `${s.hostname}\0${[...s.paths].sort().join('\0')}`;
      groupsByKey.set(key, [...(groupsByKey.get(key) ?? []), s]);
    }
    if (!json) ctx.out(`Applying Policy: ${Object.entries(policy).map(([k, v]) => `keep ${v} ${k.replace('keep-', '')}`).join(', ')} snapshots\n`);
    for (const list of groupsByKey.values()) {
      const items = list.map((s) => ({ s, time: snapshotEpoch(s), ...(values['keep-tag'] && s.tags?.some((t) => values['keep-tag']!.includes(t)) ? { protected: true } : {}) }));
      const plan = planPrune(items, keep, 'restic', ctx.host.timeZone, ctx.now());
      const counters: Record<string, number> = Object.fromEntries(Object.entries(policy).filter(([k]) => !k.startsWith('keep-within')).map(([k, v]) => [k.replace('keep-', ''), Number(v)]));
      const reasons = plan.keep.map((k) => {
        const r = plan.reason.get(k) ?? '';
        const c = r.replace('keep-', '');
        if (counters[c] !== undefined && counters[c]! > 0) counters[c]!--;
        return { snapshot: snapshotJson(k.s), matches: [reasonText(r)], counters: { ...counters } };
      });
      removed.push(...plan.remove.map((r) => r.s));
      const first = list[0]!;
      out.push({
        tags: null,
        host: first.hostname,
        paths: first.paths,
        keep: plan.keep.map((k) => snapshotJson(k.s)),
        remove: plan.remove.length > 0 ? plan.remove.map((r) => snapshotJson(r.s)) : null,
        reasons,
      });
      if (!json) {
        ctx.out(`snapshots for (host [${first.hostname}], paths [${first.paths.join(', ')}]):\n`);
        ctx.out(`keep ${plan.keep.length} snapshots:\n${table(ctx, plan.keep.map((k) => k.s).sort(byTime), (s) => reasonText(plan.reason.get(plan.keep.find((k) => k.s === s)!) ?? ''))}${plan.keep.length} snapshots\n\n`);
        if (plan.remove.length > 0) ctx.out(`remove ${plan.remove.length} snapshots:\n${table(ctx, plan.remove.map((r) => r.s).sort(byTime))}${plan.remove.length} snapshots\n\n`);
      }
    }
    if (json) ctx.out(`${goJson(out)}\n`);
  }
  if (!dryRun) {
    for (const s of removed) o.repo.snapshots.splice(o.repo.snapshots.indexOf(s), 1);
    if (!json && removed.length > 0) ctx.out(`${removed.length} snapshots have been removed, running prune\n`);
  }
  if (values.prune !== undefined && !dryRun && removed.length > 0) {
    const freed = Math.round(removed.reduce((n, s) => n + (s.summary?.data_added_packed ?? 0), 0) * 0.8);
    await ctx.pace(400);
    o.repo.storedBytes = Math.max(0, o.repo.storedBytes - freed);
    ctx.out(`loading indexes...\nloading all snapshots...\nfinding data that is still in use for ${o.repo.snapshots.length} snapshots\nsearching used packs...\ncollecting packs for deletion and repacking\n\nto repack:           ${Math.round(freed / 4e6)} blobs / ${goBytes(Math.round(freed / 10))}\nthis removes:        ${Math.round(freed / 2e6)} blobs / ${goBytes(freed)}\nto delete:            0 blobs / 0 B\ntotal prune:         ${Math.round(freed / 2e6)} blobs / ${goBytes(freed)}\nremaining:           ${Math.round(o.repo.storedBytes / 2e6)} blobs / ${goBytes(o.repo.storedBytes)}\nunused size after prune: 0 B (0.00% of remaining size)\n\nrepacking packs\nrebuilding index\ndeleting obsolete index files\nremoving ${Math.max(1, Math.round(freed / 16e6))} old packs\ndone\n`);
  }
  return 0;
}

async function check(ctx: ToolContext, values: Readonly<Record<string, string[]>>): Promise<number> {
  const subset = values['read-data-subset']?.at(-1);
  if (subset !== undefined && !/^(\d+\/\d+|\d+(\.\d+)?%|\d+[KMGT]?)$/.test(subset)) {
    throw new Fatal(`invalid read-data-subset format: "${subset}"`);
  }
  const cache = `/tmp/restic-check-cache-${ctx.lab.rng.int(1_000_000_000, 4_000_000_000)}`;
  const o = await open(ctx, values, 'exclusive');
  ctx.out(`using temporary cache in ${cache}\n`);
  opened(ctx, o, false);
  ctx.out(`created new cache in ${cache}\ncreate exclusive lock for repository\nload indexes\ncheck all packs\ncheck snapshots, trees and blobs\n`);
  await ctx.pace(500);
  if (o.repo.corrupt) {
    const bad = o.repo.snapshots.at(-1)?.tree ?? '0'.repeat(64);
    ctx.err(`error for tree ${bad.slice(0, 8)}:\n  id ${bad} not found in repository\n`);
  }
  const readData = values['read-data'] !== undefined || subset !== undefined;
  if (readData) {
    let pct = 100;
    if (subset?.endsWith('%')) pct = Number(subset.slice(0, -1));
    else if (subset?.includes('/')) pct = 100 / Number(subset.split('/')[1]);
    ctx.out(subset === undefined ? 'read all data\n' : `read ${pct.toFixed(1)}% of data packs\n`);
    await ctx.pace(300 + 20 * pct);
    if (o.repo.corrupt) ctx.err(`Pack ID does not match, want ${o.repo.id.slice(0, 8)}, got ${o.repo.id.slice(8, 16)}\n`);
  }
  if (o.repo.corrupt) throw new Fatal('repository contains errors');
  ctx.out('no errors were found\n');
  return 0;
}

async function stats(ctx: ToolContext, values: Readonly<Record<string, string[]>>, ids: string[]): Promise<number> {
  const json = values.json !== undefined;
  const mode = values.mode?.at(-1) ?? 'restore-size';
  if (!['restore-size', 'raw-data', 'files-by-contents', 'blobs-per-file'].includes(mode)) throw new Fatal(`unknown mode "${mode}", must be one of restore-size, files-by-contents, blobs-per-file, raw-data`);
  const o = await open(ctx, values, 'shared');
  const snaps = ids.length > 0 ? ids.map((id) => findSnapshot(o.repo, id, values)) : o.repo.snapshots.filter((s) => matches(s, values));
  let data: Record<string, number>;
  if (mode === 'raw-data') {
    const blobs = Math.round(o.repo.storedBytes / 1_200_000);
    data = { total_size: o.repo.storedBytes, total_uncompressed_size: Math.round(o.repo.storedBytes * 1.6), compression_ratio: 1.6, compression_progress: 100, compression_space_saving: 37.5, total_blob_count: blobs, snapshots_count: snaps.length };
  } else {
    data = { total_size: snaps.reduce((n, s) => n + s.totalBytes, 0), total_file_count: snaps.reduce((n, s) => n + s.fileCount, 0), snapshots_count: snaps.length };
  }
  if (json) ctx.out(`${goJson(data)}\n`);
  else {
    opened(ctx, o, false);
    ctx.out(`scanning...\nStats in ${mode} mode:\n     Snapshots processed:  ${snaps.length}\n`);
    if (data.total_file_count !== undefined) ctx.out(`        Total File Count:  ${data.total_file_count}\n`);
    ctx.out(`              Total Size:  ${goBytes(data.total_size ?? 0)}\n`);
  }
  return 0;
}

async function init(ctx: ToolContext, values: Readonly<Record<string, string[]>>): Promise<number> {
  const location = values.repo?.at(-1) ?? ctx.env.RESTIC_REPOSITORY;
  if (!location) throw new Fatal('Please specify repository location (-r or --repository-file)');
  const pw = await password(ctx, values['password-file']?.at(-1) ?? ctx.env.RESTIC_PASSWORD_FILE, values['password-command']?.at(-1) ?? ctx.env.RESTIC_PASSWORD_COMMAND);
  if (pw === '') throw new Fatal('an empty password is not allowed by default. Pass the flag `--insecure-no-password` to restic to disable this check');
  if (findRepo(ctx.lab.state, ctx.host, location)) throw new Fatal(`create repository at ${location} failed: config file already exists`);
  const repo = newRepo(ctx.lab.rng, pw);
  if (isCloudLocation(location)) {
    repo.s3Credentials = { accessKeyId: ctx.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: ctx.env.AWS_SECRET_ACCESS_KEY ?? '' };
    ctx.lab.state.cloud.resticRepos[location] = repo;
  } else {
    const path = resolvePath(ctx.cwd, location);
    (ctx.host.resticRepos ??= {})[path] = repo;
    mkdirs(ctx.host.fs, path);
  }
  ctx.out(`created restic repository ${repo.id.slice(0, 10)} at ${location}\n\nPlease note that knowledge of your password is required to access\nthe repository. Losing your password means that your data is\nirrecoverably lost.\n`);
  return 0;
}

export async function restic(ctx: ToolContext): Promise<number> {
  const words = ctx.argv.slice(1);
  const cmdIndex = words.findIndex((w, i) => !w.startsWith('-') && !(i > 0 && GLOBAL[words[i - 1]!.replace(/^-+/, '')] === 'value') && !(i > 0 && words[i - 1] === '-r'));
  const command = words[cmdIndex];
  if (command === undefined) {
    ctx.out('\nrestic is a backup program which allows saving multiple revisions of files and\ndirectories in an encrypted repository stored on different backends.\n');
    return 0;
  }
  const own = commandOptions(ctx, command);
  if (!own) {
    ctx.err(`Error: unknown command "${command}" for "restic"\nRun 'restic --help' for usage.\n`);
    return 1;
  }
  const spec: OptionSpec = { long: { ...GLOBAL, ...own }, short: SHORT };
  const parsed = parseArgs([...words.slice(0, cmdIndex), ...words.slice(cmdIndex + 1)], spec);
  if (isArgError(parsed)) {
    ctx.err(parsed.error === 'unknown-option' ? `unknown flag: ${parsed.option.startsWith('-') ? parsed.option : `--${parsed.option}`}\n` : `flag needs an argument: --${parsed.option}\n`);
    return 1;
  }
  const v = parsed.values;
  const args = [...parsed.positionals];
  try {
    switch (command) {
      case 'version': {
        const version = toolVersion(ctx.host, 'restic');
        const go = atLeast(ctx.host, 'restic', '0.17') ? 'go1.23.3' : atLeast(ctx.host, 'restic', '0.16') ? 'go1.21.6' : 'go1.19.8';
        if (v.json !== undefined && atLeast(ctx.host, 'restic', '0.17')) ctx.out(`${goJson({ version, go_version: go, go_os: 'linux', go_arch: 'amd64' })}\n`);
        else ctx.out(`restic ${version} compiled with ${go} on linux/amd64\n`);
        return 0;
      }
      case 'snapshots': {
        const o = await open(ctx, v, 'none');
        let snaps = (args.length > 0 ? args.map((id) => findSnapshot(o.repo, id, v)) : o.repo.snapshots.filter((s) => matches(s, v))).sort(byTime);
        const latest = last(parsed, 'latest');
        if (latest !== undefined) snaps = snaps.slice(-Number(latest));
        if (v.json !== undefined) ctx.out(`${goJson(snaps.map((x) => versionedSnapshotJson(ctx, x)))}\n`);
        else {
          opened(ctx, o, false);
          ctx.out(`${table(ctx, snaps)}${snaps.length} snapshots\n`);
        }
        return 0;
      }
      case 'backup':
        return await backup(ctx, v, args);
      case 'check':
        return await check(ctx, v);
      case 'forget':
        return await forget(ctx, v, args);
      case 'stats':
        return await stats(ctx, v, args);
      case 'restore':
        return await restore(ctx, v, args);
      case 'ls':
        return await ls(ctx, v, args);
      case 'init':
        return await init(ctx, v);
      case 'unlock': {
        const o = await open(ctx, v, 'none');
        const had = o.repo.lock ? 1 : 0;
        delete o.repo.lock;
        ctx.out(`successfully removed ${had} locks\n`);
        return 0;
      }
      case 'cat': {
        if (args[0] !== 'config') throw new Fatal(args[0] === undefined ? 'type not specified' : `invalid type "${args[0]}"`);
        const o = await open(ctx, v, 'none');
        ctx.out(`${JSON.stringify({ version: 2, id: o.repo.id, chunker_polynomial: o.repo.chunkerPolynomial }, null, 2)}\n`);
        return 0;
      }
    }
  } catch (e) {
    if (e instanceof Fatal) {
      ctx.err(`Fatal: ${e.message}\n`);
      return exitCodeOf(ctx, e.code);
    }
    throw e;
  }
  return 1;
}

