/**
 * Reads what the DR plan needs, all at once and bounded: every layer (what
 * answers now), each guest's sources as the restore engine ranks them, the
 * PBS certificates of the survivors, and each prerequisite checked where it
 * lives (a file's presence with `stat`, never its content; a variable's
 * presence in Strata's environment; a layer that answered was read with its
 * secrets, which proves them).
 */
import { parseAssetId } from '../../domain/asset-id.js';
import { pbsHosts, pveHosts, type DrFacts } from '../../domain/dr-card.js';
import { buildDrPlan, type GuestInput } from '../../domain/dr/plan.js';
import type { DrPlan, Prerequisite, SurvivingCopy } from '../../domain/dr/types.js';
import { errorText } from '../../domain/error-text.js';
import { asConfigBackup, asPbs, keptAt, layerSecrets } from '../../domain/layer-kinds/dr.js';
import type { SecretRef } from '../../domain/inventory-file.js';
import type { Inventory, Layer } from '../../domain/inventory.js';
import { imageBytesOfIndexes } from '../../domain/dr/index-size.js';
import { estimateRestore, type MeasuredRestore } from '../../domain/restore/estimate.js';
import { rankSources } from '../../domain/restore/rank.js';
import type { RestoreSource, SourceStep } from '../../domain/restore/types.js';
import type { LayerObservation } from '../../domain/types.js';
import { specOf } from '../../kinds/registry.js';
import type { Runner } from '../../transport/runner.js';
import type { Collection, CollectOptions } from '../collector.js';
import type { RestoreRunRecord } from '../journal/restore-runs.js';
import type { VerificationRecord } from '../journal/verifications.js';
import { candidates, layersForGuests, measuredOf } from '../restore/sources.js';
import { evaluateStatus } from '../status-service.js';

export interface PlanReaderDeps {
  readonly inventory: Inventory;
  readStatus(opts?: CollectOptions): Promise<{ readonly collection: Collection }>;
  evidence(): { readonly verifications: readonly VerificationRecord[]; readonly restores: readonly RestoreRunRecord[] };
  readCardFacts(timeoutMs: number): Promise<DrFacts>;
  readonly runnerFor: (host: string) => Runner;
  lookupEnv(name: string): string | undefined;
  /**
   * The files of a guest's newest backup inside a copy of a datastore
   * (`carrier` the copy's asset, `files/HOST:/PATH`; the guest's directory
   * `vm/111` under it), read from the copy's layer; null when they cannot be read.
   */
  carriedGuestFiles?(o: { readonly layerId: string; readonly carrier: string; readonly guestDir: string; readonly timeoutMs: number; readonly collection: Collection }): Promise<readonly { readonly name: string; readonly sizeBytes?: number }[] | null>;
}

export interface PlanOptions {
  /** The inventory host of the lost PVE node; default the first PVE node that does not answer (else the first). */
  readonly lostHost?: string;
  /** Bound on each probe, milliseconds (default the inventory's probeTimeoutSeconds). */
  readonly timeoutMs?: number;
  /** Guest restores at once per target storage (default 2). */
  readonly parallelPerStorage?: number;
}

export const DEFAULT_PARALLEL_PER_STORAGE = 2;

const isGuestId = (id: string) => {
  const p = parseAssetId(id);
  return p !== null && (p.kind === 'vm' || p.kind === 'ct');
};

function copyState(layer: Layer, obs: LayerObservation | undefined, hostUp: boolean): SurvivingCopy {
  const guests = new Set((obs?.points ?? []).filter((p) => isGuestId(p.assetId)).map((p) => p.assetId)).size;
  const base = { layerId: layer.id, kind: layer.kind, host: layer.host, offsite: layer.offsite ?? false, guests };
  const reason = obs?.errors.map((e) => e.message).join('; ');
  if (obs && (obs.errors.length === 0 || obs.points.length > 0)) return { ...base, state: 'answers' };
  if (!hostUp) return { ...base, state: 'gone', reason: reason || `host ${layer.host} does not answer` };
  return { ...base, state: 'unknown', reason: reason || 'not read' };
}

