/**
 * Collects one stream of a command's output: keeps it whole (run) or only a
 * bounded tail (stream), and hands complete lines to a callback as they arrive.
 * Works on bytes so multi-byte characters split across chunks stay intact.
 * A budget shared by a command's two sinks bounds what they take in together.
 */
const NL = 0x0a;

/**
 * A byte limit shared by a command's stdout and stderr. Once it is passed the
 * sinks drop what they hold and take nothing more, so memory stays flat while
 * the runner ends the command.
 */
export class OutputBudget {
  private used = 0;
  private over = false;

  constructor(
    readonly limitBytes: number,
    /** Called once, when the limit is first passed. */
    private readonly onExceeded: () => void,
  ) {}

  get isExceeded(): boolean {
    return this.over;
  }

  /** Counts `n` more bytes; false once the limit is passed. */
  take(n: number): boolean {
    if (this.over) return false;
    this.used += n;
    if (this.used <= this.limitBytes) return true;
    this.over = true;
    this.onExceeded();
    return false;
  }
}
/** A line longer than this is delivered in pieces, so a program without newlines cannot grow memory. */
const MAX_PENDING_LINE = 64 * 1024;

export class OutputSink {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private pending: Buffer = Buffer.alloc(0);
  private truncated = false;

  constructor(
    private readonly onLine?: (line: string) => void,
    /** Keep only the last this many bytes; undefined keeps everything. */
    private readonly tailBytes?: number,
    private readonly budget?: OutputBudget,
  ) {}

  push(data: Buffer): void {
    if (data.length === 0) return;
    if (this.budget && !this.budget.take(data.length)) {
      this.chunks.length = 0;
      this.size = 0;
      this.pending = Buffer.alloc(0);
      return;
    }
    this.keep(data);
    if (!this.onLine) return;
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, data]) : data;
    for (let nl = buf.indexOf(NL); nl >= 0; nl = buf.indexOf(NL)) {
      this.onLine(buf.subarray(0, nl).toString('utf8'));
      buf = buf.subarray(nl + 1);
    }
    while (buf.length > MAX_PENDING_LINE) {
      this.onLine(buf.subarray(0, MAX_PENDING_LINE).toString('utf8'));
      buf = buf.subarray(MAX_PENDING_LINE);
    }
    this.pending = Buffer.from(buf);
  }

  /** Delivers a last line without newline, and returns everything kept. */
  finish(): string {
    if (this.onLine && this.pending.length > 0) this.onLine(this.pending.toString('utf8'));
    this.pending = Buffer.alloc(0);
    let all = Buffer.concat(this.chunks, this.size);
    if (this.truncated) {
      // Do not start the tail inside a multi-byte character.
      let start = 0;
      while (start < all.length && start < 4 && (all[start]! & 0xc0) === 0x80) start++;
      all = all.subarray(start);
    }
    return all.toString('utf8');
  }

  private keep(data: Buffer): void {
    this.chunks.push(Buffer.from(data));
    this.size += data.length;
    if (this.tailBytes === undefined) return;
    while (this.size - this.chunks[0]!.length >= this.tailBytes) {
      this.size -= this.chunks.shift()!.length;
      this.truncated = true;
    }
    if (this.size > this.tailBytes) {
      this.truncated = true;
      const cut = this.size - this.tailBytes;
      this.chunks[0] = this.chunks[0]!.subarray(cut);
      this.size -= cut;
    }
  }
}
