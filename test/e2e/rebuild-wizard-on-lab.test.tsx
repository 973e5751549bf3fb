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

/** Answers each step as an operator who read it would (the fingerprint typed, y to what writes) until `until` is on screen for review. */
async function walkTo(store: AppStore, v: Rendered, until: string | null): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const w = store.getState().rebuild!;
    if (w.stepId === until && (until === null ? w.report?.state === 'ready' : w.phase.kind === 'review')) return;
    const step = w.state?.steps.find((x) => x.id === w.stepId);
    if (w.phase.kind === 'trust') {
      await v.type(lab.freshNode!.fingerprint);
      await v.press(KEY.enter);
    } else if (w.phase.kind === 'review' && step) await v.press(step.writes && step.id !== 'node' ? 'y' : KEY.enter);
    else if (w.phase.kind === 'outcome' && w.stepId !== null) {
      if (step && step.state !== 'done' && step.state !== 'already-done') throw new Error(`${step.id} ${step.state}: ${step.detail}`);
      await v.press(KEY.enter);
    } else await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never reached ${until}`);
}

/** j until the step shows `re` (the step is taller than 24 rows). */
async function scrollUntil(v: Rendered, re: RegExp): Promise<string> {
  for (let i = 0; i < 60; i++) {
    if (re.test(v.frame())) return v.frame();
    await v.press('j');
  }
  return v.waitFor(re);
}

const restoring = (store: AppStore, id: string) => store.getState().rebuild?.state?.steps.find((s) => s.id === id)?.guests?.filter((g) => g.state === 'restoring').map((g) => g.assetId) ?? [];

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
    // 80x24 without colour (the panel's NO_COLOR): every state is a word, every line fits.
    expect(v.widest()).toBeLessThanOrEqual(80);
    // eslint-disable-next-line no-control-regex
    expect(v.raw()).not.toMatch(/\u001b\[3\dm/);
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
    // The whole step is there to read before answering: PgDn scrolls to the rest of its commands.
    expect(host).toMatch(/lines 1-\d+ of \d+ · j\/k scroll/);
    await v.press('\x1b[6~');
    const rest = await v.waitFor(/lines (?!1-)\d+-\d+ of \d+/);
    expect(rest).toContain('$ systemctl stop pve-cluster');
    expect(rest).toContain('Run this step? [y/N]');
    // G goes to the last screenful and k moves up from there at once.
    await v.press('G');
    const bottom = await v.waitFor(/lines \d+-(\d+) of \1/);
    const from = Number(/lines (\d+)-/.exec(bottom)![1]);
    await v.press('k');
    await v.waitFor(`lines ${from - 1}-`);
    expect(v.widest()).toBeLessThanOrEqual(80);
    // ? lists the wizard's keys from the binding registry, with why one does nothing now.
    await v.press('?');
    const help = await v.waitFor('Help');
    expect(help).toContain('Yes: run the step shown (it writes to the new node)');
    expect(help).toMatch(/The raw output of the steps run in this session/);
    await v.press(KEY.esc);
    await v.waitFor('Run this step? [y/N]');
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

  it('restores each tier in parallel with every guest shown; Esc during the run asks, n lets it go on; a quit mid-tier resumes in a new panel without restoring a guest twice; the report at the end', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'strata-rebuild-'));
    const { store, v } = await panel(stateDir);
    await openWizard(v);
    await walkTo(store, v, 'tier:tier0');
    const review = await v.waitFor(/\[Tier tier0\][\s\S]*Run this step\? \[y\/N\]/);
    expect(review).toMatch(/RTO 4h · 0 of 3 up/);
    expect(review).toMatch(/· waiting +vm\/100 +→ local-lvm/);
    expect(review).toMatch(/\$ qmrestore /);
    await v.press('y');
    // Two restores at once on local-lvm (the bound per storage), each with its own line.
    await v.waitFor(() => restoring(store, 'tier:tier0').length === 2, 30_000);
    const both = await v.waitFor(/⟳ restoring +vm\/100[\s\S]*⟳ restoring +vm\/101/);
    expect(both).toMatch(/· waiting +ct\/102/);
    expect(both).toContain('Running · Esc or q: ask to cancel');
    // The step scrolls while it runs (a tier can hold more guests than the screen).
    await v.press('j');
    await v.waitFor(/lines 2-\d+ of \d+ · j\/k scroll/);
    expect(phase(store)).toBe('running');
    await v.press('k');
    await v.press(KEY.esc);
    await v.waitFor('Cancel "Guests of tier0"? y: stop it now');
    await v.press('n');
    await v.waitFor((f) => !f.includes('Cancel "Guests of tier0"'));
    expect(phase(store)).toBe('running');
    await v.waitFor(/RTO 4h · 3 of 3 up[\s\S]*Enter: the next step/, 60_000);

    // tier1 starts; the operator quits while it restores (the panel cancels what runs, as q does).
    await v.press(KEY.enter);
    await v.waitFor(/\[Tier tier1\][\s\S]*Run this step\? \[y\/N\]/, 30_000);
    await v.press('y');
    await v.waitFor(() => restoring(store, 'tier:tier1').length > 0, 30_000);
    await store.getState().cancelAll();
    await closePanel();

    const again = await panel(stateDir);
    await openWizard(again.v);
    await again.v.waitFor(/resumed from the saved state/, 30_000);
    expect(stepId(again.store)).toBe('tier:tier1');
    await walkTo(again.store, again.v, null);
    const report = await again.v.waitFor('The rebuild is finished', 30_000);
    expect(report).toMatch(/✔ met +tier tier0: \S+ against 4h/);
    expect(report).toMatch(/✔ up, checked +vm\/100 +\d{4}-\d\d-\d\d \d\d:\d\dZ · \d+h lost/);
    const final = again.store.getState().rebuild!.state!;
    const guests = final.steps.flatMap((s) => s.guests ?? []);
    expect(guests).toHaveLength(11);
    expect(guests.every((g) => g.state === 'checked' || g.state === 'already-there')).toBe(true);
    // tier0 ran once: none of its guests was restored a second time after the resume.
    expect(final.steps.find((s) => s.id === 'tier:tier0')!.guests!.map((g) => g.attempts)).toEqual([1, 1, 1]);
    expect(Object.keys(lab.state.hosts['pve1-new']!.pve!.guests).sort()).toEqual(['100', '101', '102', '103', '104', '105', '110', '111', '120', '121', '122']);
    await again.v.press(KEY.enter);
    await again.v.waitFor('Plan read');
    expect(again.store.getState().rebuild).toBeNull();

    // A second rebuild over the rebuilt node (started as `strata dr run` would, from another shell):
    // the wizard resumes it, and a step whose check finds it done says so and runs nothing.
    const second = await session!.dr.start({ address: '127.0.0.1', port: lab.freshNode!.port });
    await second.close();
    await again.v.press(KEY.enter);
    await again.v.waitFor(/resumed from the saved state/, 30_000);
    const ranBefore = lab.state.hosts['pve1-new']!.pve!.tasks.length;
    const deadline = Date.now() + 60_000;
    while (stepId(again.store) !== 'host-config' && Date.now() < deadline) {
      const w = again.store.getState().rebuild!;
      if (w.phase.kind === 'trust') {
        await again.v.type(lab.freshNode!.fingerprint);
        await again.v.press(KEY.enter);
      } else if (w.phase.kind === 'review' || w.phase.kind === 'outcome') await again.v.press(KEY.enter);
      else await new Promise((r) => setTimeout(r, 50));
    }
    const found = await again.v.waitFor(/\[Host config\][\s\S]*✔ ALREADY DONE \(found done; nothing was run\)[\s\S]*Enter: the next step/, 30_000);
    expect(found).toContain('already holds the lost node\'s storages');
    expect(stepState(again.store, 'host-config')).toBe('already-done');
    expect(lab.state.hosts['pve1-new']!.pve!.tasks.length).toBe(ranBefore);
  }, 240_000);
});

// The other tests leave the guests restored: cancelling needs a lab where they are not.
describe('cancelling the rebuild on a fresh disaster lab', () => {
  useLab({ scenario: 'disaster', timeScale: 0.02 }, (l, _runners, inv) => ((lab = l), (inventory = inv)));

  it('y to "cancel?" stops the running tier: the step says so, nothing goes on by itself, and Enter checks it again and finishes it', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'strata-rebuild-'));
    const { store, v } = await panel(stateDir);
    await openWizard(v);
    await walkTo(store, v, 'tier:tier0');
    await v.press('y');
    await v.waitFor(() => restoring(store, 'tier:tier0').length > 0, 30_000);
    await v.press('q');
    await v.waitFor('Cancel "Guests of tier0"? y: stop it now');
    await v.press('y');
    const ended = await v.waitFor(/✖ FAILED|▲ BLOCKED/, 30_000);
    expect(phase(store)).toBe('outcome');
    expect(ended).toContain('Enter: check it again and retry once fixed');
    expect(stepState(store, 'tier:tier0')).not.toBe('done');
    // Nothing more is restored until the operator says so.
    const before = store.getState().rebuild!.state!.steps.find((s) => s.id === 'tier:tier0')!.guests!.map((g) => g.attempts);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(store.getState().rebuild!.state!.steps.find((s) => s.id === 'tier:tier0')!.guests!.map((g) => g.attempts)).toEqual(before);
    await v.press(KEY.enter);
    await v.waitFor(/Run this step\? \[y\/N\]|Enter: the next step/, 30_000);
    if (phase(store) === 'review') await v.press('y');
    await v.waitFor(/RTO 4h · 3 of 3 up[\s\S]*Enter: the next step/, 60_000);
    expect(stepState(store, 'tier:tier0')).toMatch(/done/);
  }, 180_000);
});

describe('a step that waits for the operator', () => {
  useLab({ scenario: 'disaster', timeScale: 0.02 }, (l, _runners, inv) => ((lab = l), (inventory = inv)));

  it('host config without config.db on the node is BLOCKED with what to do; once the file is there, Enter checks again and y runs it', async () => {
    const { store, v } = await panel(mkdtempSync(join(tmpdir(), 'strata-rebuild-')));
    await openWizard(v);
    await walkTo(store, v, 'host-config');
    const files = lab.state.hosts['pve1-new']!.fs.files;
    const staged = files['/root/strata-restore/config.db']!;
    delete files['/root/strata-restore/config.db'];
    await v.press('y');
    const blocked = await v.waitFor(/▲ BLOCKED[\s\S]*Enter: check it again and retry once fixed/, 30_000);
    expect(blocked).toMatch(/no config\.db at\s+\/root\/strata-restore\/config\.db/);
    expect(stepState(store, 'host-config')).toBe('blocked');
    // The operator puts the file there (from the off-site archive) and presses Enter: checked again, asked again.
    files['/root/strata-restore/config.db'] = staged;
    await v.press(KEY.enter);
    await v.waitFor(/Run this step\? \[y\/N\]/, 30_000);
    await v.press('y');
    await v.waitFor(/✔ DONE[\s\S]*Enter: the next step/, 30_000);
    expect(stepState(store, 'host-config')).toBe('done');
  }, 120_000);
});

describe('the network files side by side, and the other host configuration route', () => {
  useLab({ scenario: 'disaster', timeScale: 0.02 }, (l, _runners, inv) => ((lab = l), (inventory = inv)));

  it('the network step shows both interfaces files in two columns with the gone NIC marked; m on host config switches to the selected files, y copies them', async () => {
    const { store, v } = await panel(mkdtempSync(join(tmpdir(), 'strata-rebuild-')));
    await openWizard(v);
    await walkTo(store, v, 'network');
    await v.press(KEY.enter);
    const net = await v.waitFor(/Enter: the next step/, 30_000);
    expect(net).toMatch(/archived \/root\/strata-restore\/etc\/ne… *│ \/etc\/network\/interfaces now/);
    await v.press('\x1b[6~');
    expect(await v.waitFor(/lines (?!1-)\d+-\d+ of \d+/)).toMatch(/▲ +bridge-ports eno1 +│ +bridge-ports enp5s0/);
    expect(v.widest()).toBeLessThanOrEqual(80);
    await v.press(KEY.enter);
    const asked = await v.waitFor(/Run this step\? \[y\/N\]/, 30_000);
    expect(asked).toMatch(/m: the other\s+route \(selected files\)/);
    await v.press('m');
    const files = await v.waitFor(/Host configuration: selected files/, 30_000);
    expect(files).toContain('Run this step? [y/N]');
    expect(store.getState().rebuild!.state!.hostConfigRoute).toBe('files');
    await v.press('y');
    await v.waitFor(/✔ DONE[\s\S]*Enter: the next step/, 30_000);
    const node = lab.state.hosts['pve1-new']!;
    expect(node.pve!.pmxcfsStopped).not.toBe(true);
    expect(Object.keys(node.pve!.storages)).toContain('pbs1');
    // Done: the route is fixed, m says why it does nothing.
    await v.press('m');
    await v.waitFor('only on the host configuration step, before it runs');
  }, 120_000);
});

// The chains step stands after tier1 (vm/111 of tier2 needs it): walking to it restores tier0
// and tier1, which the tier test above needs unrestored.
describe('the chains step on a fresh disaster lab', () => {
  useLab({ scenario: 'disaster', timeScale: 0.02 }, (l, _runners, inv) => ((lab = l), (inventory = inv)));

  it('the chains step lists the chain\'s seven phases before it runs, asks y/N, shows restic\'s output while it runs and every phase ticked at the end', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'strata-rebuild-'));
    const { store, v } = await panel(stateDir);
    await openWizard(v);
    await walkTo(store, v, 'chains');
    const review = await v.waitFor(/\[Chains\][\s\S]*Run this step\? \[y\/N\]/, 30_000);
    expect(review).toContain('▲ WRITES to the new node · not run yet');
    // Scrolled down to the chain: its phases, none done yet.
    const phases = await scrollUntil(v, /· 7\. added to the new node/);
    expect(phases).toMatch(/restic-cloud → usb-restored on pbs2 \(pbs-local's datastore, for vm\/111\): PENDING/);
    expect(phases).toMatch(/· 1\. restic installed on the PBS host/);
    await v.press('y');
    const done = await v.waitFor(/✔ DONE[\s\S]*Enter: the next step/, 60_000);
    expect(done).toMatch(/newest output/);
    expect(store.getState().rebuild!.log.slice(0, store.getState().rebuild!.log.length).map((l) => l.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^restoring <Snapshot [0-9a-f]{8} of \[\/mnt\/usb\/pbs\]/)]));
    const ticked = await scrollUntil(v, /✔ 7\. added to the new node/);
    expect(ticked).toMatch(/✔ 3\. restic restore of the directory/);
    expect(v.widest()).toBeLessThanOrEqual(80);
    expect(stepState(store, 'chains')).toBe('done');
  }, 180_000);
});
