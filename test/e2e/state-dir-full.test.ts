/**
 * A full disk under the state directory (a 64 KiB tmpfs mounted there):
 * an action whose journal entry cannot be written does not start and says
 * why, the journal keeps every entry written before, and status still reads
 * while neither the probe log nor the saved status can be written. Through
 * the real journal, executor, store and SSH runner, against the lab.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { closeSession } from '../../src/cli/session.js';
import { composeServices } from '../../src/services/root.js';
import { tuiStore } from '../../src/cli/tui.js';
import type { Inventory } from '../../src/domain/inventory.js';
import type { Lab } from '../../src/lab/index.js';
import { executePlan, planAction, type ActionRequest } from '../../src/services/actions/index.js';
import { Journal } from '../../src/services/journal/index.js';
import { useLab, type LabRunners } from '../helpers/lab/lab-runner.js';
import { describeWithTools } from '../helpers/tools.js';

/** Writes until the file system refuses: what is left is less than a block. */
async function fill(dir: string): Promise<void> {
  const fh = await open(join(dir, 'filler'), 'w');
  const block = Buffer.alloc(512, 0x66);
  try {
    for (;;) await fh.write(block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    await fh.close();
  }
}

describeWithTools(['tmpfs'], 'a full state directory', () => {
  let lab: Lab;
  let runners: LabRunners;
  let inventory: Inventory;
  useLab({ scenario: 'healthy', timeScale: 0.05 }, (l, r, inv) => ((lab = l), (runners = r), (inventory = inv)));

  let state = '';
  const env = () => ({ STRATA_STATE_DIR: state, USER: 'alice' });
  beforeAll(() => {
    state = mkdtempSync(join(tmpdir(), 'strata-full-state-'));
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', state], { encoding: 'utf8' });
    if (mounted.status !== 0) throw new Error(`mount: ${mounted.stderr}`);
  });
  afterAll(() => {
    spawnSync('umount', [state]);
    rmSync(state, { recursive: true, force: true });
  });

  const act = async (journal: Journal, request: ActionRequest) => {
    const runnerFor = (h: string) => runners.get(h);
    const plan = await planAction(request, { inventory, runnerFor, lookupEnv: () => undefined, nowSec: () => Date.now() / 1000 });
    if (!plan.ok) throw new Error(plan.error.message);
    return executePlan(plan.value, { runnerFor, journal, operator: 'alice' });
  };
  const vzdumpTasks = () => lab.state.hosts.pve1!.pve!.tasks.filter((t) => t.type === 'vzdump').length;

  it('refuses to start an action whose journal entry cannot be written, saying why, and keeps every entry written before', async () => {
    const journal = await Journal.open(env());
    const first = await act(journal, { kind: 'run', layerId: 'pve1-dump' });
    expect(first.state).toBe('ok');
    const written = await readFile(journal.path);
    const tasks = vzdumpTasks();

    await fill(state);
    const refused = await act(journal, { kind: 'run', layerId: 'pve1-dump' });
    expect(refused).toMatchObject({ state: 'failed', exitCode: null, summary: 'not started: the journal cannot be written: no space left on device' });
    // Nothing reached the host, and the journal is as it was: no half-written line.
    expect(vzdumpTasks()).toBe(tasks);
    expect(await readFile(journal.path)).toEqual(written);

    const io = memoryIo('', env());
    expect(await main(['journal', '--json'], io)).toBe(0);
    const doc = JSON.parse(io.stdout) as { entries: { type: string; state?: string }[]; skipped: unknown[] };
    expect(doc.skipped).toEqual([]);
    expect(doc.entries.at(0)).toMatchObject({ type: 'action-start' });
    expect(doc.entries.at(-1)).toMatchObject({ type: 'action-end', state: 'ok' });
    expect(doc.entries.filter((e) => e.type === 'command').length).toBeGreaterThan(0);
  }, 120_000);

  it('still reads the status while the probe log and the saved status cannot be written', async () => {
    await fill(state);
    const before = readdirSync(state).sort();

    const io = memoryIo('', env());
    const code = await main(['status', '--json', '--config', lab.configPath], io);
    expect(code).toBeLessThanOrEqual(3);
    const report = JSON.parse(io.stdout) as { version: number; layers: { id: string; health: string }[] };
    expect(report.version).toBe(1);
    expect(report.layers.map((l) => l.id)).toEqual(inventory.layers.map((l) => l.id));
    expect(report.layers.filter((l) => l.health === 'unknown')).toEqual([]);
    expect(io.stderr).toMatch(/^strata: the probe log .*probes\.jsonl could not be written: no space left on device$/m);

    // The control panel's store saves each status it reads; saving fails, the status is still shown.
    const panel = memoryIo('', env());
    const session = composeServices({ inventory, configPath: lab.configPath, env: env() });
    try {
      const store = await tuiStore({ session, io: panel, color: false });
      const shown = await store.getState().refresh();
      expect(shown?.layers.map((l) => l.id)).toEqual(inventory.layers.map((l) => l.id));
      expect(store.getState().refreshError).toBeNull();
    } finally {
      await closeSession(session, panel);
    }
    // No saved status, no half-written temporary file left to take the room the next write needs.
    expect(readdirSync(state).sort()).toEqual(before);
  }, 120_000);
});
