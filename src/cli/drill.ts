/**
 * `strata drill [--asset vm/N | --rotate TIER] [--from SOURCE] [--scratch VMID]
 * [--storage S] [--plan] [--json]`: restores a guest to a scratch VMID with
 * new MACs and every link cut, starts it, checks it, measures the restore,
 * destroys the scratch copy and journals the evidence. Never touches the
 * original, refuses a scratch VMID that exists. Meant for a timer: it runs
 * without --yes (it destroys nothing of yours); --plan only prints the plan.
 */
import { RestoreError, type RestorePlan } from '../services/restore/api.js';
import { commandFlags, configFlag } from './args.js';
import { formatPlan } from './format-restore.js';
import { EXIT, type CliIo } from './io.js';
import { withoutAction } from './restore.js';
import { runPlan } from './restore-run.js';
import { closeSession, openSessionOrExplain } from './session.js';

export const USAGE = `Usage: strata drill (--asset vm/N|ct/N | --rotate TIER) [--from SOURCE]
                    [--scratch VMID] [--storage S] [--plan] [--json] [--config FILE]

A restore drill: the guest's best backup (or --from SOURCE, a source id of
\`strata restore\`) restored to a scratch VMID (the next free one, or
--scratch) with --unique and link_down=1 on every NIC, started, checked
(disks, running, QEMU agent), timed, then destroyed. The original is never
touched. The result is journaled: "last proven restorable" and the measured
restore time in \`strata status --json\` come from it.
  --rotate TIER  the tier's guest drilled longest ago (never drilled first)
  --plan         print the plan only; change nothing
Exit codes: 0 restored and every check passed, 1 a check failed, 2 failed or
cannot run, 64 usage, 78 bad config.`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = commandFlags(
    args,
    { asset: { type: 'string' }, rotate: { type: 'string' }, from: { type: 'string' }, scratch: { type: 'string' }, storage: { type: 'string' }, plan: { type: 'boolean' }, json: { type: 'boolean' } },
    { io, name: 'strata drill', usage: USAGE },
  );
  if ('exit' in parsed) return parsed.exit;
  const f = parsed.values;
  const usage = (msg: string) => {
    io.err(`strata drill: ${msg}\n\n${USAGE}`);
    return EXIT.usage;
  };
  if ((f.asset === undefined) === (f.rotate === undefined)) return usage('give either --asset or --rotate');
  if (f.scratch !== undefined && !/^[1-9]\d{2,8}$/.test(f.scratch)) return usage(`--scratch: "${f.scratch}" is not a VMID`);
  const session = await openSessionOrExplain(configFlag(f, io.env), io);
  if (!session) return EXIT.config;
  try {
    let plan: RestorePlan;
    try {
      plan = await session.restore.planDrill({
        ...(f.asset !== undefined ? { assetId: f.asset } : {}),
        ...(f.rotate !== undefined ? { rotateTier: f.rotate } : {}),
        ...(f.from !== undefined ? { sourceId: f.from } : {}),
        ...(f.scratch !== undefined ? { scratchVmid: Number(f.scratch) } : {}),
        ...(f.storage !== undefined ? { storage: f.storage } : {}),
      });
    } catch (e) {
      if (!(e instanceof RestoreError)) throw e;
      io.err(`strata drill: ${e.message}`);
      return e.code === 'invalid' ? EXIT.usage : 2;
    }
    if (!f.json) io.out(formatPlan(plan));
    if (f.plan || !plan.ready) {
      if (f.json) io.out(JSON.stringify({ plan: withoutAction(plan), result: null }));
      return plan.ready ? EXIT.ok : 2;
    }
    const ran = await runPlan(session, plan, io, { json: f.json ?? false });
    if (f.json) io.out(JSON.stringify({ plan: withoutAction(plan), result: ran.result ? { ...ran.result, outcome: undefined } : null }));
    return ran.exit;
  } finally {
    await closeSession(session, io);
  }
}
