/**
 * One notify at a time per state file, across processes: the panel and a
 * timer's `strata notify` must not both read "not told yet" and both send.
 * A lock file created exclusively holds the owner's PID; one whose owner is
 * gone (a crash, a reboot) is taken over.
 */
import { open, readFile, unlink } from 'node:fs/promises';

export interface LockOptions {
  /** How long to wait for another run to finish. */
  readonly waitMs: number;
  readonly pollMs: number;
}

const DEFAULT_LOCK: LockOptions = { waitMs: 180_000, pollMs: 200 };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function withLock<T>(lockPath: string, fn: () => Promise<T>, o: LockOptions = DEFAULT_LOCK): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    // An empty file is a lock being written this instant: wait for it like a live one.
    if (Number.isSafeInteger(owner) && owner > 0 && !alive(owner)) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() - started > o.waitMs) throw new Error(`another notify (pid ${owner || '?'}) has held ${lockPath} for over ${Math.round(o.waitMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, o.pollMs));
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}
