/**
 * The rebuild wizard against the real DR engine on the disaster lab, the
 * store wired as the panel wires it (tuiStore over composeServices): the
 * new node's host key trusted only by its typed fingerprint, each step
 * checked first and shown with its exact commands, the steps that write
 * asked y/N, the guests of each tier restored in parallel, the report; and
 * the panel closed mid-rebuild and reopened on the same state directory,
 * resuming at the step it stopped at without redoing the ones done.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { tuiStore } from '../../src/cli/tui.js';
import type { Inventory } from '../../src/domain/inventory.js';
import type { Lab } from '../../src/lab/index.js';
import { composeServices, type Services } from '../../src/services/root.js';
import type { AppStore } from '../../src/store/index.js';
import { useLab } from '../helpers/lab/lab-runner.js';
import { KEY, renderApp, type Rendered } from '../helpers/tui/render-app.js';

let lab: Lab;
let inventory: Inventory;
useLab({ scenario: 'disaster', timeScale: 0.02 }, (l, _runners, inv) => ((lab = l), (inventory = inv)));

let view: Rendered | undefined;
let session: Services | undefined;
async function closePanel(): Promise<void> {
  view?.unmount();
  view = undefined;
  await session?.close();
  session = undefined;
}
afterEach(closePanel);

/** The panel on the lab; `stateDir` is kept between panels to resume. */
async function panel(stateDir: string): Promise<{ store: AppStore; v: Rendered }> {
  const io = memoryIo('', { STRATA_STATE_DIR: stateDir });
  session = composeServices({ inventory, configPath: lab.configPath, env: io.env, agentWaitMs: 3_000 });
  const store = await tuiStore({ session, io, color: false, pollIntervalMs: 3_600_000, rebuild: { address: '127.0.0.1', port: lab.freshNode!.port } });
  view = await renderApp(store, { columns: 80, rows: 24 }, () => Date.now());
  await view.waitFor('Hosts × layers', 20_000);
  return { store, v: view };
}

async function openWizard(v: Rendered): Promise<void> {
  await v.press('X');
  await v.waitFor('Plan read', 30_000);
  await v.press(KEY.enter);
}

const stepId = (store: AppStore) => store.getState().rebuild?.stepId;
const phase = (store: AppStore) => store.getState().rebuild?.phase.kind;
const stepState = (store: AppStore, id: string) => store.getState().rebuild?.state?.steps.find((s) => s.id === id)?.state;

describe('the rebuild wizard on the disaster lab', () => {
  it('trusts the new node only by its typed fingerprint, runs the read-only steps on Enter, asks y/N before host config; reopened after a quit it resumes there', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'strata-rebuild-'));
    const { store, v } = await panel(stateDir);
    await openWizard(v);
    const node = await v.waitFor(/offers a NEW host key[\s\S]*Enter: compare the host key/, 30_000);
    expect(node).toMatch(/1\/\d+ \[Node\] › Identity › Network/);
    expect(node).toContain(lab.freshNode!.fingerprint);
    expect(node).toContain('▲ WRITES to the new node · not run yet');
    expect(node).toMatch(/Commands \(\d+\), exactly as they run:/);
    await v.press(KEY.enter);
    await v.waitFor('and type the fingerprint it prints');
    // A wrong fingerprint: nothing is trusted, nothing reaches the engine.
    await v.type('SHA256:AAAAnotthekey');
    await v.press(KEY.enter);
    await v.waitFor('the key is NOT trusted');
    expect(stepState(store, 'node')).toBe('pending');
    expect(store.getState().rebuild?.state?.target.hostKeyFingerprint).toBeNull();
    // Esc from the fingerprint goes back to the step; nothing ran.
    await v.press(KEY.esc);
    await v.waitFor('Enter: compare the host key');
    await v.press(KEY.enter);
    await v.type(lab.freshNode!.fingerprint);
    await v.press(KEY.enter);
    await v.waitFor(/✔ DONE[\s\S]*Enter: the next step/, 30_000);
    expect(store.getState().rebuild?.state?.target.hostKeyFingerprint).toBe(lab.freshNode!.fingerprint);

    await v.press(KEY.enter);
    await v.waitFor(/\[Identity\][\s\S]*Enter runs this read-only step/, 30_000);
    await v.press(KEY.enter);
    await v.waitFor(/Enter: the next step/, 30_000);
    expect(['done', 'already-done']).toContain(stepState(store, 'identity'));
    await v.press(KEY.enter);
    const network = await v.waitFor(/\[Network\][\s\S]*Enter runs this read-only step/, 30_000);
    expect(network).toContain('does NOT apply it');
    await v.press(KEY.enter);
    await v.waitFor(/Enter: the next step/, 30_000);
    await v.press(KEY.enter);
    const host = await v.waitFor(/Run this step\? \[y\/N\]/, 30_000);
    expect(stepId(store)).toBe('host-config');
    expect(host).toContain('▲ WRITES to the new node');
    // Enter is not yes: nothing runs.
    await v.press(KEY.enter);
    expect(phase(store)).toBe('review');
    expect(stepState(store, 'host-config')).toBe('pending');

    // The operator quits here. The saved state is the engine's; a new panel resumes it.
    await closePanel();
    const again = await panel(stateDir);
    await openWizard(again.v);
    const resumed = await again.v.waitFor(/resumed from the saved state[\s\S]*Run this step\? \[y\/N\]/, 30_000);
    expect(stepId(again.store)).toBe('host-config');
    expect(resumed).toMatch(/✔Node › ✔Identity › ✔Network › \[Host config\]/);
    const saved = JSON.parse(readFileSync(join(stateDir, 'dr-rebuild.json'), 'utf8')) as { steps: { id: string; runs: number }[] };
    expect(saved.steps.find((s) => s.id === 'node')!.runs).toBe(1);
    await again.v.press('y');
    await again.v.waitFor(/✔ (ALREADY )?DONE[\s\S]*Enter: the next step/, 60_000);
    expect(stepState(again.store, 'host-config')).toBe('done');
  }, 180_000);
});
