/**
 * A chain (chain-commands.md; issue 14 §2.6): the datastore directory of a
 * lost PBS restored from a copy (restic, rclone: the copy's kind says how,
 * src/kinds/<kind>/chain.ts) onto a surviving PBS host H, added there as a
 * datastore the surviving token may read, and added to the new node as a
 * PBS storage; the tier steps then restore its guests from it. Every phase
 * checks first whether it is done and the chain is saved after each, so a
 * resume goes on where it stopped. A restore this rebuild started and did
 * not see end is run again into the same directory (the tool writes over
 * what it finds): a half-written `.chunks` is no proof of anything.
 */
import { aclGrants, aclListCommand, aclUpdateCommand, datastoreCreateCommand, datastorePath, parseAclList } from '../../adapters/pbs/datastore-admin.js';
import { datastoreListCommand, parseDatastoreList } from '../../adapters/pbs/dr-facts.js';
import { parseAssetId } from '../../domain/asset-id.js';
import type { DrPlan } from '../../domain/dr/types.js';
import { errorText } from '../../domain/error-text.js';
import type { SecretRef } from '../../domain/inventory-file.js';
import type { Inventory, Layer } from '../../domain/inventory.js';
import { asPbs, pbsDatastore, type PbsLayer } from '../../domain/layer-kinds/dr.js';
import type { ActionOutcome } from '../../kinds/action-types.js';
import type { ChainRule, ChainTarget } from '../../kinds/chain-rule.js';
import { specOf } from '../../kinds/registry.js';
import type { Command } from '../../transport/command.js';
import type { Runner } from '../../transport/runner.js';
import { describeCommand } from '../../transport/shell-script.js';
import { CHAIN_PHASES, type ChainPhase, type ChainRun, type RebuildCommand, type RebuildState } from './api.js';
import { addPbsCommands, authIdOf, ensurePbsStorage, pbsServerFor, pbsStorageActive } from './rebuild-pbs.js';

const PROBE_MS = 30_000;
/** The role the surviving token gets on the restored datastore: it reads, as the node and Strata need. */
export const CHAIN_ROLE = 'DatastoreReader';
export const CHAIN_DIR_PREFIX = '/mnt/datastore/strata-';

/** What a chain's phases need from the rebuild: hosts to run on, the journaling executor, secrets and the save. */
export interface ChainContext {
  readonly inventory: Inventory;
  /** Inventory name of the new node. */
  readonly node: string;
  readonly pbs: RebuildState['pbs'];
  runner(host: string): Runner;
  /** Runs the commands as one journaled action on `host`, output lines as events. */
  execute(host: string, title: string, commands: readonly { command: Command; description: string }[]): Promise<ActionOutcome>;
  readSecret(ref: SecretRef, host: string, what: string): Promise<string>;
  lookupEnv(name: string): string | undefined;
  nowSec(): number;
  /** The encryption key file the restored configuration keeps for the lost PBS's storage, if any. */
  keyFileFor(origin: PbsLayer): Promise<string | undefined>;
  /** Saves the chain's new state (and tells the listener). */
  save(chain: ChainRun): Promise<void>;
}

/** The chain rule of a layer's kind, for the layer whose kind selected it. */
const ruleOf = (l: Layer | undefined): ChainRule<Layer['kind']> | undefined => (l ? (specOf(l.kind)?.chain as ChainRule<Layer['kind']> | undefined) : undefined);

const after = (a: ChainPhase | null, b: ChainPhase) => a !== null && CHAIN_PHASES.indexOf(a) >= CHAIN_PHASES.indexOf(b);

// ---------------------------------------------------------------------------
// Made from the plan

/**
 * The chains the plan's chosen paths need, one per copy and origin: onto the
 * host of the first surviving PBS layer, through copies whose kind has a
 * chain rule; none without a surviving PBS to restore onto.
 */
