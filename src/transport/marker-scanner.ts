/**
 * Finds the worker's markers (`<nonce>:P<pid>\n`, `<nonce>:E<code>\n`) in a
 * stream of output bytes. Everything else passes through byte for byte; bytes
 * that might be the start of a marker are held back until the next chunk
 * decides, so no part of a marker ever reaches the command's output.
 */
export type MarkerEvent = { readonly kind: 'pid'; readonly pid: number } | { readonly kind: 'end'; readonly code: number };

const NL = 0x0a;
const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;
const MAX_DIGITS = 12;

export class MarkerScanner {
  private readonly prefix: Buffer;
  private held: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(nonce: string) {
    this.prefix = Buffer.from(`${nonce}:`);
  }

  get hasEnded(): boolean {
    return this.ended;
  }

  /** The output in `chunk` (and earlier held bytes) that is known not to be a marker, and the markers found. */
  feed(chunk: Buffer): { data: Buffer; events: MarkerEvent[] } {
    const events: MarkerEvent[] = [];
    if (this.ended) return { data: Buffer.alloc(0), events };
    const out: Buffer[] = [];
    let buf = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    for (;;) {
      const idx = buf.indexOf(this.prefix);
      if (idx < 0) {
        const keep = this.partialPrefixAtEnd(buf);
        out.push(buf.subarray(0, buf.length - keep));
        this.held = Buffer.from(buf.subarray(buf.length - keep));
        break;
      }
      out.push(buf.subarray(0, idx));
      const at = idx + this.prefix.length;
      const letter = buf[at];
      if (letter === undefined) {
        this.held = Buffer.from(buf.subarray(idx));
        break;
      }
      let j = at + 1;
      while (isDigit(buf[j]) && j - at <= MAX_DIGITS) j++;
      const isMarkerLetter = letter === 0x50 /* P */ || letter === 0x45; /* E */
      if (isMarkerLetter && j === buf.length && j - at <= MAX_DIGITS) {
        this.held = Buffer.from(buf.subarray(idx));
        break;
      }
      if (!isMarkerLetter || j === at + 1 || buf[j] !== NL) {
        // The nonce followed by something else: ordinary output (a program cannot guess the nonce).
        out.push(buf.subarray(idx, idx + 1));
        buf = buf.subarray(idx + 1);
        continue;
      }
      const value = Number(buf.subarray(at + 1, j).toString('latin1'));
      buf = buf.subarray(j + 1);
      if (letter === 0x50) events.push({ kind: 'pid', pid: value });
      else {
        events.push({ kind: 'end', code: value });
        this.ended = true;
        break;
      }
    }
    return { data: out.length === 1 ? out[0]! : Buffer.concat(out), events };
  }

  /** Held bytes, when the stream ends without deciding them. */
  flush(): Buffer {
    const rest = this.held;
    this.held = Buffer.alloc(0);
    return rest;
  }

  /** Length of the longest end of `buf` that is a beginning of the marker prefix. */
  private partialPrefixAtEnd(buf: Buffer): number {
    for (let k = Math.min(buf.length, this.prefix.length - 1); k > 0; k--) {
      if (buf.subarray(buf.length - k).equals(this.prefix.subarray(0, k))) return k;
    }
    return 0;
  }
}
