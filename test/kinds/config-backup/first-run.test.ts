/**
 * A config-backup layer before its first run: its directory does not exist
 * yet, so it holds no recovery point (CRIT, "run the layer's job"), not a
 * layer that cannot be read (UNKNOWN). Read by real find through the real
 * LocalRunner, and by the lab's find over SSH; once the job has run, the
 * archive it wrote is the layer's point.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateInventory, type Inventory } from '../../../src/domain/inventory.js';
import type { LayerFile } from '../../../src/domain/inventory-file.js';
import type { LayerStatus } from '../../../src/domain/status-report.js';
import type { CollectorDeps } from '../../../src/services/collector.js';
import { readLayer } from '../../../src/kinds/read.js';
import { readStatus } from '../../../src/services/status-service.js';
import type { Command } from '../../../src/transport/command.js';
import type { Runner } from '../../../src/transport/runner.js';
import { localActions } from '../../helpers/actions/local.js';
import { useLab, type LabRunners } from '../../helpers/lab/lab-runner.js';

const deps = (runnerFor: (host: string) => Runner): CollectorDeps => ({ runnerFor, readLayer, localNowSec: () => Date.now() / 1000, lookupEnv: () => undefined });

async function layerStatus(inventory: Inventory, runnerFor: (host: string) => Runner, id: string): Promise<LayerStatus> {
  const { report } = await readStatus(inventory, deps(runnerFor), { layers: [id] });
  const layer = report.layers.find((l) => l.id === id);
  if (!layer) throw new Error(`no layer ${id} in the report`);
  return layer;
}

describe('a config-backup layer before its first run, with real find', () => {
  let dir = '';
  let actions: ReturnType<typeof localActions>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-cfg-first-'));
    mkdirSync(join(dir, 'etc', 'pve'), { recursive: true });
    writeFileSync(join(dir, 'etc', 'pve', 'storage.cfg'), 'dir: local\n');
    writeFileSync(join(dir, 'not-a-dir'), '');
    actions = localActions([
      { id: 'cfg', kind: 'config-backup', host: 'here', paths: [join(dir, 'etc', 'pve')], directory: join(dir, 'archives'), rpo: '7d' },
      { id: 'cfg-file', kind: 'config-backup', host: 'here', paths: [join(dir, 'etc', 'pve')], directory: join(dir, 'not-a-dir', 'archives'), rpo: '7d' },
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is CRIT with "no archive yet; run the layer\'s job", not UNKNOWN with find\'s error', async () => {
    const layer = await layerStatus(actions.inventory, () => actions.runner, 'cfg');
    expect(layer).toMatchObject({ health: 'crit', points: 0, lastPointAt: null, errors: [] });
    expect(layer.reasons).toEqual([`cfg: no archive yet; run the layer's job (${join(dir, 'archives')} does not exist yet)`]);
  });

  it('stays UNKNOWN when find fails for another reason (a parent that is a file)', async () => {
    const layer = await layerStatus(actions.inventory, () => actions.runner, 'cfg-file');
    expect(layer.health).toBe('unknown');
    expect(layer.errors.join('\n')).toMatch(/find exited with 1: .*Not a directory/);
  });

  it('a verify before the first run says to run the job first', async () => {
    await expect(actions.plan({ kind: 'verify', layerId: 'cfg' })).rejects.toThrow(/no config archive of here yet \(.* does not exist\): run the layer's job first/);
  });

  it('after the job has run, the archive it wrote is the layer\'s point and the layer is OK', async () => {
    expect(await actions.run({ kind: 'run', layerId: 'cfg' })).toMatchObject({ state: 'ok' });
    const layer = await layerStatus(actions.inventory, () => actions.runner, 'cfg');
    expect(layer).toMatchObject({ health: 'ok', points: 1, errors: [] });
  });

  it('an archive directory find may not read is UNKNOWN, never CRIT for want of data', async () => {
    // Root reads any directory: take its search permission away from find by running it as nobody.
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(dir, 0o755);
    chmodSync(locked, 0o000);
    const nobody = (cmd: Command): Command => ({ ...cmd, argv: ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', ...cmd.argv] });
    const asNobody: Runner = {
      host: 'here',
      run: (cmd, o) => actions.runner.run(nobody(cmd), o),
      stream: (cmd, o) => actions.runner.stream(nobody(cmd), o),
      close: () => actions.runner.close(),
    };
    const inventory = validated({ id: 'cfg-locked', kind: 'config-backup', host: 'here', paths: ['/etc/hostname'], directory: locked, rpo: '7d' });
    const layer = await layerStatus(inventory, () => asNobody, 'cfg-locked');
    expect(layer.health).toBe('unknown');
    expect(layer.errors.join('\n')).toMatch(/Permission denied/);
  });
});

function validated(layer: LayerFile): Inventory {
  const v = validateInventory({ version: 1, hosts: [{ name: 'here', transport: 'local' }], layers: [layer] });
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return v.inventory;
}

describe('a config-backup layer before its first run, in the lab over SSH', () => {
  let runners: LabRunners;
  let inventory: Inventory;
  useLab({ scenario: 'healthy', timeScale: 0.02 }, (lab, r) => {
    runners = r;
    const v = validateInventory({
      ...lab.config,
      layers: [...lab.config.layers, { id: 'pve1-config-new', kind: 'config-backup', host: 'pve1', paths: ['/etc/pve'], directory: '/var/backups/strata-new', rpo: '7d' }],
    });
    if (!v.ok) throw new Error(JSON.stringify(v.problems));
    inventory = v.inventory;
  });

  it('is CRIT with "no archive yet" for the new directory while the existing one stays OK', async () => {
    const fresh = await layerStatus(inventory, (h) => runners.get(h), 'pve1-config-new');
    expect(fresh).toMatchObject({ health: 'crit', errors: [], reasons: ["pve1-config-new: no archive yet; run the layer's job (/var/backups/strata-new does not exist yet)"] });
    expect((await layerStatus(inventory, (h) => runners.get(h), 'pve1-config')).health).toBe('ok');
  });
});
