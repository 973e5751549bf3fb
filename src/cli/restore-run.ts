/**
 * Running a restore or drill plan from the command line: progress on
 * stderr (a line per tenth of the work, or per disk), Ctrl-C or TERM
 * cancels (the remote task is stopped, the clean-up runs), the result and
 * the exit code (0 restored and checked, 1 a check failed, 2 failed).
 */
import { RestoreError, type RestoreEvent, type RestorePlan, type RestoreResult } from '../services/restore/api.js';
import type { Session } from './session.js';
import { formatCheck, formatProgress, formatResult } from './format-restore.js';
import { EXIT, type CliIo } from './io.js';

export async function runPlan(session: Session, plan: RestorePlan, io: CliIo, o: { json: boolean; confirm?: string }): Promise<{ result?: RestoreResult; exit: number }> {
  const ac = new AbortController();
  const cancel = () => {
    if (!ac.signal.aborted) io.err('strata: cancelling: stopping the remote task, then cleaning up…');
    ac.abort();
  };
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  let shown = '';
  const onEvent = (e: RestoreEvent) => {
    if (o.json) return;
    if (e.type === 'step') io.err(`[${e.index + 1}/${e.of}] ${e.description}`);
    else if (e.type === 'progress') {
      const p = e.progress;
      if (p.format === undefined) return;
      const key = p.percent === null ? `${Math.floor(e.elapsedMs / 10_000)}` : `${p.disk?.index ?? 0}:${Math.floor(p.percent / 10)}`;
      if (key !== shown) {
        shown = key;
        io.err(formatProgress(e));
      }
    } else if (e.type === 'check') io.err(formatCheck(e.check));
    else if (e.type === 'cleanup') io.err(`  ${e.text}`);
  };
  try {
    const result = await session.restore.run(plan, { ...(o.confirm !== undefined ? { confirm: o.confirm } : {}), signal: ac.signal, onEvent });
    if (!o.json) io.out(formatResult(result));
    return { result, exit: result.exitCode };
  } catch (e) {
    if (e instanceof RestoreError && (e.code === 'confirmation-required' || e.code === 'confirmation-mismatch')) {
      io.err(`strata: ${e.message}`);
      return { exit: EXIT.usage };
    }
    if (e instanceof RestoreError) {
      io.err(`strata: ${e.message}`);
      return { exit: 2 };
    }
    throw e;
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
}
