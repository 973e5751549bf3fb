/**
 * The reading behind `strata metrics --listen`: a scrape is served from the
 * last reading, never waits for hosts (only the very first does, when there
 * is nothing to serve yet). A scrape that finds the reading older than the
 * minimum interval starts a new one in the background; one reading at a time,
 * at most one per interval whether it succeeded or failed, so a scraper
 * (or several) cannot make Strata hammer the hosts. The page of a reading is
 * rendered once; each scrape adds only the figures about serving (the cache's
 * age, how many reads failed).
 */
import { exposition } from './exposition.js';
import { readingMetrics, servingMetrics, type MetricsReading } from './status-metrics.js';

export interface CachedReadingOptions {
  read(): Promise<MetricsReading>;
  /** No new reading starts sooner than this after the last one started. */
  readonly minIntervalMs: number;
  nowMs(): number;
}

interface Rendered {
  readonly reading: MetricsReading;
  /** The reading's families without the serving figures, rendered once. */
  readonly body: string;
}

export class CachedReading {
  private rendered: Rendered | undefined;
  private inFlight: Promise<void> | undefined;
  private lastStartMs = Number.NEGATIVE_INFINITY;
  private reads = 0;
  private failures = 0;
  private lastFailed = false;
  private lastError: string | undefined;

  constructor(private readonly opts: CachedReadingOptions) {}

  /** Why the last reading failed, while it is the last one. */
  get error(): string | undefined {
    return this.lastFailed ? this.lastError : undefined;
  }

  /** Starts a reading unless one is running or the last began less than the interval ago. */
  refreshIfDue(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.opts.nowMs() - this.lastStartMs < this.opts.minIntervalMs) return Promise.resolve();
    this.lastStartMs = this.opts.nowMs();
    this.reads++;
    this.inFlight = this.opts
      .read()
      .then(
        (reading) => {
          this.rendered = { reading, body: exposition(readingMetrics(reading)) };
          this.lastFailed = false;
        },
        (e: unknown) => {
          this.failures++;
          this.lastFailed = true;
          this.lastError = e instanceof Error ? e.message : String(e);
        },
      )
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  /** The reading being served, if any. */
  get reading(): MetricsReading | undefined {
    return this.rendered?.reading;
  }

  /** Resolves when no reading is running (before the session under it closes). */
  async idle(): Promise<void> {
    await this.inFlight;
  }

  /**
   * The page for one scrape. Only the first waits for a reading; a first
   * reading that failed rejects (the server answers 503 with the reason).
   */
  async page(): Promise<string> {
    const due = this.refreshIfDue();
    if (!this.rendered) await due;
    const rendered = this.rendered;
    if (!rendered) throw new Error(`no reading of the estate yet: ${this.lastError ?? 'the first reading has not finished'}`);
    const serving = servingMetrics({
      cacheAgeSeconds: Math.max(0, (this.opts.nowMs() - rendered.reading.readAtMs) / 1000),
      reads: this.reads,
      readFailures: this.failures,
      lastReadFailed: this.lastFailed,
    });
    return exposition(serving) + rendered.body;
  }
}
