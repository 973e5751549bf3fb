/**
 * The probe log: every read-only command Strata ran on a host to learn its
 * state (the probes `strata commands` lists, and the reads a planner makes),
 * as journal `command` entries marked `probe`, in probes.jsonl beside the
 * journal. A refresh runs dozens of probes a minute, so unlike the journal
 * the lines are written in batches (one write and one fsync per batch), and
 * the file is rotated: once past its size bound it becomes probes.1.jsonl,
 * replacing the one before. Evidence of actions (runs, verifies, restores)
 * stays in the journal, which is never rotated, so rotating loses no proof.
 */
import { rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { stateDir, ensureStateDir, type StateEnv } from '../state-dir.js';
import type { NewJournalEntry } from './entry.js';
import { appendLines, Journal, journalLine, type JournalContents, type JournalSink } from './journal-file.js';
import type { JournalProblem } from './read.js';

export const PROBE_LOG_FILE = 'probes.jsonl';
export const PROBE_LOG_PREVIOUS_FILE = 'probes.1.jsonl';
/** ~16 MB is about a week of 60 s refreshes of a homelab; two generations are kept. */
export const PROBE_LOG_ROTATE_BYTES = 16 * 1024 * 1024;
/** Entries that arrive within this window share one write and one fsync. */
const BATCH_MS = 50;

export interface ProbeLogContents extends JournalContents {
  readonly problems: (JournalProblem & { readonly file: string })[];
}

export interface ProbeLogOptions {
  readonly rotateBytes?: number;
  /** Creates the state directory on the first write (only the default location needs it). */
  readonly ensureDir?: () => Promise<unknown>;
}

export class ProbeLog implements JournalSink {
  readonly previousPath: string;
  private queue: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The batch being written; batches are written one after another. */
  private writing: Promise<void> = Promise.resolve();
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(
    readonly path: string,
    private readonly opts: ProbeLogOptions = {},
  ) {
    this.previousPath = join(path, '..', PROBE_LOG_PREVIOUS_FILE);
  }

  /** The probe log of the state directory, which is created on the first write. */
  static inStateDir(env: StateEnv = process.env): ProbeLog {
    return new ProbeLog(join(stateDir(env), PROBE_LOG_FILE), { ensureDir: () => ensureStateDir(env) });
  }

  /** Queues the entry; resolves once it is on disk (callers that must not wait need not). */
  append(entry: NewJournalEntry): Promise<void> {
    this.queue.push(journalLine(entry));
    this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), BATCH_MS);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Writes what is queued now; resolves when it and every earlier batch are on disk. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.queue.splice(0).join('');
    const waiters = this.waiters.splice(0);
    if (lines === '') return this.writing;
    const batch = this.writing.catch(() => undefined).then(() => this.write(lines));
    this.writing = batch;
    batch.then(
      () => waiters.forEach((w) => w.resolve()),
      (e: unknown) => waiters.forEach((w) => w.reject(e)),
    );
    return batch;
  }

  /** The older generation first, then the current file; each skipped line names its file. */
  async read(): Promise<ProbeLogContents> {
    const older = await new Journal(this.previousPath).read();
    const newer = await new Journal(this.path).read();
    return {
      entries: [...older.entries, ...newer.entries],
      problems: [...older.problems.map((p) => ({ ...p, file: this.previousPath })), ...newer.problems.map((p) => ({ ...p, file: this.path }))],
    };
  }

  private async write(lines: string): Promise<void> {
    await this.opts.ensureDir?.();
    const size = await stat(this.path).then(
      (s) => s.size,
      () => 0,
    );
    // Two Strata processes rotating at once can drop one generation: acceptable for reads, never for the journal.
    if (size > 0 && size + Buffer.byteLength(lines) > (this.opts.rotateBytes ?? PROBE_LOG_ROTATE_BYTES)) {
      await rename(this.path, this.previousPath).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    }
    await appendLines(this.path, lines);
  }
}
