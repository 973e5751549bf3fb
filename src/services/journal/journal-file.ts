/**
 * The journal file: append-only JSON lines, each line written by one
 * `write(2)` on a descriptor opened with O_APPEND and then fsync'd, so two
 * Strata processes appending at once never interleave within a line and a
 * line reported written survives a crash. A crash can still cut the last
 * line short; the reader skips such a line with a notice, and the next append
 * starts on a fresh line so the cut line cannot swallow a good entry.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ensureStateDir, type StateEnv } from '../state-dir.js';
import { JOURNAL_FILE, JOURNAL_VERSION, type JournalEntry, type NewJournalEntry } from './entry.js';
import { parseJournalLine, type JournalProblem } from './read.js';

export interface JournalContents {
  readonly entries: JournalEntry[];
  /** Lines that were skipped, with why: a crash-cut last line, garbage, an unknown entry. */
  readonly problems: JournalProblem[];
}

/** What the executor and the journaling runner need: somewhere to append. */
export interface JournalSink {
  append(entry: NewJournalEntry): Promise<void>;
}

export class Journal implements JournalSink {
  constructor(readonly path: string) {}

  /** The journal of the state directory (created if missing). */
  static async open(env: StateEnv = process.env): Promise<Journal> {
    const dir = await ensureStateDir(env);
    return new Journal(join(dir, JOURNAL_FILE));
  }

  async append(entry: NewJournalEntry): Promise<void> {
    await appendLines(this.path, journalLine(entry));
  }

  /** Every entry that reads back, in file order. A missing file is an empty journal. */
  async read(): Promise<JournalContents> {
    const entries: JournalEntry[] = [];
    const problems: JournalProblem[] = [];
    let rest = '';
    let lineNo = 0;
    const take = (text: string) => {
      lineNo++;
      if (text.trim() === '') return;
      const r = parseJournalLine(text);
      if (r.ok) entries.push(r.entry);
      else problems.push({ line: lineNo, message: r.message });
    };
    try {
      for await (const chunk of createReadStream(this.path, { encoding: 'utf8' })) {
        const lines = (rest + (chunk as string)).split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) take(l);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries, problems };
      throw e;
    }
    if (rest.trim() !== '') {
      // No newline after it: the write of this line never finished.
      lineNo++;
      problems.push({ line: lineNo, message: 'the last line is incomplete (Strata stopped while writing it); skipped' });
    }
    return { entries, problems };
  }
}

export function journalLine(entry: NewJournalEntry): string {
  return `${JSON.stringify({ v: JOURNAL_VERSION, ...entry })}\n`;
}

/**
 * Appends whole lines with one write(2) on an O_APPEND descriptor, then fsync.
 * If a crash cut the file's last line short, starts on a fresh line first.
 */
export async function appendLines(path: string, lines: string): Promise<void> {
  // a+ = O_APPEND|O_CREAT|O_RDWR: readable, to look at the last byte.
  const fh = await open(path, 'a+', 0o600);
  try {
    const { size } = await fh.stat();
    let text = lines;
    if (size > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) text = `\n${lines}`;
    }
    const buf = Buffer.from(text, 'utf8');
    let done = 0;
    // One write normally takes it all; only a short write (disk full, signal) needs another.
    while (done < buf.length) {
      const { bytesWritten } = await fh.write(buf, done, buf.length - done);
      if (bytesWritten === 0) throw new Error(`could not write to ${path}`);
      done += bytesWritten;
    }
    await fh.sync();
    if (size === 0) await syncDirectory(dirname(path));
  } finally {
    await fh.close();
  }
}

/** A new file's name must survive a crash too: fsync the directory that holds it. */
async function syncDirectory(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the file itself is synced.
  } finally {
    await d.close();
  }
}
