/**
 * A PVE worker task run from the command line, as `fork_worker` does in CLI
 * mode: the task is in the node's task list while it runs, every log line is
 * printed on stdout and kept for `.../tasks/{upid}/log`, and a failure prints
 * the error on stderr and exits 255 with the error text as the task status.
 */
import { Killed, type ToolContext } from '../shell/types.js';
import { newTask } from '../state/pve.js';
import type { PveState, PveTask } from '../state/types.js';

/** A task that ends with this text as its status (and on stderr). */
export class TaskError extends Error {}

export interface TaskRun {
  readonly task: PveTask;
  log(line: string): void;
}

export async function runPveTask(
  ctx: ToolContext,
  pve: PveState,
  t: { type: string; id: string },
  body: (run: TaskRun) => Promise<void>,
): Promise<number> {
  const task = newTask(pve, { pid: ctx.pid, starttime: ctx.now(), type: t.type, id: t.id });
  task.running = true;
  task.log = [];
  const run: TaskRun = {
    task,
    log(line) {
      task.log!.push(line);
      ctx.out(`${line}\n`);
    },
  };
  const end = (status: string) => {
    task.status = status;
    task.endtime = Math.floor(ctx.now());
    delete task.running;
    task.log!.push(status === 'OK' ? 'TASK OK' : status.startsWith('WARNINGS') ? `TASK ${status}` : `TASK ERROR: ${status}`);
  };
  try {
    await body(run);
    end('OK');
    return 0;
  } catch (e) {
    if (e instanceof Killed) {
      end('interrupted by signal');
      throw e;
    }
    if (e instanceof TaskError) {
      end(e.message);
      ctx.err(`${e.message}\n`);
      return 255;
    }
    throw e;
  }
}

/** The `400 Parameter verification failed.` form of PVE's CLI, with the usage line. */
export function paramError(ctx: ToolContext, problems: Record<string, string>, usage: string): number {
  ctx.err(`400 Parameter verification failed.\n${Object.entries(problems).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${usage}\n`);
  return 255;
}
