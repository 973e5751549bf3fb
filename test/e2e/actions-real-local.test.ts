/**
 * Config archives with real tar, and a cancel that really ends the process,
 * through the real LocalRunner.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionPlan } from '../../src/services/actions/index.js';
import { localActions } from '../helpers/actions/local.js';

describe('config archives with real tar', () => {
  let dir = '';
  let actions: ReturnType<typeof localActions>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-act-cfg-'));
    mkdirSync(join(dir, 'etc', 'pve', 'nodes'), { recursive: true });
    mkdirSync(join(dir, 'etc', 'network'), { recursive: true });
    writeFileSync(join(dir, 'etc', 'pve', 'storage.cfg'), 'dir: local\n');
    writeFileSync(join(dir, 'etc', 'network', 'interfaces'), 'auto lo\n');
    actions = localActions([
      { id: 'cfg', kind: 'config-backup', host: 'here', paths: [join(dir, 'etc', 'pve'), join(dir, 'etc', 'network')], directory: join(dir, 'archives') },
      { id: 'cfg-broken', kind: 'config-backup', host: 'here', paths: [join(dir, 'etc', 'missing')], directory: join(dir, 'archives2') },
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes an archive under its final name, then proves it lists every path', async () => {
    expect(await actions.run({ kind: 'run', layerId: 'cfg' })).toMatchObject({ state: 'ok', exitCode: 0 });
    const files = readdirSync(join(dir, 'archives'));
    expect(files).toEqual([expect.stringMatching(/^strata-config-here-\d{8}T\d{6}Z\.tar\.gz$/)]);
    const out = await actions.run({ kind: 'verify', layerId: 'cfg' });
    expect(out).toMatchObject({ state: 'ok', verified: 'ok', summary: expect.stringContaining('every path present') });
  });

  it('a corrupted archive fails the verify', async () => {
    const archive = join(dir, 'archives', readdirSync(join(dir, 'archives'))[0]!);
    const bytes = readFileSync(archive);
    writeFileSync(archive, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const out = await actions.run({ kind: 'verify', layerId: 'cfg' });
    expect(out).toMatchObject({ state: 'failed', verified: 'failed', summary: expect.stringContaining('unreadable') });
  });

  it('a failed tar leaves no archive behind: the temporary file is removed, nothing is renamed', async () => {
    const out = await actions.run({ kind: 'run', layerId: 'cfg-broken' });
    expect(out.state).toBe('failed');
    expect(out.summary).toMatch(/tar exited with 2/);
    expect(readdirSync(join(dir, 'archives2'))).toEqual([]);
  });
});

describe('cancel through the real LocalRunner', () => {
  it('ends the running process and reports cancelled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-act-cancel-'));
    const actions = localActions([{ id: 'cfg', kind: 'config-backup', host: 'here', paths: ['/etc/hostname'], directory: dir }]);
    const pidFile = join(dir, 'pid');
    const plan: ActionPlan = {
      id: 'cancel-1',
      request: { kind: 'run', layerId: 'cfg' },
      title: 'a long job',
      changesHost: true,
      affectedLayers: [],
      steps: [{ host: 'here', command: { argv: ['sh', '-c', 'echo $$ > "$1"; echo started; exec sleep 60', 'sh', pidFile] }, description: 'a long job', streams: true }],
    };
    const controller = new AbortController();
    const started = Date.now();
    const running = actions.execute(plan, controller.signal);
    while (!actions.output.some((l) => l.text === 'started')) await new Promise((r) => setTimeout(r, 20));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    controller.abort();
    const out = await running;
    expect(out).toMatchObject({ state: 'cancelled', exitCode: null });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(actions.journal.entries.find((e) => e.type === 'command')).toMatchObject({ exitCode: null, error: { kind: 'cancelled' } });
    rmSync(dir, { recursive: true, force: true });
    expect(existsSync(dir)).toBe(false);
  });
});