export function chainsFromPlan(plan: DrPlan, inventory: Inventory, pbs: RebuildState['pbs']): ChainRun[] {
  const onto = pbs[0];
  if (!onto) return [];
  const out = new Map<string, ChainRun>();
  for (const g of plan.guests) {
    const p = g.path;
    if (p?.kind !== 'chain') continue;
    const copy = inventory.layers.find((l) => l.id === p.layerId);
    const originId = p.via[0];
    const origin = asPbs(inventory.layers.find((l) => l.id === originId));
    const rule = ruleOf(copy);
    if (!copy || !rule || !origin) continue;
    const id = `${copy.id}:${origin.id}`;
    const have = out.get(id);
    if (have) {
      out.set(id, { ...have, guests: [...have.guests, g.assetId] });
      continue;
    }
    const carriedPath = carriedPathOf(copy, p.point.ref);
    const cold = p.steps.some((x) => x.kind === 'thaw');
    if (carriedPath === null) continue;
    const dir = `${CHAIN_DIR_PREFIX}${origin.id}`;
    out.set(id, {
      id,
      copyLayerId: copy.id,
      copyKind: copy.kind,
      words: { tool: rule.tool, ...rule.words(copy, cold) },
      copyHost: copy.host,
      cold,
      thaw: null,
      originLayerId: origin.id,
      carriedPath,
      host: onto.host,
      pbsLayerId: onto.layerId,
      name: `${pbsDatastore(origin)}-restored`,
      dir,
      store: `${dir}${carriedPath}`,
      restoredLayerId: `${origin.id}-restored`,
      snapshot: null,
      reached: null,
      restoreRuns: 0,
      state: 'pending',
      detail: '',
      guests: [g.assetId],
    });
  }
  return [...out.values()];
}

/** The path of the carrier the plan's point names (`... (files/docker1:/mnt/usb/pbs)`), else of the copy's only carrier. */
function carriedPathOf(copy: Layer, ref: string): string | null {
  const carriers = (copy.carriers ?? []).flatMap((c) => {
    const a = parseAssetId(c);
    return a?.kind === 'files' ? [{ id: c, path: a.path }] : [];
  });
  return (carriers.find((c) => ref.includes(`(${c.id})`)) ?? carriers[0])?.path ?? null;
}

// ---------------------------------------------------------------------------
// The layer the rebuild adds

/** The PBS layers of the finished chains, as the restore engine reads them: the surviving layer's access, the restored datastore. */
export function restoredLayers(inventory: Inventory, state: Pick<RebuildState, 'chains' | 'pbs'>): Layer[] {
  return (state.chains ?? []).flatMap((c): Layer[] => {
    if (c.state !== 'done') return [];
    const via = asPbs(inventory.layers.find((l) => l.id === c.pbsLayerId));
    const origin = asPbs(inventory.layers.find((l) => l.id === c.originLayerId));
    if (!via) return [];
    const fingerprint = state.pbs.find((p) => p.layerId === via.id)?.fingerprint ?? via.fingerprint;
    const { copyOf: _c, carriers: _k, keyfile: _f, keySecret: _s, namespace: _n, ...access } = via;
    return [
      {
        ...access,
        id: c.restoredLayerId,
        repository: `${via.repository.slice(0, Math.max(0, via.repository.lastIndexOf(':') + 1))}${c.name}`,
        datastore: c.name,
        ...(fingerprint ? { fingerprint } : {}),
        ...(origin?.namespace ? { namespace: origin.namespace } : {}),
        description: `${c.originLayerId}'s datastore as restored from ${c.copyLayerId} onto ${c.host} (${c.store})`,
      },
    ];
  });
}

// ---------------------------------------------------------------------------
// Commands

interface ChainLayers {
  readonly copy: Layer;
  readonly rule: ChainRule<Layer['kind']>;
  readonly origin: PbsLayer;
  readonly via: PbsLayer;
  readonly authId: string;
}

function layersOf(inventory: Inventory, c: ChainRun): ChainLayers | string {
  const copy = inventory.layers.find((l) => l.id === c.copyLayerId);
  const rule = ruleOf(copy);
  const origin = asPbs(inventory.layers.find((l) => l.id === c.originLayerId));
  const via = asPbs(inventory.layers.find((l) => l.id === c.pbsLayerId));
  if (!copy || !rule) return `${c.copyLayerId} is not a layer of the inventory whose kind can carry a datastore`;
  if (!origin) return `${c.originLayerId} is not a PBS layer of the inventory`;
  if (!via) return `${c.pbsLayerId} is not a PBS layer of the inventory`;
  const authId = authIdOf(via.repository);
  if (!authId) return `${via.id}'s repository names no user or token: the restored datastore would be readable by no one Strata knows`;
  return { copy, rule, origin, via, authId };
}

