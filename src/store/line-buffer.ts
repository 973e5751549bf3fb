/**
 * A job's output, bounded: a ring of the newest `capacity` lines. A job that
 * prints 5,000 lines a second for an hour keeps the same memory as one that
 * printed `capacity` lines; the count of dropped lines is kept so the screen
 * can say what scrolled away.
 */
import type { OutputLine } from '../services/actions/index.js';

export const DEFAULT_LINE_CAPACITY = 10_000;
/** A single line longer than this is cut: one runaway line must not hold megabytes. */
export const MAX_LINE_CHARS = 2_000;

export class LineBuffer {
  private readonly ring: (OutputLine | undefined)[];
  private start = 0;
  private count = 0;
  /** Lines ever pushed, retained or not. */
  total = 0;

  constructor(readonly capacity = DEFAULT_LINE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.ring = new Array<OutputLine | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Lines pushed but no longer retained. */
  get dropped(): number {
    return this.total - this.count;
  }

  push(line: OutputLine): void {
    const kept = line.text.length > MAX_LINE_CHARS ? { ...line, text: `${line.text.slice(0, MAX_LINE_CHARS)}…` } : line;
    this.total++;
    if (this.count < this.capacity) {
      this.ring[(this.start + this.count) % this.capacity] = kept;
      this.count++;
    } else {
      this.ring[this.start] = kept;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Retained lines [from, to), 0 being the oldest retained. */
  slice(from: number, to: number): OutputLine[] {
    const a = Math.max(0, Math.min(from, this.count));
    const b = Math.max(a, Math.min(to, this.count));
    const out: OutputLine[] = [];
    for (let i = a; i < b; i++) out.push(this.ring[(this.start + i) % this.capacity]!);
    return out;
  }
}