function secretWhere(ref: SecretRef, host: string): string {
  if ('file' in ref) return `file ${ref.file} on ${host}`;
  if ('command' in ref) return `the command \`${ref.command}\` on ${host}`;
  return `environment variable ${ref.env} of the Strata process`;
}

/** `stat -c %s FILE`: present when it exists and is not empty; the content is never read. */
async function fileState(runner: Runner, path: string, timeoutMs: number): Promise<Pick<Prerequisite, 'state' | 'detail'>> {
  try {
    const r = await runner.run({ argv: ['stat', '-c', '%s', path], timeoutMs });
    if (r.exitCode === 0) return Number(r.stdout.trim()) > 0 ? { state: 'present', detail: `${path} exists (${r.stdout.trim()} bytes)` } : { state: 'missing', detail: `${path} is empty` };
    return /No such file/i.test(r.stderr) ? { state: 'missing', detail: `${path}: no such file` } : { state: 'unknown', detail: `stat ${path}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  } catch (e) {
    return { state: 'unknown', detail: errorText(e) };
  }
}

export async function readDrPlan(deps: PlanReaderDeps, opts: PlanOptions = {}): Promise<DrPlan> {
  const { inventory } = deps;
  const timeoutMs = opts.timeoutMs ?? inventory.probeTimeoutSeconds * 1000;
  const [{ collection }, facts] = await Promise.all([deps.readStatus({ probeTimeoutMs: timeoutMs }), deps.readCardFacts(timeoutMs)]);
  const hostUp = new Map(collection.hosts.map((h) => [h.name, h.reachable]));
  const observations = Object.fromEntries(collection.layers.map((l) => [l.layerId, l]));
  const pve = pveHosts(inventory);
  const lostHost = opts.lostHost ?? pve.find((h) => hostUp.get(h) === false) ?? pve[0];
  if (lostHost === undefined) throw new Error('the inventory names no PVE node to rebuild');
  const lostFile = inventory.hosts.find((h) => h.name === lostHost);
  if (!lostFile) throw new Error(`no host ${lostHost} in the inventory`);

  const copies = inventory.layers.map((l) => copyState(l, observations[l.id], hostUp.get(l.host) ?? false));
  const answering = new Map(copies.map((c) => [c.layerId, c]));

  const report = evaluateStatus(inventory, collection, collection.finishedAtSec, {});
  const ids = new Set<string>();
  for (const t of inventory.tiers) for (const a of t.assets) if (isGuestId(a)) ids.add(a);
  for (const a of report.assets) if (isGuestId(a.id) && (a.host === null || a.host === lostHost)) ids.add(a.id);
  const ev = deps.evidence();
  const layers = layersForGuests(inventory);
  const guests: GuestInput[] = await Promise.all([...ids].map(async (assetId): Promise<GuestInput> => {
    const asset = report.assets.find((a) => a.id === assetId);
    const tier = inventory.tiers.find((t) => t.assets.includes(assetId))?.name ?? asset?.tier ?? null;
    const c = candidates({
      inventory,
      assetId,
      guestType: assetId.startsWith('ct/') ? 'lxc' : 'qemu',
      wanted: { kind: 'latest' },
      layers,
      observations,
      ...(asset ? { asset } : {}),
      verifications: ev.verifications,
      restores: ev.restores,
      nowSec: collection.finishedAtSec,
    });
    const direct = rankSources(c.candidates);
    const chained = carriedChains(inventory, assetId, observations, hostUp, collection.finishedAtSec).filter((x) => !direct.some((d) => d.layerId === x.layerId && d.via.length > 0));
    // Sizing a chained guest reads the copy's listing: only for a guest the chain is the way back of.
    const directly = direct.some((d) => d.via.length === 0 && hostUp.get(d.host) !== false);
    const carried = directly ? chained : await Promise.all(chained.map((x) => withGuestEstimate(deps, x, measuredOf(assetId, ev.restores), timeoutMs, collection)));
    return { assetId, ...(asset?.name && asset.name !== assetId ? { name: asset.name } : {}), tier, sources: [...direct, ...carried], unreadable: c.unreadable };
  }));

  const prerequisites = await readPrerequisites(deps, { lostHost, answering, facts, timeoutMs });
  return buildDrPlan({
    inventory,
    lost: { host: lostHost, node: lostFile.node ?? lostFile.name, address: lostFile.address ?? lostFile.name, answers: hostUp.get(lostHost) ?? false },
    readAtSec: collection.finishedAtSec,
    copies,
    guests,
    prerequisites,
    parallelPerStorage: opts.parallelPerStorage ?? DEFAULT_PARALLEL_PER_STORAGE,
  });
}

/**
 * Chains through a copy of a PBS datastore that is gone: a layer that answers,
 * copies the PBS layer and carries its datastore directory (`carriers`). Its
 * newest point of that directory is when the datastore was copied; the
 * guest's own newest point in it is at or before then (its age is at least
 * the age shown). The status cannot say more while the PBS is gone.
 */
function carriedChains(inventory: Inventory, assetId: string, observations: Readonly<Record<string, LayerObservation>>, hostUp: ReadonlyMap<string, boolean>, nowSec: number): RestoreSource[] {
  const out: RestoreSource[] = [];
  for (const l of inventory.layers) {
    const carriers = l.carriers ?? [];
    if (carriers.length === 0 || !observations[l.id] || (observations[l.id]!.errors.length > 0 && observations[l.id]!.points.length === 0)) continue;
    for (const origin of l.copyOf ?? []) {
      const pbs = asPbs(inventory.layers.find((x) => x.id === origin));
      if (!pbs || hostUp.get(pbs.host) !== false) continue;
      const points = observations[l.id]!.points.filter((p) => carriers.includes(p.assetId) && !p.partial);
      const newest = points.reduce<(typeof points)[number] | undefined>((a, p) => (a === undefined || p.timeSec > a.timeSec ? p : a), undefined);
      if (!newest) continue;
      const thaw = thawOf(l, points);
      out.push({
        id: `${l.id}@via:${origin}`,
        layerId: l.id,
        layerKind: l.kind,
        host: l.host,
        assetId,
        point: { ref: `${origin} datastore as copied to ${l.id} at ${new Date(newest.timeSec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')} (${newest.assetId})`, timeSec: newest.timeSec, ...(newest.sizeBytes !== undefined ? { sizeBytes: newest.sizeBytes } : {}) },
        ageSeconds: Math.max(0, Math.round(nowSec - newest.timeSec)),
        location: l.offsite ? 'off-site' : 'lan',
        via: [origin],
        steps: [
          ...(thaw ? [thaw] : []),
          { kind: 'restore-datastore', label: `restore ${newest.assetId} from ${l.id} onto a PBS host`, planned: false },
          { kind: 'guest-restore', label: `restore the guest from ${origin} as restored`, planned: false },
        ],
        methods: [],
        plannable: false,
        whyNot: `${l.id} holds a copy of ${origin}'s datastore: it is restored first`,
        estimate: { seconds: null, basis: 'unknown', text: 'unknown until the datastore is back' },
        provenAtSec: null,
        rank: 0,
      });
    }
  }
  return out;
}

