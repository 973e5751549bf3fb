import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { Journal } from '../../src/services/journal/index.js';

/** A local host with a config-backup layer whose newest archive is an hour old. */
function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'strata-status-journal-'));
  const archives = join(dir, 'archives');
  mkdirSync(archives);
  // The archive's name says when it was taken (UTC): an hour ago.
  const stamp = new Date(Date.now() - 3600_000).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  writeFileSync(join(archives, `strata-config-here-${stamp}.tar.gz`), 'x');
  const config = join(dir, 'strata.json');
  writeFileSync(
    config,
    JSON.stringify({
      version: 1,
      hosts: [{ name: 'here', transport: 'local' }],
      layers: [{ id: 'cfg', kind: 'config-backup', host: 'here', paths: ['/etc/hostname'], directory: archives, media: 'ssd', rpo: '1d' }],
    }),
  );
  return { config, state: join(dir, 'state') };
}

describe('strata status and the journal', () => {
  it('counts a run Strata did that failed after the newest point: the layer is critical with its summary', async () => {
    const { config, state } = setup();
    const calm = memoryIo('', { STRATA_STATE_DIR: state });
    expect(await main(['status', '--config', config], calm)).toBe(0);

    mkdirSync(state, { recursive: true });
    await new Journal(join(state, 'journal.jsonl')).append({
      type: 'action-end',
      at: new Date().toISOString(),
      operator: 'alice',
      actionId: 'a1',
      title: 'Archive the configuration of here',
      request: { kind: 'run', layerId: 'cfg' },
      state: 'failed',
      exitCode: 2,
      summary: 'tar: /etc/pve: Cannot open: Permission denied',
      durationMs: 2000,
    });
    const io = memoryIo('', { STRATA_STATE_DIR: state });
    expect(await main(['status', '--config', config, '--json'], io)).toBe(2);
    const layer = JSON.parse(io.stdout).layers[0];
    expect(layer.health).toBe('crit');
    expect(layer.reasons.join(' ')).toContain('tar: /etc/pve: Cannot open: Permission denied');
  });
});

describe('evidence in every output', () => {
  it('strata status --json reports when a workload was last proven restorable, after a verify run through the composition root', async () => {
    const { config, state } = setup();
    const env = { STRATA_STATE_DIR: state };
    const before = memoryIo('', env);
    await main(['status', '--config', config, '--json'], before);
    expect(JSON.parse(before.stdout).assets.find((a: { id: string }) => a.id === 'host/here')).toMatchObject({ lastProvenRestorableAt: null });

    const { loadInventory } = await import('../../src/services/inventory-loader.js');
    const { composeServices } = await import('../../src/services/root.js');
    const loaded = await loadInventory(config);
    if (!loaded.ok) throw new Error('inventory');
    const services = composeServices({ inventory: loaded.inventory, configPath: config, env });
    try {
      // A real archive of /etc/hostname, then a real read-back of it with tar.
      for (const kind of ['run', 'verify'] as const) {
        const plan = await services.actions.plan({ kind, layerId: 'cfg' });
        const outcome = await services.actions.execute(plan, { signal: new AbortController().signal, onOutput: () => undefined });
        expect(outcome.state).toBe('ok');
        if (kind === 'verify') expect(outcome.verified).toBe('ok');
      }
    } finally {
      await services.close();
    }

    const after = memoryIo('', env);
    await main(['status', '--config', config, '--json'], after);
    const host = JSON.parse(after.stdout).assets.find((a: { id: string }) => a.id === 'host/here');
    expect(host.lastProvenRestorableAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(Date.now() - Date.parse(host.lastProvenRestorableAt)).toBeLessThan(120_000);
  });
});
