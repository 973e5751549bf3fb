/**
 * Builds the DR plan from what the engine read (pure): each guest's ways
 * back ranked, the chosen one direct from a surviving PBS when there is one,
 * else through a chain; tiers in inventory order with the time until each is
 * up, restores in parallel up to the bound per target storage.
 */
import { parseAssetId } from '../asset-id.js';
import type { Inventory } from '../inventory.js';
import { formatBytes } from '../format.js';
import { DEFAULT_THROUGHPUT_BYTES_PER_SEC } from '../restore/estimate.js';
import type { RestoreSource } from '../restore/types.js';
import type { DrPlan, GuestPath, PathStep, PlannedGuest, Prerequisite, RebuildStepSummary, SurvivingCopy, TierPlan } from './types.js';

/** Expected seconds of the steps before the guests (probes, a pve-cluster restart, storage adds). */
export const STEP_SECONDS = { node: 5, identity: 5, network: 5, 'host-config': 60, storage: 30, report: 1 } as const;
/** Starting a restored guest and checking it (agent, container state). */
export const START_CHECK_SECONDS = 30;
/** Adding a restored datastore directory to a PBS host. */
const ADD_DATASTORE_SECONDS = 10;

export interface GuestInput {
  readonly assetId: string;
  readonly name?: string;
  readonly tier: string | null;
  /** Ranked sources of the guest (the restore engine's), best first. */
  readonly sources: readonly RestoreSource[];
  /** Layers that could hold it but did not answer. */
  readonly unreadable: readonly { readonly layerId: string; readonly reason: string }[];
}

export interface DrPlanInput {
  readonly inventory: Inventory;
  readonly lost: DrPlan['lost'];
  readonly readAtSec: number;
  readonly copies: readonly SurvivingCopy[];
  readonly guests: readonly GuestInput[];
  readonly prerequisites: readonly Prerequisite[];
  readonly parallelPerStorage: number;
}

function pathOf(s: RestoreSource, copies: ReadonlyMap<string, SurvivingCopy>): GuestPath | null {
  if (copies.get(s.layerId)?.state !== 'answers') return null;
  const restore: PathStep = { kind: 'guest-restore', label: `${s.assetId.startsWith('ct/') ? 'pct restore' : 'qmrestore'} from ${s.via.length > 0 ? s.via[0] : s.layerId}, start, check`, expectedSeconds: s.estimate.seconds === null ? null : s.estimate.seconds + START_CHECK_SECONDS };
  const base = { layerId: s.layerId, host: s.host, via: s.via, point: { ref: s.point.ref, timeSec: s.point.timeSec, ...(s.point.sizeBytes !== undefined ? { sizeBytes: s.point.sizeBytes } : {}) }, ageSeconds: s.ageSeconds, estimate: s.estimate.text };
  if (s.via.length === 0) {
    if (s.layerKind !== 'pbs' && s.layerKind !== 'vzdump') return null;
    const steps: PathStep[] = s.layerKind === 'pbs' ? [{ kind: 'add-storage', label: `pvesm add pbs ${s.layerId} with its fingerprint (the storage step)`, expectedSeconds: 0 }, restore] : [restore];
    return { kind: 'direct', ...base, steps, expectedSeconds: sum(steps) };
  }
  const steps: PathStep[] = [
    ...s.steps.filter((x) => x.kind === 'thaw').map((x) => ({ kind: 'thaw' as const, label: x.label, expectedSeconds: x.expectedSeconds ?? null })),
    { kind: 'restore-datastore', label: `restore the datastore directory of ${s.via[0]} from ${s.layerId} onto a PBS host${s.point.sizeBytes ? ` (${formatBytes(s.point.sizeBytes)}, at ${formatBytes(DEFAULT_THROUGHPUT_BYTES_PER_SEC)}/s)` : ''}`, expectedSeconds: datastoreSeconds(s.point.sizeBytes) },
    { kind: 'add-datastore', label: `add it as a datastore (proxmox-backup-manager datastore create)`, expectedSeconds: ADD_DATASTORE_SECONDS },
    { kind: 'add-storage', label: `pvesm add pbs for that datastore`, expectedSeconds: 0 },
    restore,
  ];
  return { kind: 'chain', ...base, steps, expectedSeconds: sum(steps) };
}