/** The thaw the copy's kind asks before its chain reads it (the first archived point's class), counted at its bound. */
function thawOf(copy: Layer, points: readonly { readonly storageTier?: string }[]): SourceStep | null {
  const rule = specOf(copy.kind)?.chain;
  for (const p of points) {
    const w = p.storageTier !== undefined ? rule?.thawWait?.(p.storageTier) : null;
    if (w) return { kind: 'thaw', label: `thaw the objects of ${copy.id} (${p.storageTier!.toUpperCase()}, ${w.priority}: ${w.wait})`, planned: false, expectedSeconds: w.withinSeconds };
  }
  return null;
}

/** A PBS datastore's directory of a guest: `vm/111`, under `ns/<name>/` per level of the layer's namespace. */
const guestDirIn = (namespace: string | undefined, assetId: string) => `${(namespace ?? '').split('/').filter(Boolean).map((n) => `ns/${n}/`).join('')}${assetId}`;

/**
 * A chained guest's own restore, estimated as a direct one is (measured, else
 * its size): the size from the index files of its newest backup inside the
 * copy, read from the copy (one listing of it, bounded); unknown when they
 * cannot be read.
 */
async function withGuestEstimate(deps: PlanReaderDeps, source: RestoreSource, measured: readonly MeasuredRestore[], timeoutMs: number, collection: Collection): Promise<RestoreSource> {
  const layer = deps.inventory.layers.find((l) => l.id === source.layerId);
  const origin = asPbs(deps.inventory.layers.find((l) => l.id === source.via[0]));
  let sizeBytes: number | undefined;
  for (const carrier of layer?.carriers ?? []) {
    if (sizeBytes !== undefined || !deps.carriedGuestFiles) break;
    const files = await deps.carriedGuestFiles({ layerId: source.layerId, carrier, guestDir: guestDirIn(origin?.namespace, source.assetId), timeoutMs, collection }).catch(() => null);
    sizeBytes = (files && imageBytesOfIndexes(files)) ?? undefined;
  }
  const estimate = estimateRestore({ method: 'restore', layerId: source.via[0] ?? source.layerId, measured, ...(sizeBytes !== undefined ? { sizeBytes } : {}) });
  return estimate.seconds === null ? source : { ...source, estimate };
}

