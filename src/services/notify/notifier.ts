/**
 * Notify after each reading: the messages the domain finds (one per root
 * cause, on changes, reminders and recoveries) go to every target, with
 * what a target could not take last time first. A send is tried a bounded
 * number of times; what still fails stays queued in the state file for the
 * next run and is reported, never dropped silently. Healthchecks-style
 * targets get a start ping and a success or fail ping with the status.
 * One run at a time per state file, across processes (the panel and a
 * timer may overlap): what one told, the other reads before it sends.
 */
import type { Inventory } from '../../domain/inventory.js';
import type { HealthchecksTargetFile } from '../../domain/inventory-file.js';
import { healthWord, notifyMessages, type NotifyMessage, type NotifyPlan } from '../../domain/notify/messages.js';
import type { RootCause } from '../../domain/notify/root-causes.js';
import type { StatusReport } from '../../domain/status-report.js';
import { errorText } from '../../domain/error-text.js';
import { ensureStateDir, type StateEnv } from '../state-dir.js';
import { withLock } from './state-lock.js';
import { loadNotifyState, saveNotifyState, type NotifyState, type PendingQueue } from './state-file.js';
import type { PingKind } from './targets/http-requests.js';
import { ping, readyTarget, sendMessage, type MessageTarget, type ReadyTarget, type SendDeps } from './targets/send.js';

export interface NotifierOptions {
  readonly inventory: Pick<Inventory, 'layers' | 'notifications'>;
  readonly configPath: string;
  readonly statePath: string;
  readonly env: StateEnv;
  readonly send: SendDeps;
  /** Waits between attempts: its length + 1 attempts in all. */
  readonly retryDelaysMs?: readonly number[];
  /** Messages kept per target at most; older ones are let go, and the next message says how many. */
  readonly maxPending?: number;
}

export const DEFAULT_RETRY_DELAYS_MS = [1000, 4000];
export const DEFAULT_MAX_PENDING = 100;

export interface SendOutcome {
  readonly target: string;
  /** A message's title, or `ping start|success|fail`. */
  readonly what: string;
  readonly ok: boolean;
  readonly attempts: number;
  readonly error?: string;
}

export interface NotifyRun {
  /** What this reading had to tell (sent or queued). */
  readonly messages: NotifyMessage[];
  readonly causes: RootCause[];
  readonly outcomes: SendOutcome[];
  /** Messages still waiting per target after this run. */
  readonly pending: Record<string, number>;
  /** The state could not be read or written. */
  readonly problems: string[];
}

export class Notifier {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly delays: readonly number[];
  private readonly maxPending: number;

  constructor(private readonly o: NotifierOptions) {
    this.delays = o.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.maxPending = o.maxPending ?? DEFAULT_MAX_PENDING;
  }

  get targets() {
    return this.o.inventory.notifications.targets;
  }

  /** What a reading would send, without sending or keeping anything (`--dry-run`). */
  async preview(report: StatusReport, nowSec: number): Promise<{ plan: NotifyPlan; pending: Record<string, number>; problems: string[] }> {
    const { state, problem } = await loadNotifyState(this.o.statePath, this.o.configPath);
    const plan = notifyMessages(report, this.o.inventory, state.told, nowSec, this.o.inventory.notifications.remindEverySeconds);
    const pending = Object.fromEntries(this.targets.map((t) => [t.name, state.pending[t.name]?.messages.length ?? 0]));
    return { plan, pending, problems: problem ? [problem] : [] };
  }

  /** The dead-man targets' start ping, before a reading. */
  start(): Promise<SendOutcome[]> {
    return this.serial(() => this.pingAll('start', 'strata notify started'));
  }

  /** The reading failed as a whole: the dead-man targets hear it (nothing else is known to tell). */
  readingFailed(reason: string): Promise<SendOutcome[]> {
    return this.serial(() => this.pingAll('fail', `the status could not be read: ${reason}`));
  }

