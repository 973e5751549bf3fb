/**
 * Polls a set of keys (hosts) on an interval, each with its own backoff: a
 * host that fails is read again after 2, 4, 8... intervals (capped), so a dead
 * host does not cost every round its connect timeout while the others stay
 * fresh. Rounds never overlap. `start` on show, `stop` on hide (k9s's model):
 * what is not on screen is not polled. A key read recently (by another screen)
 * is not read again until its interval has passed.
 */

export interface PollResult {
  /** Keys whose reading failed (host unreachable, refresh error). */
  readonly failed: readonly string[];
}

export interface PollerOptions {
  readonly intervalMs: number;
  /** Cap of the backoff; default ten intervals. */
  readonly maxBackoffMs?: number;
  readonly keys: readonly string[];
  /** Reads these keys. A rejection counts as every key failing. */
  poll(keys: readonly string[]): Promise<PollResult>;
  /** When a key was last read (local epoch ms), if known. */
  lastReadAtMs?(key: string): number | undefined;
  nowMs?(): number;
}

export interface Poller {
  start(): void;
  stop(): void;
  /** Reads every key now, whatever its backoff (the operator pressed `r`). */
  trigger(): Promise<void>;
  readonly active: boolean;
  /** Consecutive failures of a key. */
  failures(key: string): number;
  /** When a key is next due (local epoch ms). */
  dueAtMs(key: string): number;
}

export function backoffMs(intervalMs: number, failures: number, maxMs: number): number {
  if (failures <= 0) return intervalMs;
  return Math.min(intervalMs * 2 ** failures, maxMs);
}

export function createPoller(opts: PollerOptions): Poller {
  const now = opts.nowMs ?? (() => Date.now());
  const maxMs = opts.maxBackoffMs ?? opts.intervalMs * 10;
  const due = new Map<string, number>();
  const fails = new Map<string, number>();
  let active = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: Promise<void> | null = null;

  const clear = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };

  const schedule = () => {
    clear();
    if (!active || inFlight || opts.keys.length === 0) return;
    const next = Math.min(...opts.keys.map((k) => due.get(k) ?? now()));
    timer = setTimeout(tick, Math.max(0, next - now()));
    // A pending poll must not keep a finished process alive.
    timer.unref?.();
  };

  const round = (keys: readonly string[]): Promise<void> => {
    const run = (async () => {
      let failed: ReadonlySet<string>;
      try {
        failed = new Set((await opts.poll(keys)).failed);
      } catch {
        failed = new Set(keys);
      }
      const t = now();
      for (const k of keys) {
        const n = failed.has(k) ? (fails.get(k) ?? 0) + 1 : 0;
        fails.set(k, n);
        due.set(k, t + backoffMs(opts.intervalMs, n, maxMs));
      }
    })();
    inFlight = run;
    return run.finally(() => {
      inFlight = null;
      schedule();
    });
  };

  const tick = () => {
    timer = null;
    if (!active || inFlight) return;
    const t = now();
    // Keys due within a few ms go in the same round rather than a round each.
    const keys = opts.keys.filter((k) => (due.get(k) ?? t) <= t + 25);
    if (keys.length === 0) schedule();
    else void round(keys);
  };

  return {
    start() {
      if (active) return;
      active = true;
      const t = now();
      for (const k of opts.keys) {
        if (due.has(k)) continue;
        const last = opts.lastReadAtMs?.(k);
        due.set(k, last === undefined ? t : last + opts.intervalMs);
      }
      schedule();
    },
    stop() {
      active = false;
      clear();
    },
    async trigger() {
      if (inFlight) await inFlight;
      clear();
      await round(opts.keys);
    },
    get active() {
      return active;
    },
    failures: (k) => fails.get(k) ?? 0,
    dueAtMs: (k) => due.get(k) ?? now(),
  };
}
