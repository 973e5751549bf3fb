/**
 * A PVE worker task run from the command line, as `fork_worker` does in CLI
 * mode: the task is in the node's task list while it runs, every log line is
 * printed on stdout and kept for `.../tasks/{upid}/log`, and a failure prints
 * the error on stderr and exits 255 with the error text as the task status.
 */
import { Killed, type ToolContext } from '../shell/types.js';
import { sleep } from '../sleep.js';
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

/** A task's answer to TERM/INT/HUP: die with this error, or log this line and go on. */
export type InterruptMode = { readonly die: string } | { readonly ignore: string };

export interface WorkerRun extends TaskRun {
  /** Simulated work (scaled like `ctx.pace`); rejects with the TaskError of an interrupt set to die. */
  pace(ms: number): Promise<void>;
  /** How signals forwarded by the CLI act from now on (default: die with `received interrupt`). */
  onInterrupt(mode: InterruptMode): void;
  /** Counts a warning as PVE's log_warn does (`WARN: ...`; the task ends `TASK WARNINGS: N`). */
  warn(line: string): void;
}

/**
 * A PVE task as `fork_worker` really runs it from the CLI: in its own
 * process group, the CLI only relaying its log and forwarding TERM/INT/HUP
 * to it (RESTEnvironment's tee_worker). So a signal reaches the task's own
 * handler (it may die, or ignore it during a clean-up), a KILL of the CLI
 * leaves the task running to its end, and the CLI, if still alive, prints the
 * task's error and exits 255.
 */
export async function runPveWorker(
  ctx: ToolContext,
  pve: PveState,
  t: { type: string; id: string },
  body: (run: WorkerRun) => Promise<void>,
): Promise<number> {
  const task = newTask(pve, { pid: ctx.pid, starttime: ctx.now(), type: t.type, id: t.id });
  task.running = true;
  task.log = [];
  let mode: InterruptMode = { die: 'received interrupt' };
  let pending: TaskError | undefined;
  let waiting: AbortController | undefined;
  let warnings = 0;
  let labStop: AbortSignal | undefined;
  const log = (line: string) => {
    task.log!.push(line);
    ctx.out(`${line}\n`);
  };
  const run: WorkerRun = {
    task,
    log,
    warn(line) {
      warnings++;
      log(`WARN: ${line}`);
    },
    onInterrupt(m) {
      mode = m;
      if ('ignore' in m) pending = undefined;
    },
    async pace(ms) {
      if (pending) {
        const e = pending;
        pending = undefined;
        throw e;
      }
      if (labStop?.aborted) throw new Killed('KILL');
      waiting = new AbortController();
      try {
        await sleep(ms * ctx.lab.timeScale, waiting.signal);
      } catch (e) {
        if (pending) {
          const p = pending;
          pending = undefined;
          throw p;
        }
        throw e;
      } finally {
        waiting = undefined;
      }
    },
  };
  ctx.trap(() => {
    if ('ignore' in mode) {
      log(mode.ignore);
      return;
    }
    pending = new TaskError(mode.die);
    waiting?.abort(pending);
  });
  const ended = new Promise<string>((resolve) => {
    ctx.lab.background(ctx.host.name, async (stop) => {
      labStop = stop;
      const onStop = () => waiting?.abort(new Killed('KILL'));
      stop.addEventListener('abort', onStop, { once: true });
      let status: string;
      try {
        await body(run);
        status = warnings > 0 ? `WARNINGS: ${warnings}` : 'OK';
      } catch (e) {
        status = e instanceof TaskError ? e.message.replace(/\n/g, ' ') : e instanceof Killed ? 'interrupted by signal' : `internal error: ${e instanceof Error ? e.message : String(e)}`;
      } finally {
        stop.removeEventListener('abort', onStop);
      }
      task.status = status;
      task.endtime = Math.floor(ctx.now());
      delete task.running;
      task.log!.push(status === 'OK' ? 'TASK OK' : status.startsWith('WARNINGS') ? `TASK ${status}` : `TASK ERROR: ${status}`);
      resolve(status);
    });
  });
  const status = await ended;
  ctx.trap(undefined);
  if (status === 'OK') return 0;
  if (status.startsWith('WARNINGS: ')) {
    ctx.err(`Task finished with ${status.slice(10)} warning(s)!\n`);
    return 0;
  }
  ctx.err(`${status}\n`);
  return 255;
}
