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
 * Starts a server task. Followed (text output): the log is printed as it grows
 * and a failed task exits 255. Not followed (json): the UPID is printed and
 * the task runs on in the server.
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
  // Lines of a running task are readable through `task log` while it runs.
  const log: string[] = [];
  task.log = log;
  const execute = async (pace: (ms: number) => Promise<void>, print: (l: string) => void): Promise<string | undefined> => {
    try {
      await body({ task, log: (l) => (log.push(l), print(l)), pace });
      finishTask(task, ctx.now(), 'OK');
      return undefined;
    } catch (e) {
      const status = e instanceof PbsTaskError ? e.message : e instanceof Killed ? 'task aborted' : String(e);
      finishTask(task, ctx.now(), status);
      if (e instanceof Killed) throw e;
      return status;
    }
  };
  if (!follow) {
    ctx.lab.background(ctx.host.name, async (signal) => {
      await execute((ms) => sleep(ms * ctx.lab.timeScale, signal), () => undefined);
    });
    printData(ctx, format, task.upid, () => `${task.upid}\n`);
    return 0;
  }
  const status = await execute(ctx.pace, (l) => ctx.out(`${l}\n`));
  if (status === undefined) return 0;
  ctx.err(`Error: task failed (status ${status})\n`);
  return 255;
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
