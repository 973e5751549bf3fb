/**
 * `strata restore --path HOST:/p | --dataset POOL/DS | --resume ID`: file
 * and dataset restores from the command line, as guest restores are: the
 * ranked sources (`--sources` prints only them), the plan, and with --yes
 * the run (--confirm for what it replaces or destroys). A cold source
 * requests its thaw, saves the restore and exits 75 with the id to resume.
 */
import { formatDuration } from '../domain/duration.js';
import { formatBytes, isoTime } from '../domain/format.js';
import type { WantedPoint } from '../domain/restore/types.js';
import {
  RestoreError,
  type FileMethod,
  type FileRestoreEvent,
  type FileRestorePlan,
  type FileRestoreResult,
  type FileRestoreTargetChoice,
  type FileSourceList,
  type OverwritePolicy,
  type ThawPriority,
  type ThawProgress,
} from '../services/restore/files-api.js';
import { commandFlags, configFlag } from './args.js';
import { formatCheck } from './format-restore.js';
import { EXIT, type CliIo } from './io.js';
import { closeSession, openSessionOrExplain, type Session } from './session.js';

/** A thaw was requested (or is still under way): run `--resume ID` later. */
export const EXIT_THAWING = 75;

export const FILES_USAGE = `Usage: strata restore --path HOST:/PATH | --dataset POOL/DS [--point latest|ISO-TIME]
                      [--from LAYER|SOURCE] [--sources] [--to DIR|original]
                      [--overwrite always|if-changed|if-newer|never]
                      [--method files|clone|rollback|receive] [--clone-name POOL/DS]
                      [--priority Expedited|Standard|Bulk] [--lifetime DAYS]
                      [--json] [--yes [--confirm WORD]] [--config FILE]
       strata restore --resume ID [--json] [--config FILE]

Files and datasets from every layer that holds them (restic, PBS host
backups, ZFS snapshots and replicas, rclone copies, Glacier thawed first).
Without --yes nothing is changed.
  --sources     print the ranked sources only
  --to          a directory on the source's host (default /var/tmp/strata-restore/TIME),
                or original (over the files: typed confirmation; restic 0.17 needs --overwrite)
  --method      files (chosen paths), clone (a dataset, the default), rollback (zfs
                rollback -r: destroys newer snapshots), receive (from the replica, -F)
  --priority    thaw priority for cold copies (default Standard), --lifetime days kept
  --resume ID   a saved restore waiting for a thaw: shows thawed/thawing/not-requested
                counts and, once every object is thawed, copies and checks
Exit codes: 0 restored and checked (or, without --yes, a plan that can run),
1 restored with a failed check, 2 failed or cannot run, 64 usage (also a
missing or wrong --confirm: nothing was run), 75 thaw requested or still
thawing (run --resume ID later), 78 bad config.`;

const PLACE = { 'same-host': 'same host', lan: 'LAN', 'off-site': 'off-site' } as const;

export function formatFileSources(list: FileSourceList): string {
  const t = list.target;
  const what = t.kind === 'dataset' ? `dataset ${t.dataset}` : `${t.kind === 'guest' ? t.assetId : t.host}:${t.path}`;
  const lines = [`${what}`, '', 'Sources, best first:'];
  if (list.sources.length === 0) lines.push('  (none)');
  for (const s of list.sources) {
    const proven = s.provenAtSec !== null ? `proven ${isoTime(s.provenAtSec).slice(0, 10)}` : 'never proven';
    lines.push(`  ${String(s.rank).padStart(2)}. ${s.layerId} (${s.kind})  ${isoTime(s.point.timeSec)} (${formatDuration(s.ageSeconds)} old)  ${PLACE[s.location]}  ${proven}`);
    lines.push(`      --from ${s.id}  holds ${s.covers}; ${s.methods.join(', ')}`);
    lines.push(`      ${s.steps.map((x) => x.label).join(' -> ')}; time: ${s.estimate.text}`);
    if (s.cold) lines.push(`      ${s.cold.storageClass}: ${s.cold.tiers.map((t) => `${t.priority} ${t.wait} (cost ${t.cost})`).join('; ')}`);
  }
  for (const u of list.unreadable) lines.push(`  ?  ${u.layerId}: could not be read: ${u.reason}`);
  return lines.join('\n');
}

