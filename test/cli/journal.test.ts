import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { Journal } from '../../src/services/journal/index.js';

describe('strata journal', () => {
  let dir = '';
  let env: Record<string, string>;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-cli-journal-'));
    env = { STRATA_STATE_DIR: dir };
    const j = new Journal(join(dir, 'journal.jsonl'));
    const request = { kind: 'verify' as const, layerId: 'restic-usb' };
    await j.append({ type: 'action-start', at: '2026-01-31T02:00:00.000Z', operator: 'alice', actionId: 'act-1', title: 'Check restic repository of restic-usb', request, changesHost: false, steps: [{ host: 'docker1', command: 'RESTIC_PASSWORD=<secret> restic check', description: 'check' }] });
    await j.append({ type: 'command', at: '2026-01-31T02:00:00.100Z', operator: 'alice', actionId: 'act-1', host: 'docker1', command: 'RESTIC_PASSWORD=<secret> restic check', exitCode: 1, durationMs: 65_000, stderrTail: 'Fatal: repository contains errors' });
    await j.append({ type: 'action-end', at: '2026-01-31T02:01:05.500Z', operator: 'alice', actionId: 'act-1', title: 'Check restic repository of restic-usb', request, state: 'failed', exitCode: 1, summary: 'restic check: Fatal: repository contains errors', verified: 'failed', durationMs: 65_500 });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints actions and their commands, oldest first', async () => {
    const io = memoryIo('', env);
    expect(await main(['journal'], io)).toBe(0);
    const lines = io.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('2026-01-31 02:00:00Z  alice  ▶ verify restic-usb: Check restic repository of restic-usb  [act-1]');
    expect(lines[1]).toBe('2026-01-31 02:00:00Z  alice    docker1$ RESTIC_PASSWORD=<secret> restic check  → exit 1 (1 min 5 s)');
    expect(lines[2]).toBe('      | Fatal: repository contains errors');
    expect(lines[3]).toBe('2026-01-31 02:01:05Z  alice  ■ failed (verified failed): restic check: Fatal: repository contains errors  (1 min 6 s) [act-1]');
    expect(io.stderr).toBe('');
  });

  it('--json gives one document with every entry and the skipped lines', async () => {
    await appendFile(join(dir, 'journal.jsonl'), '{"v":1,"ty');
    const io = memoryIo('', env);
    expect(await main(['journal', '--json'], io)).toBe(0);
    const doc = JSON.parse(io.stdout);
    expect(doc.version).toBe(1);
    expect(doc.path).toBe(join(dir, 'journal.jsonl'));
    expect(doc.entries.map((e: { type: string }) => e.type)).toEqual(['action-start', 'command', 'action-end']);
    expect(doc.skipped).toEqual([{ line: 4, message: expect.stringContaining('incomplete') }]);
    expect(io.stderr).toContain('line 4: the last line is incomplete');
  });

  it('says so when there is no journal yet', async () => {
    const io = memoryIo('', { STRATA_STATE_DIR: join(dir, 'fresh') });
    expect(await main(['journal'], io)).toBe(0);
    expect(io.stdout).toContain('is empty');
  });

  it('explains in --help where the probes are (--probes, the rotated probe log), and refuses unknown flags', async () => {
    const help = memoryIo('', env);
    expect(await main(['journal', '--help'], help)).toBe(0);
    expect(help.stdout).toMatch(/--probes +also the read-only probes/);
    expect(help.stdout).toContain('probes.jsonl');
    const bad = memoryIo('', env);
    expect(await main(['journal', '--bogus'], bad)).toBe(64);
  });
});