const chunksCommand = (c: ChainTarget): Command => ({ argv: ['stat', '-c', '%F', `${c.store}/.chunks`], timeoutMs: PROBE_MS });
const ownerCommand = (c: ChainTarget): Command => ({ argv: ['stat', '-c', '%U:%G', c.store, `${c.store}/.chunks`], timeoutMs: PROBE_MS });
const chownCommand = (c: ChainTarget): Command => ({ argv: ['chown', '-R', 'backup:backup', c.store] });

/** The commands of a chain as the operator reads them (secrets by name), in order, with the host each runs on. */
export function chainShownCommands(inventory: Inventory, c: ChainRun, node: string): RebuildCommand[] {
  const l = layersOf(inventory, c);
  if (typeof l === 'string') return [{ host: c.host, command: `(${l})`, description: `chain ${c.id}`, shownOnly: true }];
  const show = (host: string, cmd: Command, description: string): RebuildCommand => ({ host, command: describeCommand(cmd), description });
  const fp = '<fingerprint of ' + l.via.host + '>';
  const fetch = l.rule.shown(l.copy, c).map((x) => show(x.host, x.command, x.description));
  return [
    ...fetch,
    show(c.host, chunksCommand(c), 'done when it prints "directory"'),
    show(c.host, chownCommand(c), "PBS refuses a datastore its backup user cannot write"),
    show(c.host, datastoreCreateCommand(c.name, c.store), 'take the restored directory with its chunks as a datastore (PBS 3.3+)'),
    show(c.host, aclUpdateCommand(datastorePath(c.name), CHAIN_ROLE, l.authId), `${l.authId} (of ${l.via.id}) reads it`),
    ...addPbsCommands({ id: c.name, server: pbsServerFor(l.via), datastore: c.name, username: l.authId, fingerprint: fp, ...(l.origin.namespace ? { namespace: l.origin.namespace } : {}) }, '-').map((x, k) =>
      show(node, x.command, k === 0 ? `add it to the new node, disabled (with the key file of ${c.originLayerId}'s storage when the restored configuration has one)` : x.description),
    ),
  ];
}

// ---------------------------------------------------------------------------
// Checks

type Found = { done: true; detail: string } | { done: false; detail: string };

async function chunksThere(ctx: ChainContext, c: ChainRun): Promise<boolean> {
  const r = await ctx.runner(c.host).run(chunksCommand(c));
  return r.exitCode === 0 && r.stdout.trim() === 'directory';
}

async function ownedByBackup(ctx: ChainContext, c: ChainRun): Promise<boolean> {
  const r = await ctx.runner(c.host).run(ownerCommand(c));
  const lines = r.stdout.split('\n').map((x) => x.trim()).filter((x) => x !== '');
  return r.exitCode === 0 && lines.length === 2 && lines.every((x) => x === 'backup:backup');
}

async function datastoreThere(ctx: ChainContext, c: ChainRun): Promise<Found> {
  const r = await ctx.runner(c.host).run(datastoreListCommand(PROBE_MS));
  const list = parseDatastoreList(r.stdout, r.stderr, r.exitCode);
  if (!list.ok) throw new Error(`the datastores of ${c.host} could not be read: ${list.error.message}`);
  const d = list.value.find((x) => x.name === c.name);
  if (!d) return { done: false, detail: '' };
  if (d.path.replace(/\/+$/, '') !== c.store) throw new Error(`${c.host} already has a datastore ${c.name} at ${d.path}, not at ${c.store}: remove or rename it there (proxmox-backup-manager datastore remove ${c.name} keeps its files), then resume`);
  return { done: true, detail: `datastore ${c.name} is on ${c.host}` };
}

async function aclThere(ctx: ChainContext, c: ChainRun, authId: string): Promise<boolean> {
  const r = await ctx.runner(c.host).run(aclListCommand(PROBE_MS));
  const list = parseAclList(r.stdout, r.stderr, r.exitCode);
  if (!list.ok) throw new Error(`the ACL of ${c.host} could not be read: ${list.error.message}`);
  return aclGrants(list.value, datastorePath(c.name), CHAIN_ROLE, authId);
}

function storageActive(ctx: ChainContext, name: string): Promise<boolean> {
  return pbsStorageActive(ctx.runner(ctx.node), name);
}

