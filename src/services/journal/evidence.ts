/**
 * What the status needs from the journal, kept up to date by reading only
 * what was appended since the last read: the newest successful verify per
 * layer and workload ("last proven restorable") and the newest run Strata did
 * per layer (its failures count like a host's failed job). A refresh of an
 * estate with a journal of 100,000 entries reads a few new lines, not the file.
 * A journal that shrank or was replaced is read again from its start.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseJournalLine } from './read.js';
import { foldStrataRun, type NewestRuns, type StrataRun } from './strata-runs.js';
import { foldVerification, verificationList, type NewestVerifications, type VerificationRecord } from './verifications.js';

const NL = 0x0a;

export class JournalEvidence {
  /** Bytes of the file folded in so far: always just after a newline. */
  private offset = 0;
  /** Identifies the file read, so a replaced journal is noticed even when it is larger. */
  private inode: number | undefined;
  private verified: NewestVerifications = new Map();
  private runs: NewestRuns = new Map();
  private reading: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Folds in what was appended since the last call. A missing journal is an empty one. Never rejects. */
  catchUp(): Promise<void> {
    // One read at a time: overlapping refreshes share the file position.
    this.reading = this.reading.then(() => this.readNew().catch(() => undefined));
    return this.reading;
  }

  verifications(): VerificationRecord[] {
    return verificationList(this.verified);
  }

  strataRuns(): StrataRun[] {
    return [...this.runs.values()];
  }

  /** Bytes read so far (tests and the bench). */
  get bytesRead(): number {
    return this.offset;
  }

  private reset(): void {
    this.offset = 0;
    this.verified = new Map();
    this.runs = new Map();
  }

  private async readNew(): Promise<void> {
    let size: number;
    try {
      const st = await stat(this.path);
      if (this.inode !== undefined && st.ino !== this.inode) this.reset();
      this.inode = st.ino;
      size = st.size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.reset();
        this.inode = undefined;
        return;
      }
      throw e;
    }
    if (size < this.offset) this.reset();
    if (size === this.offset) return;
    let pending: Buffer = Buffer.alloc(0);
    let consumed = this.offset;
    for await (const chunk of createReadStream(this.path, { start: this.offset, end: size - 1 })) {
      let buf = pending.length > 0 ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
      for (let nl = buf.indexOf(NL); nl >= 0; nl = buf.indexOf(NL)) {
        this.fold(buf.subarray(0, nl).toString('utf8'));
        consumed += nl + 1;
        buf = buf.subarray(nl + 1);
      }
      pending = Buffer.from(buf);
    }
    // A last line without its newline may still be being written: it is read again next time.
    this.offset = consumed;
  }

  private fold(line: string): void {
    if (line.trim() === '') return;
    const r = parseJournalLine(line);
    if (!r.ok) return;
    foldVerification(this.verified, r.entry);
    foldStrataRun(this.runs, r.entry);
  }
}
