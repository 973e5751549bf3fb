/**
 * The rebuild as resumable steps (issue 14 §2). Every step checks first
 * whether it is done (then it is `already-done` and runs nothing), steps
 * that write need the operator's yes, and the state is saved after every
 * change, so a dropped session or a killed process resumes where it
 * stopped: a step left `running` is checked again, and a guest whose
 * restore was cut off is restored again over the stub it left (only a guest
 * this rebuild started restoring; any other guest found there is left be).
 */
import { clusterResourcesCommand, parseGuests, type PveGuest } from '../../adapters/pve/index.js';
import { parseStorageConfig, storageConfigCommand } from '../../adapters/pve/storage-config.js';
import { longestFirst } from '../../domain/dr/plan.js';
import { errorText } from '../../domain/error-text.js';
import { asPbs } from '../../domain/layer-kinds/dr.js';
import type { HostFile } from '../../domain/inventory-file.js';
import type { Inventory } from '../../domain/inventory.js';
import type { ActionOutcome, ActionPlan, OutputLine } from '../../kinds/action-types.js';
import { findPbsStorage } from '../../kinds/pbs/storage-entry.js';
import type { Command } from '../../transport/command.js';
import { knownHostsLine, scanHostKey, type OfferedHostKey } from '../../transport/index.js';
import type { Runner } from '../../transport/runner.js';
import type { RestoreEngine } from '../restore/api.js';
import { DrError, type ChainRun, type GuestRun, type HostConfigRoute, type HostKeyOffer, type Rebuild, type RebuildEvent, type RebuildState, type RebuildStep, type RebuildStepId, type SideBySide, type StepRunOptions } from './api.js';
import { chainInPlace, restoredLayers, runChain, type ChainContext } from './rebuild-chain.js';
import { addKnownHost, saveRebuild } from './rebuild-file.js';
import { checkIdentity, hostConfigBack, restoreHostConfig, showNetwork, type HostStepContext } from './rebuild-host.js';
import { readSecretValue } from './rebuild-secrets.js';
import { ensurePbsStorage, pbsStorageActive, pbsStorageFound, type NodeAccess } from './rebuild-pbs.js';
import { authIdOf, datastoreOf, hostConfigCommands, hostConfigTitle, pbsServerFor, type PbsLayer } from './rebuild-steps.js';

/** What the rebuild reaches the new node through: the inventory with the lost host's address, port and known_hosts replaced. */
export interface RebuiltServices {
  readonly restore: RestoreEngine;
  runner(host: string): Runner;
  execute(plan: ActionPlan, io: { readonly signal: AbortSignal; readonly onOutput: (line: OutputLine) => void }): Promise<ActionOutcome>;
  close(): Promise<void>;
}

export interface RebuildDeps {
  readonly inventory: Inventory;
  readonly statePath: string;
  readonly knownHostsPath: string;
  rebuiltServices(inventory: Inventory): RebuiltServices;
  /** A surviving host's runner (a PBS secret is read there to hand to pvesm). */
  runnerFor(host: string): Runner;
  lookupEnv(name: string): string | undefined;
  /** Writes the rebuild's report into the journal. */
  journalReport(state: RebuildState): Promise<void>;
  nowSec(): number;
  readonly readOnly: boolean;
}

const PROBE_MS = 30_000;
const KEYSCAN_MS = 10_000;

/**
 * The inventory as the rebuild sees it: the lost host is the new node, trusted
 * through the rebuild's known_hosts; each finished chain's datastore is a PBS
 * layer (`<origin>-restored`) its guests are restored from.
 */
export function rebuiltInventory(inventory: Inventory, state: RebuildState, knownHostsPath: string): Inventory {
  const hosts = inventory.hosts.map((h): HostFile => {
    if (h.name !== state.lost.host) return h;
    const { hostKeyFingerprint: _old, ...rest } = h;
    return { ...rest, address: state.target.address, port: state.target.port, knownHostsFile: knownHostsPath };
  });
  return { ...inventory, hosts, layers: [...inventory.layers, ...restoredLayers(inventory, state)] };
}

const normalFp = (fp: string) => fp.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');

