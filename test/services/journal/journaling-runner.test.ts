import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, journalingRunner, operatorName, type NewJournalEntry } from '../../../src/services/journal/index.js';
import { TransportError } from '../../../src/transport/errors.js';
import { FakeRunner, failing } from '../../helpers/fake-runner.js';

const SECRET = 'hunter2-Very-Secret';

describe('journaling runner', () => {
  let dir = '';
  let journal: Journal;
  let fake: FakeRunner;
  let clock = 0;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-jr-'));
    journal = new Journal(join(dir, 'journal.jsonl'));
    fake = new FakeRunner('docker1');
    clock = Date.parse('2026-01-31T02:00:00Z');
  });
  afterEach(async () => {
    fake.assertDone();
    await rm(dir, { recursive: true, force: true });
  });

  const wrap = (extra: { secrets?: () => string[] } = {}) =>
    journalingRunner(fake, { journal, operator: 'alice', actionId: 'act-1', nowMs: () => (clock += 250), ...extra });

  it('records host, command, operator, start time, exit code and duration of every command', async () => {
    fake.on(['restic', 'snapshots', '--json'], { stdout: '[]' }, { env: { RESTIC_REPOSITORY: '/r' } });
    const r = await wrap().run({ argv: ['restic', 'snapshots', '--json'], env: { RESTIC_REPOSITORY: '/r' } });
    expect(r.stdout).toBe('[]');
    const { entries } = await journal.read();
    expect(entries).toEqual([
      {
        v: 1,
        type: 'command',
        at: '2026-01-31T02:00:00.250Z',
        operator: 'alice',
        actionId: 'act-1',
        host: 'docker1',
        command: 'RESTIC_REPOSITORY=/r restic snapshots --json',
        exitCode: 0,
        durationMs: 250,
      },
    ]);
  });

  it('journals streamed commands too, and passes the lines through', async () => {
    fake.on(['vzdump', '100'], { stdout: 'INFO: a\nINFO: b\n' });
    const seen: string[] = [];
    await wrap().stream({ argv: ['vzdump', '100'] }, { onStdout: (l) => seen.push(l) });
    expect(seen).toEqual(['INFO: a', 'INFO: b']);
    const { entries } = await journal.read();
    expect(entries).toMatchObject([{ type: 'command', command: 'vzdump 100', exitCode: 0 }]);
  });

  it('never writes a secret value: commands by name, output scrubbed', async () => {
    fake.on(['restic', 'check'], failing(1, `Fatal: unable to open repo rest:https://u:${SECRET}@h/: 403\n`), { secretNames: ['RESTIC_PASSWORD'] });
    fake.on(['rclone', 'sync', 'a', 'b'], failing(2, `token other-${SECRET}-tail and OTHER-KNOWN-VALUE\n`), {});
    const r = wrap({ secrets: () => [SECRET, 'OTHER-KNOWN-VALUE'] });
    await r.run({ argv: ['restic', 'check'], secrets: { RESTIC_PASSWORD: SECRET } });
    await r.run({ argv: ['rclone', 'sync', 'a', 'b'] });
    const text = await readFile(journal.path, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('OTHER-KNOWN-VALUE');
    const { entries } = await journal.read();
    expect(entries[0]).toMatchObject({ command: 'RESTIC_PASSWORD=<secret> restic check', exitCode: 1, stderrTail: 'Fatal: unable to open repo rest:https://u:<secret>@h/: 403' });
    // The second command carries no secret itself: the action's known secrets are scrubbed from it anyway.
    expect(entries[1]).toMatchObject({ stderrTail: 'token other-<secret>-tail and <secret>' });
  });

  it('records a command that ended without an exit code (cancelled) and rethrows', async () => {
    fake.on(['sleep', '60'], new TransportError('cancelled', { host: 'docker1', detail: `while sending ${SECRET}` }), { secretNames: ['X'] });
    await expect(wrap().run({ argv: ['sleep', '60'], secrets: { X: SECRET } })).rejects.toMatchObject({ kind: 'cancelled' });
    const { entries } = await journal.read();
    expect(entries[0]).toMatchObject({ exitCode: null, error: { kind: 'cancelled', message: 'command on docker1 was cancelled: while sending <secret>' } });
  });

  it('reports a journal it cannot write to without failing the command that already ran', async () => {
    fake.on(['true']);
    const failures: string[] = [];
    const broken = { append: async (_e: NewJournalEntry) => Promise.reject(new Error('disk full')) };
    const r = journalingRunner(fake, { journal: broken, operator: 'a', onJournalError: (e, entry) => failures.push(`${(e as Error).message}: ${entry.command}`) });
    await expect(r.run({ argv: ['true'] })).resolves.toMatchObject({ exitCode: 0 });
    expect(failures).toEqual(['disk full: true']);
  });
});

describe('operatorName', () => {
  it('prefers SUDO_USER, then USER, then the OS account', () => {
    expect(operatorName({ SUDO_USER: 'alice', USER: 'root' })).toBe('alice');
    expect(operatorName({ USER: 'bob' })).toBe('bob');
    expect(operatorName({})).toMatch(/\S/);
  });
});
