/**
 * The journal file: append-only JSON lines, each line written by one
 * `write(2)` on a descriptor opened with O_APPEND and then fsync'd, so two
 * Strata processes appending at once never interleave within a line and a
 * line reported written survives a crash. A crash can still cut the last
 * line short; the reader skips such a line with a notice, and the next append
 * starts on a fresh line so the cut line cannot swallow a good entry.
 * A full file system is found before writing, so it refuses the whole line
 * instead of leaving half of one; the error says why in plain words.
 */
import { createReadStream } from 'node:fs';
import { open, statfs } from 'node:fs/promises';
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
  try {
    await appendWhole(path, lines);
  } catch (e) {
    throw inPlainWords(e);
  }
}

async function appendWhole(path: string, lines: string): Promise<void> {
  // Before open, which would create an empty file; one byte more for a line break before the lines.
  await assertRoomFor(dirname(path), Buffer.byteLength(lines, 'utf8') + 1);
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

/**
 * A write on a full file system can be cut short after part of the line,
 * which would leave half an entry in the file. Room for the line and one
 * block more is asked for first, so a disk with less than a block free
 * refuses at once, even where the last block of the file still has slack:
 * an action's start entry is followed by its commands' and its end entry,
 * which would not fit. A file system that cannot tell is trusted (the write
 * itself still reports a full disk). Root may use the blocks reserved for
 * it, as its write would.
 */
async function assertRoomFor(dir: string, bytes: number): Promise<void> {
  let fs: Awaited<ReturnType<typeof statfs>>;
  try {
    fs = await statfs(dir);
  } catch {
    return;
  }
  // Some FUSE file systems report no size at all: they cannot tell.
  if (fs.blocks === 0 || fs.bsize === 0) return;
  const blocks = process.getuid?.() === 0 ? fs.bfree : fs.bavail;
  if (blocks * fs.bsize < bytes + fs.bsize) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

const WORDS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'input/output error',
  ENOENT: 'no such directory',
};

/** "no space left on device" rather than "ENOSPC: no space left on device, write"; the code stays on the error. */
function inPlainWords(e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const words = code === undefined ? undefined : WORDS[code];
  return words === undefined ? e : Object.assign(new Error(words, { cause: e }), { code });
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
