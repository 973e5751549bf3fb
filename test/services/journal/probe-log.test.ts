import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalingRunner, ProbeLog, type CommandEntry } from '../../../src/services/journal/index.js';
import type { Runner } from '../../../src/transport/index.js';

const entry = (n: number, host = 'pve1'): Omit<CommandEntry, 'v'> => ({
  type: 'command',
  probe: true,
  at: new Date(1_800_000_000_000 + n * 1000).toISOString(),
  operator: 'alice',
  host,
  command: `pvesh get /nodes/pve1/tasks --limit ${n}`,
  exitCode: 0,
  durationMs: 12,
});

const fresh = () => join(mkdtempSync(join(tmpdir(), 'strata-probes-')), 'probes.jsonl');

describe('the probe log', () => {
  it('writes entries that arrive together in one batch, in order, and each reads back', async () => {
    const log = new ProbeLog(fresh());
    const written = Array.from({ length: 40 }, (_, i) => log.append(entry(i)));
    await Promise.all(written);
    const text = readFileSync(log.path, 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(40);
    const { entries, problems } = await log.read();
    expect(problems).toEqual([]);
    expect(entries.map((e) => (e.type === 'command' ? e.command : ''))).toEqual(Array.from({ length: 40 }, (_, i) => `pvesh get /nodes/pve1/tasks --limit ${i}`));
    expect(entries.every((e) => e.type === 'command' && e.probe === true)).toBe(true);
  });

  it('rotates past its size bound to probes.1.jsonl, keeping one older generation, and reads both oldest first', async () => {
    const log = new ProbeLog(fresh(), { rotateBytes: 2000 });
    for (let i = 0; i < 30; i++) await log.append(entry(i));
    expect(statSync(log.path).size).toBeLessThanOrEqual(2000);
    expect(statSync(log.previousPath).size).toBeLessThanOrEqual(2000);
    const { entries } = await log.read();
    const numbers = entries.map((e) => Number((e.type === 'command' ? e.command : '').split(' ').pop()));
    // Only what the two generations hold is left, oldest first and without a gap.
    expect(numbers.length).toBeGreaterThan(10);
    expect(numbers.at(-1)).toBe(29);
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
  });

  it('skips a line a crash cut short and starts the next batch on a fresh line', async () => {
    const log = new ProbeLog(fresh());
    await log.append(entry(1));
    appendFileSync(log.path, '{"v":1,"type":"command","at":"2027-');
    await log.append(entry(2));
    const { entries, problems } = await log.read();
    expect(entries).toHaveLength(2);
    expect(problems).toEqual([{ line: 2, message: expect.stringContaining('not JSON'), file: log.path }]);
  });

  it('creates the state directory only when it first writes', async () => {
    let made = 0;
    const log = new ProbeLog(fresh(), { ensureDir: async () => made++ });
    expect(made).toBe(0);
    await log.flush();
    expect(made).toBe(0);
    await log.append(entry(1));
    expect(made).toBe(1);
  });

  it('does not hold a probe result back until its entry is on disk, and marks it a probe', async () => {
    let release: () => void = () => undefined;
    const appended: unknown[] = [];
    const slowSink = { append: (e: unknown) => (appended.push(e), new Promise<void>((r) => (release = r))) };
    const inner: Runner = {
      host: 'pve1',
      run: async () => ({ stdout: 'ok\n', stderr: '', exitCode: 0, durationMs: 1 }),
      stream: async () => ({ stdout: '', stderr: '', exitCode: 0, durationMs: 1 }),
      close: async () => undefined,
    };
    const probe = journalingRunner(inner, { journal: slowSink, operator: 'alice', probe: true, waitForEntry: false });
    await expect(probe.run({ argv: ['zpool', 'status', '-x'] })).resolves.toMatchObject({ stdout: 'ok\n' });
    expect(appended).toEqual([expect.objectContaining({ probe: true, host: 'pve1', command: 'zpool status -x', exitCode: 0 })]);
    // An action's runner, by contrast, waits for its entry.
    const action = journalingRunner(inner, { journal: slowSink, operator: 'alice', actionId: 'a1' });
    let done = false;
    const run = action.run({ argv: ['true'] }).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    release();
    await run;
    expect(done).toBe(true);
  });
});
