/**
 * What proxmox-backup-client and proxmox-backup-manager share: the output
 * formats (`json` one line with sorted keys, `json-pretty`, a bordered text
 * table), `Error: ...` with exit 255, and tasks that run in the server and
 * are either followed (text) or only named by their UPID (json).
 */
import { Killed, type ToolContext } from '../shell/types.js';
import { sleep } from '../sleep.js';
import { finishTask, newPbsTask } from '../state/pbs.js';
import type { PbsState, PbsTask } from '../state/types.js';
import { canonicalJson, prettyJson } from './format.js';

export type OutputFormat = 'text' | 'json' | 'json-pretty';

export function outputFormat(ctx: ToolContext, requested: string | undefined): OutputFormat | undefined {
  const f = requested ?? ctx.env.PROXMOX_OUTPUT_FORMAT ?? 'text';
  if (f === 'text' || f === 'json' || f === 'json-pretty') return f;
  ctx.err(`Error: parameter verification failed\n\noutput-format: value '${f}' is not defined in the enumeration.\n`);
  return undefined;
}

export function fail(ctx: ToolContext, message: string): number {
  ctx.err(`Error: ${message}\n`);
  return 255;
}

/** The box table of proxmox-router's text output. */
export function boxTable(columns: readonly { key: string; title: string; right?: boolean }[], rows: readonly Record<string, string>[]): string {
  const widths = columns.map((c) => Math.max(c.title.length, ...rows.map((r) => (r[c.key] ?? '').length)));
  const line = (l: string, m: string, r: string, fill: string) => `${l}${widths.map((w) => fill.repeat(w + 2)).join(m)}${r}\n`;
  const cells = (vals: string[]) =>
    `│${vals.map((v, i) => ` ${columns[i]!.right ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)} `).join('│')}│\n`;
  let out = line('┌', '┬', '┐', '─') + cells(columns.map((c) => c.title)) + line('╞', '╪', '╡', '═');
  rows.forEach((r, i) => {
    out += cells(columns.map((c) => r[c.key] ?? ''));
    if (i < rows.length - 1) out += line('├', '┼', '┤', '─');
  });
  return out + line('└', '┴', '┘', '─');
}

export function printData(ctx: ToolContext, format: OutputFormat, data: unknown, text: () => string): void {
  if (format === 'json') ctx.out(`${canonicalJson(data)}\n`);
  else if (format === 'json-pretty') ctx.out(`${prettyJson(data)}\n`);
  else ctx.out(text());
}

export interface PbsTaskRun {
  readonly task: PbsTask;
  log(line: string): void;
  pace(ms: number): Promise<void>;
}

/** Thrown by a task body: the task ends with this status text. */
export class PbsTaskError extends Error {}

/**
 * Starts a task in the server. It runs on its own: a follower (text output)
 * prints its log as it grows and exits 255 when it failed, and killing the
 * follower leaves the task running, as killing the real CLI does; json output
 * prints the UPID and returns at once. `task stop UPID` aborts the task.
 */
export async function runPbsTask(
  ctx: ToolContext,
  pbs: PbsState,
  t: { workerType: string; workerId?: string; user?: string },
  follow: boolean,
  format: OutputFormat,
  body: (run: PbsTaskRun) => Promise<void>,
): Promise<number> {
  const task = newPbsTask(pbs, ctx.host.hostname, { starttime: ctx.now(), ...t });
  task.running = true;
  const log: string[] = [];
  task.log = log;
  const listeners = new Set<(line: string) => void>();
  const emit = (line: string) => listeners.forEach((f) => f(line));
  if (follow) listeners.add((l) => ctx.out(`${l}\n`));
  const abort = new AbortController();
  ctx.lab.serverTasks.set(task.upid, () => abort.abort(new Killed('TERM')));
  let resolveDone: (status: string | undefined) => void = () => undefined;
  const done = new Promise<string | undefined>((r) => (resolveDone = r));
  ctx.lab.background(ctx.host.name, async (labStopping) => {
    const onStop = () => abort.abort(new Killed('KILL'));
    labStopping.addEventListener('abort', onStop, { once: true });
    let status: string | undefined;
    try {
      await body({ task, log: (l) => (log.push(l), emit(l)), pace: (ms) => sleep(ms * ctx.lab.timeScale, abort.signal) });
      finishTask(task, ctx.now(), 'OK');
    } catch (e) {
      status = e instanceof PbsTaskError ? e.message : e instanceof Killed ? 'abort requested - aborting task' : String(e);
      finishTask(task, ctx.now(), status);
    } finally {
      labStopping.removeEventListener('abort', onStop);
      ctx.lab.serverTasks.delete(task.upid);
    }
    emit(task.log!.at(-1)!);
    listeners.clear();
    resolveDone(status);
  });
  if (!follow) {
    printData(ctx, format, task.upid, () => `${task.upid}\n`);
    return 0;
  }
  const stopped = new Promise<never>((_, reject) => {
    if (ctx.signal.aborted) reject(ctx.signal.reason);
    ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
  });
  try {
    const status = await Promise.race([done, stopped]);
    if (status === undefined) return 0;
    ctx.err(`Error: task failed (status ${status})\n`);
    return 255;
  } finally {
    // A killed follower stops printing; the task goes on in the server.
    listeners.clear();
  }
}

/** PBS option values are checked against their schema: keep-* counts start at 1. */
export function keepFromArgs(values: Readonly<Record<string, string[]>>): Record<string, number> | string {
  const keep: Record<string, number> = {};
  for (const k of ['keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly']) {
    const v = values[k]?.at(-1);
    if (v === undefined) continue;
    if (!/^\d+$/.test(v)) return `parameter verification failed\n\n${k}: value '${v}' is not an integer`;
    if (Number(v) < 1) return `parameter verification failed\n\n${k}: value must have a minimum value of 1 (got ${v})`;
    keep[k] = Number(v);
  }
  return keep;
}
