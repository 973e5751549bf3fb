import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, type NewJournalEntry } from '../../../src/services/journal/index.js';

const command = (i: number, extra: Partial<NewJournalEntry> = {}): NewJournalEntry =>
  ({
    type: 'command',
    at: `2026-01-31T02:00:0${i % 10}.000Z`,
    operator: 'alice',
    host: 'pve1',
    command: `vzdump ${100 + i}`,
    exitCode: 0,
    durationMs: 10 * i,
    ...extra,
  }) as NewJournalEntry;

describe('journal file', () => {
  let dir = '';
  let path = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-journal-'));
    path = join(dir, 'journal.jsonl');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one JSON line per entry with the format version, private to the user, and reads them back in order', async () => {
    const j = new Journal(path);
    for (let i = 0; i < 3; i++) await j.append(command(i));
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toMatchObject({ v: 1, type: 'command', command: 'vzdump 100' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const back = await j.read();
    expect(back.problems).toEqual([]);
    expect(back.entries.map((e) => (e.type === 'command' ? e.command : ''))).toEqual(['vzdump 100', 'vzdump 101', 'vzdump 102']);
  });

  it("reads an action that ended with warnings, written before the one spelling of warn, as 'warn'", async () => {
    const old = { v: 1, type: 'action-end', at: '2026-11-20T10:00:00Z', operator: 'alice', actionId: 'a1', title: 'Back up', request: { kind: 'run', layerId: 'restic-usb' }, state: 'warning', exitCode: 3, summary: 'restic backup: 2 files could not be read', durationMs: 1000 };
    await writeFile(path, `${JSON.stringify(old)}\n`);
    const { entries, problems } = await new Journal(path).read();
    expect(problems).toEqual([]);
    expect(entries).toMatchObject([{ type: 'action-end', state: 'warn' }]);
  });

  it('reads a missing journal as empty', async () => {
    expect(await new Journal(join(dir, 'none.jsonl')).read()).toEqual({ entries: [], problems: [] });
  });

  it('skips a crash-cut last line with a notice and keeps every earlier entry', async () => {
    const j = new Journal(path);
    for (let i = 0; i < 3; i++) await j.append(command(i));
    const whole = JSON.stringify({ v: 1, ...command(3) });
    await appendFile(path, whole.slice(0, whole.length - 17));
    const back = await j.read();
    expect(back.entries).toHaveLength(3);
    expect(back.problems).toEqual([{ line: 4, message: expect.stringContaining('incomplete') }]);
  });

  it('starts the next append on a fresh line, so a cut line cannot swallow a good entry', async () => {
    const j = new Journal(path);
    await j.append(command(0));
    await appendFile(path, '{"v":1,"type":"comm');
    await j.append(command(5));
    const back = await j.read();
    expect(back.entries.map((e) => (e.type === 'command' ? e.command : ''))).toEqual(['vzdump 100', 'vzdump 105']);
    expect(back.problems).toEqual([{ line: 2, message: expect.stringContaining('not JSON') }]);
  });

  it('skips garbage and foreign objects in the middle, naming their lines', async () => {
    const j = new Journal(path);
    await j.append(command(0));
    await appendFile(path, 'garbage \u0000 here\n{"v":1,"type":"command","at":"2026-01-31T02:00:00Z"}\n\n{"v":2,"type":"teleport"}\n');
    await j.append(command(1));
    const back = await j.read();
    expect(back.entries).toHaveLength(2);
    expect(back.problems.map((p) => p.line)).toEqual([2, 3, 5]);
    expect(back.problems[1]!.message).toMatch(/not a journal entry/);
  });

  it('reads a journal far larger than one read chunk', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(JSON.stringify({ v: 1, ...command(i, { command: `echo ${i} ${'y'.repeat(100)}` }) }));
    await writeFile(path, `${lines.join('\n')}\n`);
    const back = await new Journal(path).read();
    expect(back.problems).toEqual([]);
    expect(back.entries).toHaveLength(3000);
  });

  it('keeps lines whole when two Strata processes append at once', async () => {
    const script = join(import.meta.dirname, '../../helpers/journal/append-many.ts');
    const writer = (id: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, path, id, '300'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${id} exited ${code}: ${stderr}`))));
      });
    await Promise.all([writer('a'), writer('b')]);
    const back = await new Journal(path).read();
    expect(back.problems).toEqual([]);
    expect(back.entries).toHaveLength(600);
    for (const id of ['a', 'b']) {
      const mine = back.entries.filter((e) => e.operator === `writer-${id}`);
      expect(mine.map((e) => (e.type === 'command' ? e.durationMs : -1))).toEqual([...Array(300).keys()]);
    }
  }, 60_000);
});