/**
 * The order a tier's restores start in: the longest expected first (null,
 * not estimated, counts as longest), ties in the given order. Started
 * last, a long restore is the one the whole tier waits for; started first,
 * the short ones fill the other slots beside it (the LPT rule: within 4/3
 * of the best order, where the inventory's order can be twice as slow).
 */
export function longestFirst<T>(items: readonly T[], seconds: (x: T) => number | null | undefined): T[] {
  const key = (x: T) => seconds(x) ?? Number.POSITIVE_INFINITY;
  return items.map((x, i) => ({ x, i })).sort((a, b) => key(b.x) - key(a.x) || a.i - b.i).map((e) => e.x);
}
/** The whole directory comes back, whatever the guests need of it: its size over the default throughput, when the copy says its size. */
const datastoreSeconds = (bytes: number | undefined): number | null => (bytes && bytes > 0 ? Math.max(1, Math.round(bytes / DEFAULT_THROUGHPUT_BYTES_PER_SEC)) : null);

const sum = (steps: readonly PathStep[]): number | null => (steps.some((s) => s.expectedSeconds === null) ? null : steps.reduce((a, s) => a + s.expectedSeconds!, 0));

/**
 * Restores of `durations` on `slots` parallel slots, the longest first (as
 * the rebuild starts them), each taking the next free slot: the time the
 * last ends.
 */
export function parallelSeconds(durations: readonly number[], slots: number): number {
  const free = Array.from({ length: Math.max(1, slots) }, () => 0);
  for (const d of longestFirst(durations, (x) => x)) {
    const i = free.indexOf(Math.min(...free));
    free[i] = free[i]! + d;
  }
  return Math.max(0, ...free);
}

const byVmid = (a: { vmid: number }, b: { vmid: number }) => a.vmid - b.vmid;

