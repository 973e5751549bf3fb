/**
 * After a cancel: a PBS task keeps running in the server when only its CLI
 * is killed, so the task of the step's type started since the step began is
 * stopped too.
 */
import { runningTasksCommand, taskStopCommand } from '../../adapters/pbs/jobs.js';
import { parseTaskList } from '../../adapters/pbs/parse.js';
import type { Runner } from '../../transport/runner.js';
import type { PlanStep } from '../action-types.js';

type PbsTaskHook = Extract<NonNullable<PlanStep['onCancel']>, { readonly kind: 'pbs-task' }>;

/**
 * The parts of a PBS worker id (`store1`, `remote:store:local:job`), systemd escapes undone: a
 * task of datastore store10 is not one of store1.
 */
function workerIdSegments(workerId: string | undefined): string[] {
  return (workerId ?? '').split(/:|\\x3a/).filter((s) => s !== '');
}

export async function stopPbsTask(hook: PbsTaskHook, runner: Runner, sinceMs: number, timeoutMs: number): Promise<string | undefined> {
  const opts = { signal: AbortSignal.timeout(timeoutMs) };
  const listed = await runner.run({ ...runningTasksCommand(), timeoutMs }, opts);
  const tasks = parseTaskList(listed.stdout, listed.stderr, listed.exitCode);
  if (!tasks.ok) return `could not list PBS tasks to stop the one left running: ${tasks.error.message}`;
  const left = tasks.value.filter(
    (t) => t.workerType === hook.workerType && workerIdSegments(t.workerId).includes(hook.workerIdSegment) && t.startTimeSec >= Math.floor(sinceMs / 1000) - 120,
  );
  if (left.length === 0) return undefined;
  const stopped: string[] = [];
  for (const t of left) {
    const r = await runner.run({ ...taskStopCommand(t.upid), timeoutMs }, opts);
    stopped.push(r.exitCode === 0 ? `stopped PBS task ${t.upid}` : `PBS task ${t.upid} could not be stopped (exit ${r.exitCode})`);
  }
  return stopped.join('; ');
}
