/**
 * Each append is flushed to disk before it counts as written: the file is
 * fsync'd after the write, and its directory once when the file is new.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as FsPromises from 'node:fs/promises';

const calls: string[] = [];

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      const fh = await real.open(...args);
      const name = String(args[0]);
      const write = fh.write.bind(fh) as (...a: unknown[]) => Promise<{ bytesWritten: number }>;
      const sync = fh.sync.bind(fh);
      Object.assign(fh, {
        write: async (...a: unknown[]) => {
          calls.push(`write ${name}`);
          return write(...a);
        },
        sync: async () => {
          calls.push(`sync ${name}`);
          return sync();
        },
      });
      return fh;
    },
  };
});

const { Journal } = await import('../../../src/services/journal/journal-file.js');

describe('journal durability', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-fsync-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each entry with one write, then fsyncs the file (and the directory for a new file)', async () => {
    const path = join(dir, 'journal.jsonl');
    const j = new Journal(path);
    const entry = { type: 'command', at: '2026-01-31T02:00:00Z', operator: 'a', host: 'h', command: 'true', exitCode: 0, durationMs: 1 } as const;
    await j.append(entry);
    expect(calls).toEqual([`write ${path}`, `sync ${path}`, `sync ${dir}`]);
    calls.length = 0;
    await j.append(entry);
    expect(calls).toEqual([`write ${path}`, `sync ${path}`]);
  });
});