interface PrereqContext {
  readonly lostHost: string;
  readonly answering: ReadonlyMap<string, SurvivingCopy>;
  readonly facts: DrFacts;
  readonly timeoutMs: number;
}

async function readPrerequisites(deps: PlanReaderDeps, ctx: PrereqContext): Promise<Prerequisite[]> {
  const { inventory } = deps;
  const out: Prerequisite[] = [];
  const state = (id: string) => ctx.answering.get(id);

  // The config archive of /etc/pve and /etc/network: a copy of the lost node's config-backup layer that is off the node.
  for (const l of inventory.layers.flatMap((x) => asConfigBackup(x) ?? [])) {
    if (l.host !== ctx.lostHost) continue;
    const covers = ['/etc/pve', '/etc/network'].filter((p) => l.paths.some((x) => x === p || x.startsWith(`${p}/`) || p.startsWith(`${x}/`)));
    const copiesOf = inventory.layers.filter((c) => c.copyOf?.includes(l.id));
    const elsewhere = copiesOf.map((c) => ({ c, s: state(c.id) }));
    const answered = elsewhere.find((e) => e.s?.state === 'answers');
    const where = copiesOf.map((c) => `${c.id} (${keptAt(c)?.location ?? c.host})`).join(', ') || 'no copy in the inventory';
    const label = `config archive of ${covers.join(' and ') || l.paths.join(', ')} (${l.id})`;
    if (copiesOf.length === 0) out.push({ id: `config:${l.id}`, kind: 'config-archive', label, state: 'missing', detail: `${l.id} is kept on ${l.host} only, which is the node being rebuilt`, where: `${l.directory} on ${l.host}` });
    else if (answered) out.push({ id: `config:${l.id}`, kind: 'config-archive', label, state: 'present', detail: `${answered.c.id} answered now with its archives`, where });
    else {
      const why = elsewhere.map((e) => `${e.c.id}: ${e.s?.reason ?? 'not read'}`).join('; ');
      // A copy made from the lost node itself is reached with settings (its remote's keys, a password file) kept there.
      const lostWith = copiesOf.filter((c) => c.host === ctx.lostHost).map((c) => c.id);
      const reach = lostWith.length > 0
        ? `; ${lostWith.join(' and ')} ${lostWith.length === 1 ? 'is' : 'are'} reached from ${ctx.lostHost}, whose settings for ${lostWith.length === 1 ? 'it' : 'them'} (keys, config, password file) are lost with it: read the copy from another machine with those settings kept beside the DR card`
        : '; check the copy from another machine';
      out.push({ id: `config:${l.id}`, kind: 'config-archive', label, state: 'unknown', detail: `not readable now (${why})${reach}`, where });
    }
    // The PBS encryption keys of the lost node live in /etc/pve/priv/storage: they come back with the archive.
    if (covers.includes('/etc/pve')) {
      const key = ctx.facts.keys[ctx.lostHost];
      out.push({
        id: `key:${ctx.lostHost}`,
        kind: 'encryption-key',
        label: `PBS encryption key files of ${ctx.lostHost} (/etc/pve/priv/storage/*.enc)`,
        state: out.at(-1)!.state,
        detail: `inside the config archive (${out.at(-1)!.state === 'present' ? 'its copy answered' : 'its copy could not be read now'})${key?.ok ? `; fingerprints ${key.value.map((k) => k.fingerprint).join(', ') || 'none'}` : ''}`,
        where: `etc/pve/priv/storage in ${where}`,
      });
    }
  }

  // Each surviving PBS: its certificate fingerprint, pinned or read now.
  for (const l of inventory.layers.flatMap((x) => asPbs(x) ?? [])) {
    // Only a PBS that may survive is a way back; a gone one's fingerprint helps no one.
    if (!pbsHosts(inventory).includes(l.host) || state(l.id)?.state === 'gone') continue;
    const cert = ctx.facts.certs[l.host];
    const live = cert?.ok ? cert.value.fingerprint : undefined;
    const pinned = l.fingerprint;
    let s: Prerequisite['state'];
    let detail: string;
    if (live && pinned) [s, detail] = live.toLowerCase() === pinned.toLowerCase() ? ['present', `read now from ${l.host}, matches the inventory`] : ['present', `read now from ${l.host} (${live}); the inventory's differs: the server has a new certificate`];
    else if (live) [s, detail] = ['present', `read now from ${l.host}: ${live} (not pinned in the inventory)`];
    else if (pinned) [s, detail] = ['present', `pinned in the inventory; ${l.host} did not answer (${cert && !cert.ok ? cert.reason : 'not read'})`];
    else [s, detail] = [state(l.id)?.state === 'gone' ? 'missing' : 'unknown', `${l.host} did not answer (${cert && !cert.ok ? cert.reason : 'not read'}) and the inventory pins none`];
    out.push({ id: `fingerprint:${l.id}`, kind: 'pbs-fingerprint', label: `PBS certificate fingerprint of ${l.host} (${l.id})`, state: s, detail, where: live ?? pinned ?? `proxmox-backup-manager cert info on ${l.host}` });
  }

  // Passwords and tokens of the copies that survive (or may): reachable through their references?
  const secretChecks: Promise<Prerequisite>[] = [];
  for (const l of inventory.layers) {
    const copy = state(l.id);
    if (!copy || copy.state === 'gone') continue;
    for (const { purpose, ref } of layerSecrets(l)) {
      const base = { id: `secret:${l.id}:${purpose}`, kind: 'secret' as const, label: `${purpose} of ${l.id}`, where: secretWhere(ref, l.host) };
      if (copy.state === 'answers') {
        secretChecks.push(Promise.resolve({ ...base, state: 'present', detail: `${l.id} was read with it just now` }));
      } else if ('env' in ref) {
        const set = (deps.lookupEnv(ref.env) ?? '') !== '';
        secretChecks.push(Promise.resolve({ ...base, state: set ? 'present' : 'missing', detail: set ? `${ref.env} is set` : `${ref.env} is not set in Strata's environment` }));
      } else if ('file' in ref) {
        secretChecks.push(fileState(deps.runnerFor(l.host), ref.file, ctx.timeoutMs).then((f) => ({ ...base, ...f })));
      } else {
        secretChecks.push(Promise.resolve({ ...base, state: 'unknown', detail: `${l.id} did not answer; a secret command is not run just to check it` }));
      }
    }
  }
  out.push(...(await Promise.all(secretChecks)));
  return out;
}
