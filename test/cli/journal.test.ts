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

  it('--markdown prints the actions as a Markdown document for change control', async () => {
    const io = memoryIo('', env);
    expect(await main(['journal', '--markdown'], io)).toBe(0);
    expect(io.stdout).toMatch(/^# Strata journal\n/);
    expect(io.stdout).toContain('| 2026-01-31 02:00:00Z | verify | `restic-usb` |   | **failed**, verified **failed** | alice | 1 min 6 s |');
    expect(io.stdout).toContain(`Every action in \`${join(dir, 'journal.jsonl')}\``);
  });

  it('--since keeps what started since then, with the Markdown or the plain listing', async () => {
    await new Journal(join(dir, 'journal.jsonl')).append({ type: 'action-start', at: new Date(Date.now() - 3600_000).toISOString(), operator: 'bob', actionId: 'act-2', title: 'Back up vm/101', request: { kind: 'run', layerId: 'vzdump-local' }, changesHost: true, steps: [] });
    const md = memoryIo('', env);
    expect(await main(['journal', '--markdown', '--since', '1d'], md)).toBe(0);
    expect(md.stdout).toContain('1 action: 1 not ended.');
    expect(md.stdout).not.toContain('restic-usb');
    const plain = memoryIo('', env);
    expect(await main(['journal', '--since', '2026-02-01'], plain)).toBe(0);
    expect(plain.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(plain.stdout).toContain('▶ run vzdump-local: Back up vm/101');
    const none = memoryIo('', { ...env, TZ: 'UTC' });
    expect(await main(['journal', '--since', '1s'], none)).toBe(0);
    expect(none.stdout).toContain('holds nothing since');
  });

  it('refuses a --since it cannot read, saying what it takes, and --json with --markdown', async () => {
    const bad = memoryIo('', env);
    expect(await main(['journal', '--markdown', '--since', 'last tuesday'], bad)).toBe(64);
    expect(bad.stderr).toContain('strata journal: --since "last tuesday" is neither a date or time (2026-01-31, 2026-01-31T02:00:00Z, epoch seconds) nor how long ago (7d, 12h)');
    const future = memoryIo('', env);
    expect(await main(['journal', '--since', '2999-01-01'], future)).toBe(64);
    expect(future.stderr).toContain('is in the future');
    const zone = memoryIo('', { ...env, TZ: 'Mars/Olympus' });
    expect(await main(['journal', '--since', '2026-01-01'], zone)).toBe(64);
    expect(zone.stderr).toContain('$TZ');
    const both = memoryIo('', env);
    expect(await main(['journal', '--json', '--markdown'], both)).toBe(64);
    expect(both.stderr).toContain('two formats');
  });
});