export function buildDrPlan(input: DrPlanInput): DrPlan {
  const copies = new Map(input.copies.map((c) => [c.layerId, c]));
  const tierOrder = input.inventory.tiers.map((t) => t.name);
  const guests: PlannedGuest[] = input.guests
    .flatMap((g) => {
      const parsed = parseAssetId(g.assetId);
      if (!parsed || (parsed.kind !== 'vm' && parsed.kind !== 'ct')) return [];
      const paths = g.sources.map((s) => pathOf(s, copies)).filter((p): p is GuestPath => p !== null);
      paths.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'direct' ? -1 : 1));
      const why =
        paths.length > 0
          ? undefined
          : g.unreadable.length > 0
            ? `no copy that answers holds it (not read: ${g.unreadable.map((u) => `${u.layerId}: ${u.reason}`).join('; ')})`
            : 'no copy that answers holds it';
      const guest: PlannedGuest = {
        assetId: g.assetId,
        type: parsed.kind === 'vm' ? 'qemu' : 'lxc',
        vmid: parsed.vmid,
        ...(g.name ? { name: g.name } : {}),
        tier: g.tier,
        path: paths[0] ?? null,
        paths,
        ...(why ? { why } : {}),
      };
      return [guest];
    })
    .sort((a, b) => {
      const ta = a.tier === null ? tierOrder.length : tierOrder.indexOf(a.tier);
      const tb = b.tier === null ? tierOrder.length : tierOrder.indexOf(b.tier);
      return ta - tb || byVmid(a, b);
    });

  const chainSeconds = chainsSeconds(guests);
  const before = STEP_SECONDS.node + STEP_SECONDS.identity + STEP_SECONDS.network + STEP_SECONDS['host-config'] + STEP_SECONDS.storage;
  let elapsed: number | null = before;
  const tiers: TierPlan[] = [];
  const tierNames = [...tierOrder, ...(guests.some((g) => g.tier === null) ? [null] : [])];
  // The chains run just before the first tier that needs one (as the rebuild orders its steps).
  const chainsBefore = tierNames.find((name) => guests.some((g) => g.tier === name && g.path?.kind === 'chain'));
  for (const name of tierNames) {
    const members = guests.filter((g) => g.tier === name);
    if (members.length === 0) continue;
    if (chainsBefore !== undefined && name === chainsBefore) elapsed = elapsed === null || chainSeconds === null ? null : elapsed + chainSeconds;
    const rto = name === null ? null : (input.inventory.tiers.find((t) => t.name === name)?.rtoSeconds ?? null);
    const restoreTimes = members.map((g) => (g.path ? guestRestoreSeconds(g.path) : 0));
    const expected = restoreTimes.some((t) => t === null) ? null : parallelSeconds(restoreTimes as number[], input.parallelPerStorage);
    elapsed = elapsed === null || expected === null ? null : elapsed + expected;
    tiers.push({
      name: name ?? '(default tier)',
      rtoSeconds: rto,
      guests: members.map((g) => g.assetId),
      expectedSeconds: expected,
      expectedUpAfterSeconds: elapsed,
      meetsRto: elapsed === null || rto === null ? null : elapsed <= rto,
    });
  }

  const chainsSummary: RebuildStepSummary = { id: 'chains', title: 'Chains: datastores restored from copies', expectedSeconds: chainSeconds };
  const steps: RebuildStepSummary[] = [
    { id: 'node', title: 'The new node: reachable, its host key compared and trusted', expectedSeconds: STEP_SECONDS.node },
    { id: 'identity', title: `Identity: hostname and address of ${input.lost.node}`, expectedSeconds: STEP_SECONDS.identity },
    { id: 'network', title: 'Network: the archived interfaces file beside the new NIC names (shown, not applied)', expectedSeconds: STEP_SECONDS.network },
    { id: 'host-config', title: 'Host configuration: the config.db route', expectedSeconds: STEP_SECONDS['host-config'] },
    { id: 'storage', title: 'Storage: encryption key, surviving PBS, pools', expectedSeconds: STEP_SECONDS.storage },
    ...(chainsBefore === undefined ? [chainsSummary] : []),
    ...tiers.flatMap((t) => [...(chainsBefore !== undefined && t.name === (chainsBefore ?? '(default tier)') ? [chainsSummary] : []), { id: `tier:${t.name}`, title: `Guests of ${t.name}`, expectedSeconds: t.expectedSeconds }]),
    { id: 'report', title: 'The report', expectedSeconds: STEP_SECONDS.report },
  ];

  const blockers = [
    ...guests.filter((g) => g.path === null).map((g) => `${g.assetId}${g.name ? ` (${g.name})` : ''}: ${g.why}`),
    ...input.prerequisites.filter((p) => p.state === 'missing').map((p) => `${p.label}: missing (${p.detail})`),
  ];
  return {
    readAtSec: input.readAtSec,
    lost: input.lost,
    copies: input.copies,
    prerequisites: input.prerequisites,
    guests,
    tiers,
    steps,
    parallelPerStorage: input.parallelPerStorage,
    blockers,
  };
}

function guestRestoreSeconds(p: GuestPath): number | null {
  const r = p.steps.find((s) => s.kind === 'guest-restore');
  return r ? r.expectedSeconds : null;
}

/** The chains the chosen paths need, each datastore once: null when one's time is unknown, 0 with none. */
function chainsSeconds(guests: readonly PlannedGuest[]): number | null {
  const chains = new Map<string, GuestPath>();
  for (const g of guests) if (g.path?.kind === 'chain') chains.set(`${g.path.layerId}>${g.path.via.join('>')}`, g.path);
  let total = 0;
  for (const p of chains.values()) {
    for (const s of p.steps) {
      if (s.kind === 'guest-restore' || s.kind === 'add-storage') continue;
      if (s.expectedSeconds === null) return null;
      total += s.expectedSeconds;
    }
  }
  return total;
}