export function formatFilePlan(plan: FileRestorePlan): string {
  const lines = [plan.title, '', `Source: ${plan.source.layerId} ${plan.source.point.ref} (${isoTime(plan.source.point.timeSec)}), ${plan.method}`];
  if (plan.paths.length > 0) lines.push(`Paths: ${plan.paths.join(', ')}`);
  lines.push(`Target: ${plan.target.host}:${plan.target.path}${plan.target.overwrites ? ' (OVERWRITES)' : ''}`);
  lines.push(`Progress: ${plan.progress === 'percent' ? 'percent from the tool' : 'elapsed time and bytes under the target (the tool gives no percent)'}`);
  if (plan.preflight.length > 0) lines.push('', 'Preflight:', ...plan.preflight.map((c) => `  [${c.state === 'passed' ? 'ok' : 'FAILED'}] ${c.label}: ${c.detail}`));
  if (plan.thaw) {
    lines.push('', `Thaw first (${plan.thaw.storageClass}): ${plan.thaw.priority}, wait ${plan.thaw.wait}, cost ${plan.thaw.cost}, kept ${plan.thaw.lifetimeDays} days`, `  ${plan.thaw.command.host}: ${plan.thaw.command.command}`);
  }
  lines.push('', plan.thaw ? 'Then, once every object is thawed (strata restore --resume ID):' : 'Commands:', ...plan.commands.map((c, i) => `  ${i + 1}. ${c.host}: ${c.command}\n     ${c.description}`));
  if (plan.checks.length > 0) lines.push('', 'Checks after (they read the data back):', ...plan.checks.map((c) => `  - ${c.label}`));
  lines.push('', `On failure: ${plan.onFailure}`);
  if (plan.notes.length > 0) lines.push(...plan.notes.map((n) => `Note: ${n}`));
  if (plan.destroys.length > 0) lines.push('', 'THIS REPLACES OR DESTROYS:', ...plan.destroys.map((d) => `  - ${d}`), `To run it, type the word: --confirm ${plan.confirmWord}`);
  if (!plan.ready) lines.push('', 'The plan cannot run: a preflight check failed (above).');
  return lines.join('\n');
}

const formatThaw = (t: ThawProgress) => `restore ${t.id}: ${t.counts.thawed} thawed, ${t.counts.thawing} thawing, ${t.counts.notRequested} not requested${t.counts.failed > 0 ? `, ${t.counts.failed} failed` : ''} (read by ${t.readBy}; ${t.wait})`;

function onEventFor(io: CliIo, json: boolean): (e: FileRestoreEvent) => void {
  let shown = '';
  return (e) => {
    if (json) return;
    if (e.type === 'step') io.err(`[${e.index + 1}/${e.of}] ${e.description}`);
    else if (e.type === 'progress') {
      const p = e.progress;
      const key = p.percent === null ? `${Math.floor(e.elapsedMs / 10_000)}` : `${Math.floor(p.percent / 10)}`;
      if (key === shown) return;
      shown = key;
      io.err(p.percent === null ? `  ${formatBytes(p.bytesRead)} written, ${formatDuration(Math.round(e.elapsedMs / 1000))}` : `  ${p.percent.toFixed(0)} %${e.etaSeconds !== null ? `, about ${formatDuration(e.etaSeconds)} left` : ''}`);
    } else if (e.type === 'check') io.err(formatCheck(e.check));
    else if (e.type === 'thaw') io.err(formatThaw(e.status));
    else if (e.type === 'cleanup') io.err(`  ${e.text}`);
  };
}