/** Read-only: the whole chain is in place already (its datastore on H, readable, active on the node), whoever put it there. */
export async function chainInPlace(ctx: ChainContext, c: ChainRun): Promise<boolean> {
  const l = layersOf(ctx.inventory, c);
  if (typeof l === 'string') return false;
  try {
    return (await chunksThere(ctx, c)) && (await ownedByBackup(ctx, c)) && (await datastoreThere(ctx, c)).done && (await aclThere(ctx, c, l.authId)) && (await storageActive(ctx, c.name));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// The run

export interface ChainOutcome {
  readonly state: 'done' | 'failed' | 'blocked';
  readonly detail: string;
}

/** Runs what is not done of one chain, phase by phase, saving after each. */
export async function runChain(ctx: ChainContext, start: ChainRun): Promise<ChainOutcome> {
  let c = start;
  const save = async (change: Partial<ChainRun>) => {
    c = { ...c, ...change };
    await ctx.save(c);
  };
  const end = async (state: ChainOutcome['state'], detail: string): Promise<ChainOutcome> => {
    await save({ state, detail });
    return { state, detail };
  };
  const l = layersOf(ctx.inventory, c);
  if (typeof l === 'string') return end('blocked', `${l}: fix the inventory, then resume`);
  await save({ state: 'running', detail: c.reached ? `resuming after ${c.reached}` : 'starting' });
  // Each secret read once in a run, however many commands carry it.
  const read = new Map<string, Promise<string>>();
  const kindCtx = {
    runner: (host: string) => ctx.runner(host),
    lookupEnv: (name: string) => ctx.lookupEnv(name),
    nowSec: () => ctx.nowSec(),
    readSecret: (ref: SecretRef, host: string, what: string) => {
      const key = `${host}\0${JSON.stringify(ref)}`;
      if (!read.has(key)) read.set(key, ctx.readSecret(ref, host, what));
      return read.get(key)!;
    },
  };

  try {
    // 1. The tool on H.
    if (!after(c.reached, 'tool')) {
      const r = await ctx.runner(c.host).run({ ...l.rule.versionCommand(), timeoutMs: PROBE_MS });
      const v = l.rule.parseVersion(r.stdout, r.stderr, r.exitCode);
      if (!v.ok) return end('blocked', `${l.rule.tool} is not installed on ${c.host} (${v.error.message}): apt install ${l.rule.tool} there, then resume`);
      await save({ reached: 'tool', detail: `${l.rule.tool} ${v.value.text} on ${c.host}` });
    }
    // 2. What is restored (the copy's kind says: a snapshot chosen once, a cold copy thawed).
    if (!after(c.reached, 'source')) {
      const r = await l.rule.source(l.copy, c, kindCtx, (change) => save({ ...change, detail: change.thaw ? `thaw asked for ${change.thaw.objects} objects of ${l.copy.id}` : c.detail }));
      if (r.state !== 'done') {
        if (r.change) await save(r.change);
        return end(r.state, r.detail);
      }
      await save({ reached: 'source', ...r.change, detail: r.detail });
    }
    // 3. The restore into DIR.
    if (!after(c.reached, 'restore')) {
      if (c.restoreRuns === 0 && (await chunksThere(ctx, c))) {
        await save({ reached: 'restore', detail: `${c.store}/.chunks is there already (restored before this rebuild): not restored again` });
      } else {
        const step = await l.rule.restore(l.copy, c, kindCtx);
        await save({ restoreRuns: c.restoreRuns + 1, detail: `${step.description}${c.restoreRuns > 0 ? ', again (the last one did not finish)' : ''}, on ${c.host}` });
        const out = await ctx.execute(step.host, `restore ${c.originLayerId}'s datastore from ${l.copy.id} onto ${c.host}`, [step]);
        if (out.state !== 'ok' && out.state !== 'warn') {
          const why = l.rule.restoreFailure?.(out.summary);
          return end('failed', `${l.rule.words(l.copy, c.cold).restore} on ${c.host}: ${out.summary}.${why ? ` ${why}.` : ''} Resume restores again into ${c.dir}`);
        }
        if (!(await chunksThere(ctx, c))) return end('failed', `${l.rule.tool} restored nothing at ${c.store}/.chunks: is ${c.carriedPath} (carriers of ${l.copy.id}) the datastore directory of ${c.originLayerId}?`);
        await save({ reached: 'restore', detail: `restored into ${c.store}` });
      }
    }
    // 4. Owned by PBS's backup user.
    if (!after(c.reached, 'owner')) {
      if (!(await ownedByBackup(ctx, c))) {
        const out = await ctx.execute(c.host, `give ${c.store} to PBS's backup user`, [{ command: chownCommand(c), description: `chown -R backup:backup ${c.store}` }]);
        if (out.state !== 'ok') return end('failed', `chown on ${c.host}: ${out.summary}`);
      }
      await save({ reached: 'owner', detail: `${c.store} belongs to backup:backup` });
    }
    // 5. The datastore.
    if (!after(c.reached, 'datastore')) {
      if (!(await datastoreThere(ctx, c)).done) {
        const out = await ctx.execute(c.host, `add datastore ${c.name} on ${c.host}`, [{ command: datastoreCreateCommand(c.name, c.store), description: `datastore ${c.name} over the restored ${c.store}` }]);
        if (out.state !== 'ok') return end('failed', `proxmox-backup-manager datastore create on ${c.host}: ${out.summary}${/reuse-datastore/.test(out.summary) ? ' (PBS 3.3 or later is needed for --reuse-datastore)' : ''}`);
        if (!(await datastoreThere(ctx, c)).done) return end('failed', `datastore ${c.name} was created but ${c.host} does not list it`);
      }
      await save({ reached: 'datastore', detail: `datastore ${c.name} on ${c.host}` });
    }
    // 6. The surviving token reads it.
    if (!after(c.reached, 'acl')) {
      if (!(await aclThere(ctx, c, l.authId))) {
        const out = await ctx.execute(c.host, `let ${l.authId} read ${c.name}`, [{ command: aclUpdateCommand(datastorePath(c.name), CHAIN_ROLE, l.authId), description: `${CHAIN_ROLE} on ${datastorePath(c.name)} for ${l.authId}` }]);
        if (out.state !== 'ok') return end('failed', `proxmox-backup-manager acl update on ${c.host}: ${out.summary}`);
        if (!(await aclThere(ctx, c, l.authId))) return end('failed', `the ACL of ${c.host} does not show ${l.authId} as ${CHAIN_ROLE} on ${datastorePath(c.name)}`);
      }
      await save({ reached: 'acl', detail: `${l.authId} reads ${c.name}` });
    }
    // 7. The node's storage.
    if (!after(c.reached, 'storage')) {
      if (!(await storageActive(ctx, c.name))) {
        const fingerprint = ctx.pbs.find((p) => p.layerId === l.via.id)?.fingerprint ?? l.via.fingerprint;
        if (!fingerprint) return end('blocked', `no certificate fingerprint for ${l.via.host}: read it there with proxmox-backup-manager cert info and pin it in the inventory (${l.via.id}.fingerprint), then resume`);
        if (!l.via.secret) return end('blocked', `${l.via.id} names no secret: pvesm add pbs needs the password or token secret of ${l.authId}`);
        const secret = l.via.secret;
        const keyFile = await ctx.keyFileFor(l.origin);
        const spec = { id: c.name, server: pbsServerFor(l.via), datastore: c.name, username: l.authId, fingerprint, ...(l.origin.namespace ? { namespace: l.origin.namespace } : {}), ...(keyFile ? { keyFile } : {}) };
        const node = { run: (cmd: Command) => ctx.runner(ctx.node).run(cmd), execute: (title: string, commands: readonly { command: Command; description: string }[]) => ctx.execute(ctx.node, title, commands) };
        const r = await ensurePbsStorage(node, spec, () => ctx.readSecret(secret, l.via.host, `the secret of ${l.via.id}`));
        if (!r.ok) return end('failed', `pvesm add pbs ${c.name}: ${r.detail}`);
        await save({ reached: 'storage', detail: r.detail });
      } else await save({ reached: 'storage' });
    }
  } catch (e) {
    return end('failed', `${errorText(e)}; resume runs it again from ${c.reached ? `after ${c.reached}` : 'the start'}`);
  }
  const snap = c.snapshot ? ` from snapshot ${c.snapshot.id.slice(0, 8)} (${new Date(c.snapshot.timeSec * 1000).toISOString()})` : '';
  return end('done', `${c.name} on ${c.host}${snap} of ${l.copy.id}, active on the node: ${c.guests.join(', ')} come back from it`);
}