export class RebuildRun implements Rebuild {
  private current: RebuildState;
  private services: RebuiltServices | undefined;
  /** The restored layers the services were made with: a chain finishing makes them again. */
  private servicesLayers = '';
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: RebuildDeps,
    state: RebuildState,
  ) {
    this.current = state;
  }

  state(): RebuildState {
    return this.current;
  }

  next(): RebuildStep | null {
    return this.current.steps.find((s) => s.state !== 'done' && s.state !== 'already-done') ?? null;
  }

  async offeredHostKey(): Promise<HostKeyOffer> {
    const k = await this.scan();
    return { fingerprint: k.fingerprint, keyType: k.keyType };
  }

  private scan(): Promise<OfferedHostKey> {
    const t = this.current.target;
    return scanHostKey({ name: this.current.lost.host, address: t.address, port: t.port, timeoutMs: KEYSCAN_MS });
  }

  async chooseHostConfigRoute(route: HostConfigRoute): Promise<RebuildStep> {
    const step = this.stepOf('host-config');
    if (step.state === 'done' || step.state === 'already-done') throw new DrError('already-done', `the host configuration is back already (${step.detail}): the route cannot change now`);
    if (step.state === 'running') throw new DrError('out-of-order', 'the host configuration step is running');
    this.current = { ...this.current, hostConfigRoute: route };
    return this.update('host-config', { title: hostConfigTitle(route), commands: hostConfigCommands(this.deps.inventory, this.current.lost.host, this.current.configDbPath, route), detail: '' });
  }

  private route(): HostConfigRoute {
    return this.current.hostConfigRoute ?? 'config-db';
  }

  async close(): Promise<void> {
    await this.saving;
    await this.services?.close();
    this.services = undefined;
  }

  // -------------------------------------------------------------------------
  // State

  private stepOf(id: RebuildStepId): RebuildStep {
    const s = this.current.steps.find((x) => x.id === id);
    if (!s) throw new DrError('unknown-step', `no step ${id} in this rebuild (${this.current.steps.map((x) => x.id).join(', ')})`);
    return s;
  }

  private async update(id: RebuildStepId, change: Partial<RebuildStep>, onEvent?: StepRunOptions['onEvent']): Promise<RebuildStep> {
    const steps = this.current.steps.map((s) => (s.id === id ? { ...s, ...change } : s));
    const finished = steps.every((s) => s.state === 'done' || s.state === 'already-done');
    this.current = { ...this.current, steps, updatedAtSec: this.deps.nowSec(), finishedAtSec: finished ? (this.current.finishedAtSec ?? this.deps.nowSec()) : null };
    await this.persist();
    const step = this.stepOf(id);
    onEvent?.({ type: 'step', step });
    return step;
  }

  private async updateGuest(stepId: RebuildStepId, assetId: string, change: Partial<GuestRun>, onEvent?: StepRunOptions['onEvent']): Promise<void> {
    const steps = this.current.steps.map((s) => (s.id === stepId ? { ...s, guests: (s.guests ?? []).map((g) => (g.assetId === assetId ? { ...g, ...change } : g)) } : s));
    this.current = { ...this.current, steps, updatedAtSec: this.deps.nowSec() };
    await this.persist();
    const guest = this.stepOf(stepId).guests!.find((g) => g.assetId === assetId)!;
    onEvent?.({ type: 'guest', stepId, guest });
  }

  /** Saves in order: parallel guests each save, and the last write is the newest state. */
  private persist(): Promise<void> {
    const snapshot = this.current;
    this.saving = this.saving.then(() => saveRebuild(this.deps.statePath, snapshot));
    return this.saving;
  }

  private node(): Runner {
    return this.rebuilt().runner(this.current.lost.host);
  }

  private rebuilt(): RebuiltServices {
    const layers = restoredLayers(this.deps.inventory, this.current).map((l) => l.id).join(',');
    if (this.services && layers !== this.servicesLayers) {
      // Nothing runs through the old ones between steps: closing them in the background loses nothing.
      this.services.close().catch(() => undefined);
      this.services = undefined;
    }
    this.servicesLayers = layers;
    this.services ??= this.deps.rebuiltServices(rebuiltInventory(this.deps.inventory, this.current, this.deps.knownHostsPath));
    return this.services;
  }

  private async onNode(cmd: Command): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    return this.node().run({ ...cmd, timeoutMs: cmd.timeoutMs ?? PROBE_MS });
  }

  /** Runs the commands through the journaling executor as one action. */
  private async execute(id: RebuildStepId, title: string, commands: readonly { command: Command; description: string; host?: string }[], opts: StepRunOptions): Promise<ActionOutcome> {
    const plan: ActionPlan = {
      id: `dr-${this.current.id.slice(0, 8)}-${id.replace(/[^a-z0-9]+/gi, '-')}-${Date.now().toString(36)}`,
      request: { kind: 'dr', layerId: '', },
      title: `DR rebuild of ${this.current.lost.node}: ${title}`,
      steps: commands.map((c) => ({ host: c.host ?? this.current.lost.host, command: c.command, description: c.description })),
      changesHost: true,
      affectedLayers: [],
    };
    return this.rebuilt().execute(plan, { signal: opts.signal ?? new AbortController().signal, onOutput: (line) => opts.onEvent?.({ type: 'output', stepId: id, line }) });
  }

  // -------------------------------------------------------------------------
  // Checks and runs

  async check(id: RebuildStepId): Promise<RebuildStep> {
    const step = this.stepOf(id);
    if (step.state === 'done' || step.state === 'already-done') return step;
    this.inOrder(id);
    const found = await this.isDone(id);
    if (found.done) return this.update(id, { state: 'already-done', detail: found.detail });
    return step.detail === found.detail ? step : this.update(id, { detail: found.detail });
  }

  async run(id: RebuildStepId, opts: StepRunOptions = {}): Promise<RebuildStep> {
    const step = this.stepOf(id);
    if (step.state === 'done' || step.state === 'already-done') return step;
    this.inOrder(id);
    if (this.deps.readOnly && step.writes) throw new DrError('read-only', 'read-only mode: the rebuild changes the new node');
    if (id === 'node') return this.runNode(opts);
    const found = await this.isDone(id);
    if (found.done) return this.update(id, { state: 'already-done', detail: found.detail }, opts.onEvent);
    if (step.writes && !opts.confirm) throw new DrError('confirmation-required', `step ${id} changes the new node: confirm it first`);
    await this.update(id, { state: 'running', startedAtSec: this.deps.nowSec(), runs: step.runs + 1, detail: 'running' }, opts.onEvent);
    try {
      const r = await this.perform(id, opts);
      return this.update(id, { state: r.state, detail: r.detail, ...(r.compare ? { compare: r.compare } : {}), endedAtSec: this.deps.nowSec() }, opts.onEvent);
    } catch (e) {
      return this.update(id, { state: 'failed', detail: errorText(e), endedAtSec: this.deps.nowSec() }, opts.onEvent);
    }
  }

  private inOrder(id: RebuildStepId): void {
    for (const s of this.current.steps) {
      if (s.id === id) return;
      if (s.state !== 'done' && s.state !== 'already-done') throw new DrError('out-of-order', `step ${s.id} (${s.title}) is not done yet`);
    }
  }

  private async isDone(id: RebuildStepId): Promise<{ done: boolean; detail: string }> {
    if (id === 'node') return this.nodeTrusted();
    if (id === 'identity' || id === 'network') return { done: false, detail: '' };
    if (id === 'host-config') return hostConfigBack(this.host());
    if (id === 'storage') return this.storagesThere();
    if (id === 'chains') return this.chainsNeeded();
    if (id.startsWith('tier:')) return this.tierUp(id);
    return { done: false, detail: '' };
  }

  private async perform(id: RebuildStepId, opts: StepRunOptions): Promise<{ state: RebuildStep['state']; detail: string; compare?: SideBySide }> {
    if (id === 'identity') return checkIdentity(this.host());
    if (id === 'network') return showNetwork(this.host());
    if (id === 'host-config') return restoreHostConfig(this.host(), this.route(), opts);
    if (id === 'storage') return this.addStorage(opts);
    if (id === 'chains') return this.runChains(opts);
    if (id.startsWith('tier:')) return this.restoreTier(id, opts);
    if (id === 'report') {
      await this.deps.journalReport(this.current);
      return { state: 'done', detail: 'the report is in the journal; strata dr report --markdown prints it' };
    }
    throw new DrError('unknown-step', `no step ${id}`);
  }

  // node ----------------------------------------------------------------------

  private async nodeTrusted(): Promise<{ done: boolean; detail: string }> {
    if (this.current.target.hostKeyFingerprint === null) return { done: false, detail: '' };
    try {
      const r = await this.onNode({ argv: ['hostname'] });
      return { done: r.exitCode === 0, detail: `the new node answers with the trusted key ${this.current.target.hostKeyFingerprint}` };
    } catch (e) {
      return { done: false, detail: errorText(e) };
    }
  }

  private async runNode(opts: StepRunOptions): Promise<RebuildStep> {
    const found = await this.nodeTrusted();
    if (found.done) return this.update('node', { state: 'already-done', detail: found.detail }, opts.onEvent);
    let offered: OfferedHostKey;
    try {
      offered = await this.scan();
    } catch (e) {
      return this.update('node', { state: 'failed', detail: `the new node does not answer: ${errorText(e)}`, runs: this.stepOf('node').runs + 1 }, opts.onEvent);
    }
    if (opts.typedFingerprint === undefined) throw new DrError('confirmation-required', `compare the new node's host key on its console and type it: it offers ${offered.fingerprint} (${offered.keyType})`);
    if (normalFp(opts.typedFingerprint) !== normalFp(offered.fingerprint)) {
      throw new DrError('fingerprint-mismatch', `the typed fingerprint ${opts.typedFingerprint.trim()} is not the one the node offers (${offered.fingerprint}): nothing was trusted`);
    }
    const t = this.current.target;
    await addKnownHost(this.deps.knownHostsPath, knownHostsLine(t.address, t.port, offered));
    this.current = { ...this.current, target: { ...t, hostKeyFingerprint: offered.fingerprint } };
    await this.services?.close();
    this.services = undefined;
    const runs = this.stepOf('node').runs + 1;
    try {
      const r = await this.onNode({ argv: ['hostname'] });
      if (r.exitCode !== 0) throw new Error(r.stderr.trim() || `hostname exited ${r.exitCode}`);
    } catch (e) {
      return this.update('node', { state: 'failed', detail: `trusted ${offered.fingerprint}, but Strata could not log in: ${errorText(e)}`, runs }, opts.onEvent);
    }
    return this.update('node', { state: 'done', detail: `trusted ${offered.fingerprint} (${offered.keyType}), written to ${this.deps.knownHostsPath}; pin it in the inventory (hostKeyFingerprint of host ${this.current.lost.host}) once the rebuild is done`, runs, startedAtSec: this.deps.nowSec(), endedAtSec: this.deps.nowSec() }, opts.onEvent);
  }

  // identity, network, host-config: src/services/dr/rebuild-host.ts -----------

  private host(): HostStepContext {
    return { state: () => this.current, onNode: (cmd) => this.onNode(cmd), execute: (title, commands, opts) => this.execute('host-config', title, commands, opts) };
  }

  // storage -------------------------------------------------------------------

  private pbsLayers(): PbsLayer[] {
    return this.current.pbs.flatMap((p) => asPbs(this.deps.inventory.layers.find((l) => l.id === p.layerId)) ?? []);
  }

  private storageActive(id: string): Promise<boolean> {
    return pbsStorageActive({ run: (cmd) => this.onNode(cmd) }, id);
  }

  private nodeAccess(opts: StepRunOptions): NodeAccess {
    return { run: (cmd) => this.onNode(cmd), execute: (title, commands) => this.execute('storage', title, commands, opts) };
  }

  private async storagesThere(): Promise<{ done: boolean; detail: string }> {
    const layers = this.pbsLayers();
    if (layers.length === 0) return { done: false, detail: 'no surviving PBS to add' };
    const found = await Promise.all(layers.map((l) => pbsStorageFound({ run: (cmd) => this.onNode(cmd) }, l.id)));
    if (found.every((f) => f.state === 'active')) return { done: true, detail: `${layers.map((l) => l.id).join(', ')} already active on the node` };
    // Say what a stopped run left; a storage not added yet needs no word.
    return { done: false, detail: found.filter((f) => f.state !== 'active' && f.state !== 'absent').map((f) => f.text).join('; ') };
  }

  private async secretOf(layer: PbsLayer): Promise<string> {
    const ref = layer.secret;
    if (!ref) throw new Error(`${layer.id} names no secret: pvesm add pbs needs the password or token secret of ${authIdOf(layer.repository) ?? 'its user'}`);
    return readSecretValue(this.deps, ref, layer.host, `the secret of ${layer.id}`);
  }

  /** The key file the restored configuration keeps for the storage that reached the PBS this one copies. */
  private async keyFileFor(layer: PbsLayer): Promise<string | undefined> {
    const r = await this.onNode(storageConfigCommand());
    const entries = parseStorageConfig(r.stdout, r.stderr, r.exitCode);
    if (!entries.ok) return undefined;
    for (const originId of [layer.id, ...(layer.copyOf ?? [])]) {
      const origin = asPbs(this.deps.inventory.layers.find((l) => l.id === originId));
      if (!origin) continue;
      const m = findPbsStorage(entries.value, origin, this.deps.inventory.hosts, this.current.lost.node);
      if (!m.entry) continue;
      const path = `/etc/pve/priv/storage/${m.entry.id}.enc`;
      if ((await this.onNode({ argv: ['stat', '-c', '%s', path] })).exitCode === 0) return path;
    }
    return undefined;
  }

  private async addStorage(opts: StepRunOptions): Promise<{ state: RebuildStep['state']; detail: string }> {
    const notes: string[] = [];
    for (const layer of this.pbsLayers()) {
      if (await this.storageActive(layer.id)) {
        notes.push(`${layer.id} was already active`);
        continue;
      }
      const fp = this.current.pbs.find((p) => p.layerId === layer.id)?.fingerprint ?? layer.fingerprint;
      if (!fp) return { state: 'blocked', detail: `no certificate fingerprint for ${layer.host}: read it there with proxmox-backup-manager cert info and pin it in the inventory (${layer.id}.fingerprint), then run this step again` };
      const keyFile = await this.keyFileFor(layer);
      const spec = { id: layer.id, server: pbsServerFor(layer), datastore: datastoreOf(layer), username: authIdOf(layer.repository) ?? 'root@pam', fingerprint: fp, ...(layer.namespace ? { namespace: layer.namespace } : {}), ...(keyFile ? { keyFile } : {}) };
      const r = await ensurePbsStorage(this.nodeAccess(opts), spec, () => this.secretOf(layer));
      if (!r.ok) return { state: 'failed', detail: `pvesm add pbs ${layer.id}: ${r.detail}` };
      notes.push(`${r.detail} (${fp.slice(0, 11)}...)${keyFile ? ` with the encryption key ${keyFile}` : ' without an encryption key file (the restored configuration has none for it)'}`);
    }
    const pools = await this.onNode({ argv: ['zpool', 'import'] });
    const names = [...pools.stdout.matchAll(/^\s*pool:\s*(\S+)/gm)].map((m) => m[1]!);
    for (const pool of names) {
      const out = await this.execute('storage', `zpool import ${pool}`, [{ command: { argv: ['zpool', 'import', pool] }, description: `import the pool ${pool} that survived` }], opts);
      if (out.state !== 'ok') return { state: 'failed', detail: `zpool import ${pool}: ${out.summary}` };
    }
    notes.push(names.length > 0 ? `pools imported: ${names.join(', ')}` : 'no pool to import');
    return { state: 'done', detail: notes.join('; ') };
  }

  // chains --------------------------------------------------------------------

  /** Guests whose chain Strata does not run (an rclone copy, no PBS survives): shown, done by hand. */
  private byHand(): string[] {
    return this.current.steps.flatMap((s) => (s.guests ?? []).filter((g) => g.state === 'no-source' && /chain/.test(g.detail)).map((g) => g.assetId));
  }

  private chainContext(opts: StepRunOptions): ChainContext {
    return {
      inventory: this.deps.inventory,
      node: this.current.lost.host,
      pbs: this.current.pbs,
      runner: (host) => this.rebuilt().runner(host),
      execute: (host, title, commands) => this.execute('chains', title, commands.map((c) => ({ ...c, host })), opts),
      readSecret: (ref, host, what) => readSecretValue(this.deps, ref, host, what),
      lookupEnv: (name) => this.deps.lookupEnv(name),
      nowSec: () => this.deps.nowSec(),
      keyFileFor: (origin) => this.keyFileFor(origin),
      save: (chain) => this.updateChain(chain, opts.onEvent),
    };
  }

  private async updateChain(chain: ChainRun, onEvent?: StepRunOptions['onEvent']): Promise<void> {
    this.current = { ...this.current, chains: (this.current.chains ?? []).map((c) => (c.id === chain.id ? chain : c)), updatedAtSec: this.deps.nowSec() };
    await this.persist();
    onEvent?.({ type: 'chain', stepId: 'chains', chain });
    const step = this.stepOf('chains');
    if (step.state === 'running' && chain.detail !== '') await this.update('chains', { detail: `${chain.id}: ${chain.detail}` }, onEvent);
  }

  private async chainsNeeded(): Promise<{ done: boolean; detail: string }> {
    const hand = this.byHand();
    if (hand.length > 0) return { done: false, detail: `${hand.join(', ')} need a chain Strata does not run` };
    const chains = this.current.chains ?? [];
    if (chains.length === 0) return { done: true, detail: 'no guest needs a chain: each comes back directly from a surviving PBS' };
    const ctx = this.chainContext({});
    for (const c of chains) {
      if (c.state === 'done') continue;
      if (!(await chainInPlace(ctx, c))) return { done: false, detail: `${chains.filter((x) => x.state !== 'done').map((x) => `${x.name} on ${x.host}`).join(', ')} to restore from ${[...new Set(chains.map((x) => x.copyLayerId))].join(', ')}` };
      await this.updateChain({ ...c, state: 'done', reached: 'storage', detail: `${c.name} is on ${c.host} and active on the node already: nothing run` });
    }
    return { done: true, detail: this.chainsDetail() };
  }

  private chainsDetail(): string {
    return (this.current.chains ?? []).map((c) => `${c.name} on ${c.host} from ${c.copyLayerId}${c.snapshot ? ` (snapshot ${c.snapshot.id.slice(0, 8)})` : ''} for ${c.guests.join(', ')}`).join('; ');
  }

  private async runChains(opts: StepRunOptions): Promise<{ state: RebuildStep['state']; detail: string }> {
    const ctx = this.chainContext(opts);
    for (const c of this.current.chains ?? []) {
      if (c.state === 'done') continue;
      const r = await runChain(ctx, c);
      if (r.state !== 'done') return { state: r.state, detail: `${c.id}: ${r.detail}` };
    }
    const hand = this.byHand();
    if (hand.length > 0) return { state: 'blocked', detail: `${hand.join(', ')} need a chain Strata does not run (an rclone copy, or no PBS survives to restore onto): do the chain commands shown by hand, then resume` };
    return { state: 'done', detail: this.chainsDetail() };
  }

  // guests by tier --------------------------------------------------------------

  private async guestsOnNode(): Promise<PveGuest[]> {
    const r = await this.onNode(clusterResourcesCommand());
    const parsed = parseGuests(r.stdout, r.stderr, r.exitCode);
    if (!parsed.ok) throw new Error(`the guests of the new node could not be read: ${parsed.error.message}`);
    return parsed.value;
  }

  private async tierUp(id: RebuildStepId): Promise<{ done: boolean; detail: string }> {
    const guests = this.stepOf(id).guests ?? [];
    const live = await this.guestsOnNode();
    const up = guests.filter((g) => g.state === 'checked' || (g.state === 'pending' && live.some((x) => x.vmid === g.vmid && x.status === 'running' && !x.lock)));
    return up.length === guests.length && guests.length > 0 && guests.every((g) => g.state === 'checked') ? { done: true, detail: `${guests.length} guests restored and checked` } : { done: false, detail: '' };
  }

  private async restoreTier(id: RebuildStepId, opts: StepRunOptions): Promise<{ state: RebuildStep['state']; detail: string }> {
    const step = this.stepOf(id);
    const live = await this.guestsOnNode();
    const todo: GuestRun[] = [];
    for (const g of step.guests ?? []) {
      if (g.state === 'checked' || g.state === 'already-there' || g.state === 'no-source') continue;
      const there = live.find((x) => x.vmid === g.vmid);
      // Running and unlocked before this rebuild touched it: someone else's guest, or one restored earlier by hand.
      if (there && g.attempts === 0 && there.status === 'running' && !there.lock) {
        await this.updateGuest(id, g.assetId, { state: 'already-there', detail: `${g.type === 'lxc' ? 'CT' : 'VM'} ${g.vmid} already runs on the node: not restored`, endedAtSec: this.deps.nowSec() }, opts.onEvent);
        continue;
      }
      todo.push(g);
    }
    // One queue per target storage, each with its bound: tiers restore in parallel, never more than the storage takes.
    const byStorage = new Map<string, GuestRun[]>();
    for (const g of longestFirst(todo, (x) => x.expectedSeconds)) byStorage.set(g.storage, [...(byStorage.get(g.storage) ?? []), g]);
    await Promise.all(
      [...byStorage.values()].map(async (queue) => {
        const workers = Array.from({ length: Math.min(this.current.parallelPerStorage, queue.length) }, async () => {
          for (let g = queue.shift(); g; g = queue.shift()) {
            if (opts.signal?.aborted) return;
            await this.restoreGuest(id, g, live.some((x) => x.vmid === g.vmid), opts);
          }
        });
        await Promise.all(workers);
      }),
    );
    const after = this.stepOf(id).guests ?? [];
    const bad = after.filter((g) => g.state !== 'checked' && g.state !== 'already-there');
    if (bad.length === 0) return { state: 'done', detail: `${after.length} guests up and checked` };
    return { state: bad.every((g) => g.state === 'no-source') ? 'blocked' : 'failed', detail: bad.map((g) => `${g.assetId}: ${g.state}${g.detail ? ` (${g.detail})` : ''}`).join('; ') };
  }

  /** A chain's guest: the newest point of it in the datastore the chain restored (kept once chosen). */
  private async chainSource(stepId: RebuildStepId, g: GuestRun, opts: StepRunOptions): Promise<GuestRun> {
    if (!g.chainId || g.sourceId) return g;
    const chain = (this.current.chains ?? []).find((c) => c.id === g.chainId);
    if (chain?.state !== 'done') throw new Error(`the chain ${g.chainId} is not done: run the chains step first`);
    const list = await this.rebuilt().restore.sources({ assetId: g.assetId, layerId: chain.restoredLayerId });
    const s = list.sources[0];
    if (!s) {
      const why = list.unreadable.find((u) => u.layerId === chain.restoredLayerId)?.reason;
      throw new Error(`${chain.name} on ${chain.host} holds no point of ${g.assetId}${why ? ` (${why})` : ''}`);
    }
    await this.updateGuest(stepId, g.assetId, { sourceId: s.id, pointTimeSec: s.point.timeSec, detail: `newest point in ${chain.name}: ${s.point.ref}` }, opts.onEvent);
    return { ...g, sourceId: s.id, pointTimeSec: s.point.timeSec };
  }

  private async restoreGuest(stepId: RebuildStepId, guest: GuestRun, exists: boolean, opts: StepRunOptions): Promise<void> {
    const restore = this.rebuilt().restore;
    let g = guest;
    try {
      g = await this.chainSource(stepId, guest, opts);
    } catch (e) {
      await this.updateGuest(stepId, g.assetId, { state: 'failed', detail: errorText(e), endedAtSec: this.deps.nowSec() }, opts.onEvent);
      return;
    }
    const at = g.sourceId!.indexOf('@');
    const layerId = g.sourceId!.slice(0, at);
    await this.updateGuest(stepId, g.assetId, { state: 'restoring', detail: exists ? 'restoring again over what an interrupted restore left' : 'restoring', startedAtSec: this.deps.nowSec(), attempts: g.attempts + 1 }, opts.onEvent);
    try {
      const plan = await restore.plan({ assetId: g.assetId, sourceId: g.sourceId!, target: exists ? { kind: 'original' } : { kind: 'new', vmid: g.vmid }, storage: g.storage, start: true, unique: false });
      if (!plan.ready) throw new Error(plan.preflight.filter((p) => p.state === 'failed').map((p) => `${p.label}: ${p.detail}`).join('; ') || 'the restore plan is not ready');
      const result = await restore.run(plan, {
        ...(plan.confirmWord !== null ? { confirm: plan.confirmWord } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        onEvent: (e) => {
          if (e.type === 'output') opts.onEvent?.({ type: 'output', stepId, assetId: g.assetId, line: e.line });
          if (e.type === 'progress') opts.onEvent?.({ type: 'progress', stepId, assetId: g.assetId, percent: e.progress.percent, etaSeconds: e.etaSeconds });
        },
      });
      const state: GuestRun['state'] = result.state === 'restored' ? 'checked' : result.state === 'check-failed' ? 'check-failed' : 'failed';
      await this.updateGuest(stepId, g.assetId, { state, detail: `${result.summary}${result.leftover ? `; ${result.leftover}` : ''}`, endedAtSec: this.deps.nowSec(), ...(result.restoreSeconds !== null ? { restoreSeconds: result.restoreSeconds } : {}) }, opts.onEvent);
    } catch (e) {
      await this.updateGuest(stepId, g.assetId, { state: 'failed', detail: `${layerId}: ${errorText(e)}`, endedAtSec: this.deps.nowSec() }, opts.onEvent);
    }
  }
}

export type { RebuildEvent };
