/**
 * What the status needs from the journal, kept up to date by reading only
 * what was appended since the last read: the newest successful verify per
 * layer and workload ("last proven restorable") and the newest run Strata did
 * per layer (its failures count like a host's failed job). A refresh of an
 * estate with a journal of 100,000 entries reads a few new lines, not the file.
 * What was folded is kept in a small file beside the journal, so the next
 * process (a `strata status` from cron) starts where the last one stopped.
 * A journal that shrank or was replaced is read again from its start.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { replaceFile } from '../atomic-file.js';
import { dirname, join } from 'node:path';
import { parseJournalLine } from './read.js';
import { foldStrataRun, type NewestRuns, type StrataRun } from './strata-runs.js';
import { foldVerification, verificationList, type NewestVerifications, type VerificationRecord } from './verifications.js';
import { foldRestoreRun, restoreRunList, type NewestRestoreRuns, type RestoreRunRecord } from './restore-runs.js';

const NL = 0x0a;
const CACHE_VERSION = 3;
/** Bytes before the offset whose hash must match for a saved position to be trusted. */
const FINGERPRINT_BYTES = 512;

interface SavedPosition {
  readonly version: number;
  readonly inode: number;
  readonly offset: number;
  readonly fingerprint: string;
  readonly verified: readonly (readonly [string, VerificationRecord])[];
  readonly runs: readonly (readonly [string, StrataRun])[];
  readonly restores: readonly (readonly [string, RestoreRunRecord])[];
}

export class JournalEvidence {
  /** Bytes of the file folded in so far: always just after a newline. */
  private offset = 0;
  /** Identifies the file read, so a replaced journal is noticed even when it is larger. */
  private inode: number | undefined;
  private verified: NewestVerifications = new Map();
  private runs: NewestRuns = new Map();
  private restores: NewestRestoreRuns = new Map();
  private reading: Promise<void> = Promise.resolve();
  private resumed = false;

  /** `cachePath`: where the folded evidence is kept between processes (default: beside the journal). */
  constructor(
    readonly path: string,
    private readonly cachePath: string | null = join(dirname(path), 'journal-evidence.json'),
  ) {}

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

  /** The newest restore and drill per workload, layer and kind, newest first. */
  restoreRuns(): RestoreRunRecord[] {
    return restoreRunList(this.restores);
  }

  /** Bytes of the journal folded in so far, saved position included. */
  get bytesRead(): number {
    return this.offset;
  }

  /** Bytes this process itself read from the journal (tests and the bench). */
  bytesReadHere = 0;

  private reset(): void {
    this.offset = 0;
    this.verified = new Map();
    this.runs = new Map();
    this.restores = new Map();
  }

  private async readNew(): Promise<void> {
    if (!this.resumed) {
      this.resumed = true;
      await this.resume();
    }
    const before = this.offset;
    await this.foldAppended();
    if (this.offset !== before) await this.save();
  }

  /** Starts from the position a previous process saved, when it is still this journal's. */
  private async resume(): Promise<void> {
    if (!this.cachePath) return;
    try {
      const saved = JSON.parse(await readFile(this.cachePath, 'utf8')) as SavedPosition;
      if (saved.version !== CACHE_VERSION) return;
      const st = await stat(this.path);
      if (st.ino !== saved.inode || st.size < saved.offset) return;
      if ((await this.fingerprintAt(saved.offset)) !== saved.fingerprint) return;
      this.inode = saved.inode;
      this.offset = saved.offset;
      this.verified = new Map(saved.verified);
      this.runs = new Map(saved.runs);
      this.restores = new Map(saved.restores);
    } catch {
      // No saved position, or one that does not read: fold the journal from its start.
    }
  }

  private async save(): Promise<void> {
    if (!this.cachePath || this.inode === undefined) return;
    const saved: SavedPosition = {
      version: CACHE_VERSION,
      inode: this.inode,
      offset: this.offset,
      fingerprint: await this.fingerprintAt(this.offset),
      verified: [...this.verified],
      runs: [...this.runs],
      restores: [...this.restores],
    };
    // A position that cannot be saved only costs the next process a full read.
    await replaceFile(this.cachePath, JSON.stringify(saved), 0o600).catch(() => undefined);
  }

  /** A hash of the bytes just before `offset`: a journal rewritten in place under the same inode does not match. */
  private async fingerprintAt(offset: number): Promise<string> {
    const start = Math.max(0, offset - FINGERPRINT_BYTES);
    const buf = Buffer.alloc(offset - start);
    const fh = await open(this.path, 'r');
    try {
      await fh.read(buf, 0, buf.length, start);
    } finally {
      await fh.close();
    }
    return createHash('sha256').update(buf).digest('hex');
  }

  private async foldAppended(): Promise<void> {
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
      this.bytesReadHere += (chunk as Buffer).length;
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
    foldRestoreRun(this.restores, r.entry);
  }
}
