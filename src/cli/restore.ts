/**
 * `strata restore --asset vm/100 [--from LAYER|SOURCE] [--point latest|ISO-TIME]
 * [--to new|original|VMID] [--method restore|rollback|clone] [--storage S]
 * [--start] [--unique|--keep-macs] [--json] [--yes [--confirm WORD]]`:
 * without --yes it prints the ranked sources and the plan and changes
 * nothing; with --yes it runs; a plan that destroys anything also needs
 * --confirm with the word the plan shows (the VMID).
 */
import { RestoreError, type RestoreMethod, type RestorePlan, type SourceList, type TargetChoice, type WantedPoint } from '../services/restore/api.js';
import { commandFlags, configFlag } from './args.js';
import { formatPlan, formatSources } from './format-restore.js';
import { EXIT, type CliIo } from './io.js';
import { runPlan } from './restore-run.js';
import { FILES_USAGE, runFiles } from './restore-files.js';
import { closeSession, openSessionOrExplain } from './session.js';

export const USAGE = `Usage: strata restore --asset vm/N|ct/N [--from LAYER|SOURCE] [--point latest|ISO-TIME]
                      [--to new|original|VMID] [--method restore|rollback|clone]
                      [--storage S] [--start] [--unique|--keep-macs] [--json]
                      [--yes [--confirm WORD]] [--config FILE]

Lists every source of the guest, best first, and the exact plan for the
chosen one: preflight checks, commands, what it destroys, checks after.
Without --yes nothing is changed.
  --from X      a layer id (its newest point) or a source id from the list (LAYER@POINT)
  --point T     the newest point at or before T (ISO 8601), default latest
  --to          new (default: the next free VMID), original (overwrites, typed
                confirmation), or a VMID
  --method      restore (archives, PBS), rollback or clone (guest snapshots)
  --storage S   target storage; without it each tool's default (stated in the plan)
  --start       start the guest afterwards and check that it answers
  --unique      new MAC addresses (default when the original still exists);
  --keep-macs   keep them
  --yes         run the plan
  --confirm W   the word the plan shows, for a plan that destroys anything
Exit codes: 0 restored and checked (or, without --yes, a plan that can run),
1 restored with a failed check, 2 failed or cannot run, 64 usage (also a
missing or wrong --confirm: nothing was run), 78 bad config.

${FILES_USAGE}`;

export async function run(args: string[], io: CliIo): Promise<number> {
  // Files and datasets have their own options (restore-files.ts).
  if (args.some((a) => /^--(path|dataset|resume)(=|$)/.test(a))) return runFiles(args, io);
  const parsed = commandFlags(
    args,
    {
      asset: { type: 'string' },
      from: { type: 'string' },
      point: { type: 'string' },
      to: { type: 'string' },
      method: { type: 'string' },
      storage: { type: 'string' },
      start: { type: 'boolean' },
      unique: { type: 'boolean' },
      'keep-macs': { type: 'boolean' },
      json: { type: 'boolean' },
      yes: { type: 'boolean' },
      confirm: { type: 'string' },
    },
    { io, name: 'strata restore', usage: USAGE },
  );
  if ('exit' in parsed) return parsed.exit;
  const f = parsed.values;
  const usage = (msg: string) => {
    io.err(`strata restore: ${msg}\n\n${USAGE}`);
    return EXIT.usage;
  };
  if (!f.asset) return usage('--asset is required (vm/N or ct/N)');
  const point = parsePoint(f.point);
  if (point === null) return usage(`--point: "${f.point}" is not latest or an ISO 8601 time`);
  const target = parseTarget(f.to);
  if (target === null) return usage(`--to: "${f.to}" is not new, original or a VMID`);
  if (f.method !== undefined && !['restore', 'rollback', 'clone'].includes(f.method)) return usage(`--method: "${f.method}" is not restore, rollback or clone`);
  if (f.unique && f['keep-macs']) return usage('--unique and --keep-macs contradict each other');
  if (f.confirm !== undefined && !f.yes) return usage('--confirm goes with --yes');

  const session = await openSessionOrExplain(configFlag(f, io.env), io);
  if (!session) return EXIT.config;
  try {
    const fromLayer = f.from?.includes('@') ? f.from.slice(0, f.from.indexOf('@')) : f.from;
    let list: SourceList;
    let plan: RestorePlan;
    try {
      list = await session.restore.sources({ assetId: f.asset, point, ...(fromLayer ? { layerId: fromLayer } : {}) });
      const method = f.method as RestoreMethod | undefined;
      const chosen = f.from?.includes('@') ? list.sources.find((s) => s.id === f.from) ?? { id: f.from } : list.sources.find((s) => s.plannable && (method === undefined || s.methods.includes(method)));
      if (!chosen) {
        if (!f.json) io.out(formatSources(list));
        io.err(`strata restore: no source of ${f.asset} can be planned${method ? ` for ${method}` : ''}${list.sources.length > 0 ? ' (see why above)' : ''}`);
        if (f.json) io.out(JSON.stringify({ sources: list, plan: null, result: null }));
        return 2;
      }
      plan = await session.restore.plan({
        assetId: f.asset,
        sourceId: chosen.id,
        ...(method ? { method } : {}),
        target,
        ...(f.storage !== undefined ? { storage: f.storage } : {}),
        ...(f.start ? { start: true } : {}),
        ...(f.unique ? { unique: true } : f['keep-macs'] ? { unique: false } : {}),
      });
    } catch (e) {
      if (!(e instanceof RestoreError)) throw e;
      io.err(`strata restore: ${e.message}`);
      return e.code === 'invalid' ? EXIT.usage : 2;
    }
    if (!f.json) io.out(`${formatSources(list)}\n\n${formatPlan(plan)}`);
    if (!f.yes) {
      if (f.json) io.out(JSON.stringify({ sources: list, plan: withoutAction(plan), result: null }));
      else io.out(plan.ready ? `\nNothing was changed. To run it: the same command with --yes${plan.confirmWord ? ` --confirm ${plan.confirmWord}` : ''}.` : '\nNothing was changed.');
      return plan.ready ? EXIT.ok : 2;
    }
    if (!plan.ready) {
      if (f.json) io.out(JSON.stringify({ sources: list, plan: withoutAction(plan), result: null }));
      return 2;
    }
    const ran = await runPlan(session, plan, io, { json: f.json ?? false, ...(f.confirm !== undefined ? { confirm: f.confirm } : {}) });
    if (f.json) io.out(JSON.stringify({ sources: list, plan: withoutAction(plan), result: ran.result ? { ...ran.result, outcome: undefined } : null }));
    return ran.exit;
  } finally {
    await closeSession(session, io);
  }
}

/** The executor's copy of the plan repeats what the plan says; JSON readers get the plan's own words. */
export const withoutAction = (plan: RestorePlan) => ({ ...plan, action: undefined });

function parsePoint(v: string | undefined): WantedPoint | null {
  if (v === undefined || v === 'latest') return { kind: 'latest' };
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : { kind: 'at', timeSec: ms / 1000 };
}

function parseTarget(v: string | undefined): TargetChoice | null {
  if (v === undefined || v === 'new') return { kind: 'new' };
  if (v === 'original') return { kind: 'original' };
  return /^[1-9]\d{2,8}$/.test(v) ? { kind: 'new', vmid: Number(v) } : null;
}