function exitOf(r: FileRestoreResult): number {
  return r.state === 'thawing' ? EXIT_THAWING : r.exitCode;
}

async function runIt(session: Session, io: CliIo, json: boolean, go: (opts: { signal: AbortSignal; onEvent: (e: FileRestoreEvent) => void }) => Promise<FileRestoreResult>): Promise<{ result?: FileRestoreResult; exit: number }> {
  const ac = new AbortController();
  const cancel = () => ac.abort();
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  try {
    const result = await go({ signal: ac.signal, onEvent: onEventFor(io, json) });
    if (!json) {
      io.out(`\n${result.summary}`);
      for (const c of result.checks) io.out(formatCheck(c));
      if (result.leftover) io.out(`Left: ${result.leftover}`);
    }
    return { result, exit: exitOf(result) };
  } catch (e) {
    if (!(e instanceof RestoreError)) throw e;
    io.err(`strata restore: ${e.message}`);
    return { exit: e.code === 'confirmation-required' || e.code === 'confirmation-mismatch' || e.code === 'invalid' ? EXIT.usage : 2 };
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
}

const noAction = (plan: FileRestorePlan) => ({ ...plan, action: undefined });
const noOutcome = (r: FileRestoreResult | undefined) => (r ? { ...r, outcome: undefined } : null);

export async function runFiles(args: string[], io: CliIo): Promise<number> {
  const parsed = commandFlags(
    args,
    {
      path: { type: 'string' },
      dataset: { type: 'string' },
      resume: { type: 'string' },
      sources: { type: 'boolean' },
      from: { type: 'string' },
      point: { type: 'string' },
      to: { type: 'string' },
      overwrite: { type: 'string' },
      method: { type: 'string' },
      'clone-name': { type: 'string' },
      priority: { type: 'string' },
      lifetime: { type: 'string' },
      json: { type: 'boolean' },
      yes: { type: 'boolean' },
      confirm: { type: 'string' },
    },
    { io, name: 'strata restore', usage: FILES_USAGE },
  );
  if ('exit' in parsed) return parsed.exit;
  const f = parsed.values;
  const usage = (msg: string) => {
    io.err(`strata restore: ${msg}\n\n${FILES_USAGE}`);
    return EXIT.usage;
  };
  const given = [f.path, f.dataset, f.resume].filter((x) => x !== undefined).length;
  if (given !== 1) return usage('give one of --path HOST:/PATH, --dataset POOL/DS or --resume ID');
  const point = parsePoint(f.point);
  if (point === null) return usage(`--point: "${f.point}" is not latest or an ISO 8601 time`);
  if (f.method !== undefined && !['files', 'clone', 'rollback', 'receive'].includes(f.method)) return usage(`--method: "${f.method}" is not files, clone, rollback or receive`);
  if (f.overwrite !== undefined && !['always', 'if-changed', 'if-newer', 'never'].includes(f.overwrite)) return usage(`--overwrite: "${f.overwrite}" is not always, if-changed, if-newer or never`);
  if (f.priority !== undefined && !['Expedited', 'Standard', 'Bulk'].includes(f.priority)) return usage(`--priority: "${f.priority}" is not Expedited, Standard or Bulk`);
  const lifetime = f.lifetime === undefined ? undefined : Number(f.lifetime);
  if (lifetime !== undefined && !(Number.isInteger(lifetime) && lifetime >= 1)) return usage(`--lifetime: "${f.lifetime}" is not a whole number of days`);
  if (f.to !== undefined && f.to !== 'original' && !f.to.startsWith('/')) return usage(`--to: "${f.to}" is not an absolute directory or original`);
  if (f.confirm !== undefined && !f.yes) return usage('--confirm goes with --yes');

  const session = await openSessionOrExplain(configFlag(f, io.env), io);
  if (!session) return EXIT.config;
  const json = f.json ?? false;
  try {
    if (f.resume !== undefined) {
      const id = f.resume;
      const ran = await runIt(session, io, json, (o) => session.fileRestore.resume(id, o));
      if (json) io.out(JSON.stringify({ resume: id, result: noOutcome(ran.result) }));
      else if (ran.result?.state === 'thawing') io.out(`Not yet: run strata restore --resume ${id} again later.`);
      return ran.exit;
    }
    const fromLayer = f.from?.includes('@') ? f.from.slice(0, f.from.indexOf('@')) : f.from;
    let list: FileSourceList;
    let plan: FileRestorePlan;
    try {
      list = await session.fileRestore.sources({ ...(f.path !== undefined ? { path: f.path } : { dataset: f.dataset! }), point, ...(fromLayer ? { layerId: fromLayer } : {}) });
      if (f.sources) {
        io.out(json ? JSON.stringify({ sources: list }) : formatFileSources(list));
        return list.sources.length > 0 ? EXIT.ok : 2;
      }
      const method = f.method as FileMethod | undefined;
      const chosen = f.from?.includes('@') ? (list.sources.find((s) => s.id === f.from) ?? { id: f.from }) : list.sources.find((s) => s.plannable && (method === undefined || s.methods.includes(method)));
      if (!chosen) {
        if (!json) io.out(formatFileSources(list));
        io.err(`strata restore: no source can be planned${method ? ` for ${method}` : ''}`);
        if (json) io.out(JSON.stringify({ sources: list, plan: null, result: null }));
        return 2;
      }
      const target: FileRestoreTargetChoice | undefined = f.to === 'original' ? { kind: 'original', ...(f.overwrite ? { overwrite: f.overwrite as OverwritePolicy } : {}) } : f.to !== undefined ? { kind: 'alternate', dir: f.to } : undefined;
      plan = await session.fileRestore.plan({
        sourceId: chosen.id,
        ...(f.path !== undefined && (method === undefined || method === 'files') ? { paths: [pathOf(f.path)] } : {}),
        ...(method ? { method } : {}),
        ...(target ? { target } : {}),
        ...(f['clone-name'] ? { cloneName: f['clone-name'] } : {}),
        ...(f.priority || lifetime ? { thaw: { ...(f.priority ? { priority: f.priority as ThawPriority } : {}), ...(lifetime ? { lifetimeDays: lifetime } : {}) } } : {}),
      });
    } catch (e) {
      if (!(e instanceof RestoreError)) throw e;
      io.err(`strata restore: ${e.message}`);
      return e.code === 'invalid' ? EXIT.usage : 2;
    }
    if (!json) io.out(`${formatFileSources(list)}\n\n${formatFilePlan(plan)}`);
    if (!f.yes || !plan.ready) {
      if (json) io.out(JSON.stringify({ sources: list, plan: noAction(plan), result: null }));
      else if (!f.yes) io.out(plan.ready ? `\nNothing was changed. To run it: the same command with --yes${plan.confirmWord ? ` --confirm ${plan.confirmWord}` : ''}.` : '\nNothing was changed.');
      return plan.ready && !f.yes ? EXIT.ok : 2;
    }
    const ran = await runIt(session, io, json, (o) => session.fileRestore.run(plan, { ...o, ...(f.confirm !== undefined ? { confirm: f.confirm } : {}) }));
    if (json) io.out(JSON.stringify({ sources: list, plan: noAction(plan), result: noOutcome(ran.result) }));
    else if (ran.result?.state === 'thawing') io.out(`\nThe restore is saved: strata restore --resume ${ran.result.thaw?.id ?? '?'} (it copies and checks once every object is thawed).`);
    return ran.exit;
  } finally {
    await closeSession(session, io);
  }
}

function pathOf(spec: string): string {
  const i = spec.indexOf(':/');
  return i < 0 ? spec : spec.slice(i + 1).replace(/(.)\/+$/, '$1');
}

function parsePoint(v: string | undefined): WantedPoint | null {
  if (v === undefined || v === 'latest') return { kind: 'latest' };
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : { kind: 'at', timeSec: ms / 1000 };
}