  /** Tells what the reading changed; with `pings`, ends the dead-man targets' run too. */
  afterReading(report: StatusReport, nowSec: number, opts: { readonly pings?: boolean } = {}): Promise<NotifyRun> {
    // No targets, no state: nothing to keep from others.
    if (this.targets.length === 0) return this.serial(() => this.run(report, nowSec, opts.pings ?? false));
    return this.serial(async () => {
      await ensureStateDir(this.o.env);
      return withLock(`${this.o.statePath}.lock`, () => this.run(report, nowSec, opts.pings ?? false));
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async run(report: StatusReport, nowSec: number, pings: boolean): Promise<NotifyRun> {
    const problems: string[] = [];
    const { state, problem } = await loadNotifyState(this.o.statePath, this.o.configPath);
    if (problem) problems.push(problem);
    const plan = notifyMessages(report, this.o.inventory, state.told, nowSec, this.o.inventory.notifications.remindEverySeconds);
    const pending: Record<string, PendingQueue> = {};
    const messageTargets = this.targets.filter((t): t is MessageTarget => t.kind !== 'healthchecks');
    // Targets in parallel, each in its own order; outcomes listed in the inventory's order.
    const perTarget = await Promise.all(
      messageTargets.map(async (t) => {
        const before = state.pending[t.name] ?? { messages: [], dropped: 0 };
        const queue = this.bounded({ messages: [...before.messages, ...plan.messages], dropped: before.dropped });
        const { left, results } = await this.drain(t, queue);
        if (left.messages.length > 0 || left.dropped > 0) pending[t.name] = left;
        return results;
      }),
    );
    const outcomes: SendOutcome[] = perTarget.flat();
    if (pings) {
      const allSent = outcomes.every((x) => x.ok);
      const kind: PingKind = allSent && (report.overall === 'ok' || report.overall === 'warn') ? 'success' : 'fail';
      outcomes.push(...(await this.pingAll(kind, pingBody(report, plan.causes, outcomes))));
    }
    const next: NotifyState = { told: plan.told, pending };
    if (this.targets.length > 0) {
      try {
        await saveNotifyState(this.o.statePath, this.o.configPath, next, this.o.env);
      } catch (e) {
        problems.push(`the notify state ${this.o.statePath} could not be written (${errorText(e)}): the next run tells these again`);
      }
    }
    return {
      messages: plan.messages,
      causes: plan.causes,
      outcomes,
      pending: Object.fromEntries(messageTargets.map((t) => [t.name, pending[t.name]?.messages.length ?? 0])),
      problems,
    };
  }

  private bounded(q: PendingQueue): PendingQueue {
    const over = q.messages.length - this.maxPending;
    return over > 0 ? { messages: q.messages.slice(over), dropped: q.dropped + over } : q;
  }

  /** Sends in order; the first message that fails every attempt stops the target for this run, it and the rest stay queued. */
  private async drain(t: MessageTarget, queue: PendingQueue): Promise<{ left: PendingQueue; results: SendOutcome[] }> {
    if (queue.messages.length === 0) return { left: queue, results: [] };
    const ready = await readyTarget(t, this.o.send);
    if ('error' in ready) {
      return { left: queue, results: [{ target: t.name, what: `${queue.messages.length} message(s)`, ok: false, attempts: 0, error: ready.error }] };
    }
    const results: SendOutcome[] = [];
    let dropped = queue.dropped;
    for (let i = 0; i < queue.messages.length; i++) {
      const original = queue.messages[i]!;
      const m = dropped > 0 ? { ...original, text: `${original.text}\n(${dropped} earlier message(s) to ${t.name} could not be sent and were let go.)` } : original;
      const r = await this.attempt(t.name, m.title, () => sendMessage(ready as ReadyTarget<MessageTarget>, m, this.o.send));
      results.push(r);
      if (!r.ok) return { left: { messages: queue.messages.slice(i), dropped }, results };
      dropped = 0;
    }
    return { left: { messages: [], dropped: 0 }, results };
  }

  private async pingAll(kind: PingKind, body: string): Promise<SendOutcome[]> {
    const checks = this.targets.filter((t): t is HealthchecksTargetFile => t.kind === 'healthchecks');
    return Promise.all(
      checks.map(async (t) => {
        const ready = await readyTarget(t, this.o.send);
        if ('error' in ready) return { target: t.name, what: `ping ${kind}`, ok: false, attempts: 0, error: ready.error };
        return this.attempt(t.name, `ping ${kind}`, () => ping(ready, kind, body, this.o.send));
      }),
    );
  }

  private async attempt(target: string, what: string, send: () => Promise<void>): Promise<SendOutcome> {
    let error = '';
    for (let attempt = 1; attempt <= this.delays.length + 1; attempt++) {
      try {
        await send();
        return { target, what, ok: true, attempts: attempt };
      } catch (e) {
        error = errorText(e);
      }
      if (attempt <= this.delays.length) await sleep(this.delays[attempt - 1]!);
    }
    return { target, what, ok: false, attempts: this.delays.length + 1, error };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A dead-man ping's body: the overall health and one line per problem. */
export function pingBody(report: StatusReport, causes: readonly RootCause[], outcomes: readonly SendOutcome[]): string {
  const lines = [`${healthWord(report.overall)} (read ${report.generatedAt})`];
  if (causes.length === 0) lines.push('no problems');
  for (const c of causes) {
    const held = [c.layers.length > 0 ? `${c.layers.length} layer(s)` : '', c.workloads.length > 0 ? `${c.workloads.length} workload(s)` : ''].filter(Boolean).join(', ');
    lines.push(`${healthWord(c.health)} ${c.what}${held ? ` (with ${held})` : ''}`);
  }
  for (const f of outcomes.filter((x) => !x.ok)) lines.push(`not sent to ${f.target}: ${f.what}: ${f.error ?? ''}`);
  return lines.join('\n');
}
