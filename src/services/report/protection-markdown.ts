/**
 * `strata report`: the estate's protection as Markdown, from the same status
 * the panel shows (one evaluation) and the journal's restores and drills.
 * Per tier its targets (copies, media, off-site, RPO, RTO) against what was
 * measured; per workload its copies against the tier, its newest point's age
 * against the RPO, its last drill and restore time against the RTO; then the
 * gaps: every reason the evaluation gave, and the RTOs no restore has met.
 * Pure: the report, the tiers and the evidence in, the document out.
 */
import { formatDuration } from '../../domain/duration.js';
import type { RestoreEvidenceItem } from '../../domain/health/context.js';
import type { DefaultTier, Tier } from '../../domain/inventory.js';
import type { AssetStatus, StatusReport } from '../../domain/status-report.js';
import { HEALTH_ORDER, type Health } from '../../domain/types.js';
import { mdCode, mdTable, mdText, mdTime } from './markdown.js';

export interface ProtectionInput {
  readonly report: StatusReport;
  readonly tiers: readonly Tier[];
  readonly defaultTier: DefaultTier;
  /** The journal's restores and drills (verifies are ignored here: they are in "last proven restorable"). */
  readonly restores: readonly RestoreEvidenceItem[];
  /** The inventory file, named under the title. */
  readonly configPath: string;
}

/** The name a workload without a tier is shown under. */
export const DEFAULT_TIER_LABEL = '(default)';

interface RestoreRun {
  readonly kind: 'restore' | 'drill';
  readonly layerId: string | undefined;
  readonly atSec: number;
  readonly proven: boolean;
  readonly restoreSeconds: number | undefined;
}

/** A workload's row facts, computed once for the table, the tiers and the gaps. */
interface WorkloadFacts {
  readonly asset: AssetStatus;
  readonly tier: string;
  readonly rtoSeconds: number | null;
  readonly newestAt: string | null;
  readonly ageSeconds: number | null;
  readonly lastDrill: RestoreRun | null;
  readonly lastRestore: RestoreRun | null;
  /** The newest measured restore time (drill or restore), as status reports it. */
  readonly measuredSeconds: number | null;
}

export function protectionMarkdown(input: ProtectionInput): string {
  const { report } = input;
  const nowSec = Date.parse(report.generatedAt) / 1000;
  const runs = restoreRunsByAsset(input.restores);
  const rtoOf = new Map(input.tiers.map((t) => [t.name, t.rtoSeconds]));
  const facts: WorkloadFacts[] = report.assets.map((asset) => {
    const newestAt = newestPointOf(asset);
    const own = runs.get(asset.id) ?? [];
    return {
      asset,
      tier: asset.tier ?? DEFAULT_TIER_LABEL,
      rtoSeconds: asset.tier ? (rtoOf.get(asset.tier) ?? null) : null,
      newestAt,
      ageSeconds: newestAt ? Math.max(0, nowSec - Date.parse(newestAt) / 1000) : null,
      lastDrill: own.find((r) => r.kind === 'drill') ?? null,
      lastRestore: own.find((r) => r.kind === 'restore') ?? null,
      measuredSeconds: asset.measuredRestoreSeconds ?? null,
    };
  });

  const out: string[] = ['# Strata protection report', ''];
  out.push(`Estate of ${mdCode(input.configPath)} as read ${mdTime(report.generatedAt)} (UTC). Overall: ${healthText(report.overall)}.`);
  out.push('', countLine(facts.map((f) => f.asset.health)), '');
  out.push('## Tiers', '', tierTable(input, facts), '');
  out.push('## Workloads', '', workloadTable(facts), '');
  out.push('## Gaps', '', ...gapLines(report, facts), '');
  out.push('## Drills and restores', '', ...drillLines(facts));
  return out.join('\n') + '\n';
}

const healthText = (h: Health) => (h === 'ok' ? 'ok' : `**${h}**`);

function countLine(healths: readonly Health[]): string {
  if (healths.length === 0) return 'No workload was found on any layer.';
  const parts = [...HEALTH_ORDER].reverse().filter((h) => healths.includes(h)).map((h) => `${healths.filter((x) => x === h).length} ${h}`);
  return `${healths.length} workload${healths.length === 1 ? '' : 's'}: ${parts.join(', ')}.`;
}

/** Newest point of the workload on any layer. */
function newestPointOf(a: AssetStatus): string | null {
  let best: string | null = null;
  for (const l of a.layers) if (l.newestAt && (best === null || Date.parse(l.newestAt) > Date.parse(best))) best = l.newestAt;
  return best;
}

function restoreRunsByAsset(items: readonly RestoreEvidenceItem[]): Map<string, RestoreRun[]> {
  const by = new Map<string, RestoreRun[]>();
  for (const e of items) {
    if ((e.kind !== 'drill' && e.kind !== 'restore') || !Number.isFinite(e.atSec)) continue;
    const list = by.get(e.assetId) ?? [];
    list.push({ kind: e.kind, layerId: e.layerId, atSec: e.atSec, proven: e.proven !== false, restoreSeconds: e.restoreSeconds });
    by.set(e.assetId, list);
  }
  for (const list of by.values()) list.sort((a, b) => b.atSec - a.atSec);
  return by;
}

const isGuest = (a: AssetStatus) => a.kind === 'vm' || a.kind === 'ct';
const dur = (s: number | null | undefined) => (s === null || s === undefined ? '' : formatDuration(s));
const iso = (sec: number) => new Date(sec * 1000).toISOString();

function tierTable(input: ProtectionInput, facts: readonly WorkloadFacts[]): string {
  const rows: string[][] = [];
  const drilledText = (members: readonly WorkloadFacts[]) => {
    const guests = members.filter((f) => isGuest(f.asset));
    return guests.length === 0 ? 'no guests' : `${guests.filter((f) => f.lastDrill).length} of ${guests.length} guest${guests.length === 1 ? '' : 's'}`;
  };
  const row = (name: string, t: { copies: number; media: number; offsite: number; rpoSeconds: number }, rto: number | null, members: readonly WorkloadFacts[], rpo = formatDuration(t.rpoSeconds)) => {
    const measured = members.filter((f) => f.measuredSeconds !== null);
    const slowest = measured.sort((a, b) => b.measuredSeconds! - a.measuredSeconds!)[0];
    const met = members.filter((f) => f.asset.health === 'ok').length;
    rows.push([
      mdText(name),
      String(members.length),
      `${met} of ${members.length}`,
      String(t.copies),
      String(t.media),
      String(t.offsite),
      rpo,
      rto === null ? 'none' : formatDuration(rto),
      slowest ? `${formatDuration(slowest.measuredSeconds!)} (${mdCode(slowest.asset.id, true)})` : 'none measured',
      drilledText(members),
    ]);
  };
  for (const t of input.tiers) row(t.name, t, t.rtoSeconds, facts.filter((f) => f.asset.tier === t.name));
  const untiered = facts.filter((f) => f.asset.tier === null);
  // The default tier has no RPO of its own: each layer's rpo holds, this one only where a layer sets none.
  if (untiered.length > 0) row(DEFAULT_TIER_LABEL, input.defaultTier, null, untiered, `per layer, else ${formatDuration(input.defaultTier.rpoSeconds)}`);
  return mdTable(
    ['Tier', 'Workloads', 'OK', 'Copies', 'Media', 'Off-site', 'RPO', 'RTO', 'Slowest measured restore', 'Drilled'],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r'],
  );
}

/** `have / need`, bold when short. */
const against = (have: number, need: number) => (have < need ? `**${have} / ${need}**` : `${have} / ${need}`);

function workloadTable(facts: readonly WorkloadFacts[]): string {
  return mdTable(
    ['Workload', 'Name', 'Tier', 'Health', 'Copies', 'Media', 'Off-site', 'Newest point', 'Age / RPO', 'Last proven restorable', 'Last drill', 'Restore time / RTO'],
    facts.map((f) => {
      const a = f.asset;
      const rpo = a.required.rpoSeconds;
      const age = f.ageSeconds === null ? 'none' : rpo !== null && f.ageSeconds > rpo ? `**${dur(f.ageSeconds)} / ${dur(rpo)}**` : `${dur(f.ageSeconds)} / ${rpo === null ? 'no RPO' : dur(rpo)}`;
      const rto = f.rtoSeconds === null ? 'no RTO' : dur(f.rtoSeconds);
      const time = f.measuredSeconds === null ? `not measured / ${rto}` : f.rtoSeconds !== null && f.measuredSeconds > f.rtoSeconds ? `**${dur(f.measuredSeconds)} / ${rto}**` : `${dur(f.measuredSeconds)} / ${rto}`;
      return [
        mdCode(a.id, true),
        mdText(a.name),
        mdText(f.tier),
        healthText(a.health),
        against(a.copies, a.required.copies),
        against(a.media, a.required.media),
        against(a.offsite, a.required.offsite),
        f.newestAt ? mdTime(f.newestAt) : 'none',
        age,
        a.lastProvenRestorableAt ? mdTime(a.lastProvenRestorableAt) : 'never',
        f.lastDrill ? `${mdTime(iso(f.lastDrill.atSec))}, ${f.lastDrill.proven ? 'proven' : '**not proven**'}` : 'never',
        time,
      ];
    }),
    ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'l', 'r', 'l', 'l', 'r'],
  );
}

/**
 * What falls short: the evaluation's own reasons (hosts, layers, workloads
 * not ok) and what only this report weighs: a restore slower than its tier's
 * RTO, and an RTO that no drill or restore has measured yet.
 */
function gapLines(report: StatusReport, facts: readonly WorkloadFacts[]): string[] {
  const lines: string[] = [];
  const reasons = (rs: readonly string[]) => (rs.length > 0 ? rs.map(mdText).join('; ') : 'no reason given');
  for (const h of report.hosts.filter((x) => x.health !== 'ok')) lines.push(`- Host ${mdCode(h.name)} (${h.health}): ${reasons(h.reasons)}`);
  for (const l of report.layers.filter((x) => x.health !== 'ok')) lines.push(`- Layer ${mdCode(l.id)} on ${mdCode(l.host)} (${l.health}): ${reasons(l.reasons)}`);
  for (const f of facts.filter((x) => x.asset.health !== 'ok')) lines.push(`- Workload ${mdCode(f.asset.id)} (${f.asset.health}): ${reasons(f.asset.reasons)}`);
  const tiers = [...new Set(facts.map((f) => f.tier))];
  for (const tier of tiers) {
    const members = facts.filter((f) => f.tier === tier && f.rtoSeconds !== null);
    if (members.length === 0) continue;
    const rto = dur(members[0]!.rtoSeconds);
    const slow = members.filter((f) => f.measuredSeconds !== null && f.measuredSeconds > f.rtoSeconds!);
    for (const f of slow) lines.push(`- Workload ${mdCode(f.asset.id)}: its last restore took ${dur(f.measuredSeconds)}, longer than the RTO of ${rto} of tier ${mdText(tier)}`);
    const unmeasured = members.filter((f) => f.measuredSeconds === null);
    if (unmeasured.length === 0) continue;
    const guests = unmeasured.some((f) => isGuest(f.asset));
    lines.push(
      `- Tier ${mdText(tier)} sets an RTO of ${rto}; no drill or restore has measured ${members.length === 1 ? 'its one workload' : unmeasured.length === members.length ? `any of its ${members.length} workloads` : `${unmeasured.length} of its ${members.length} workloads`}: ${unmeasured.map((f) => mdCode(f.asset.id)).join(', ')}${guests ? ` (\`strata drill --rotate ${tier}\` drills its guests one per run)` : ''}`,
    );
  }
  return lines.length > 0 ? lines : ['None: every host, layer and workload is ok, and every RTO a tier sets is met by a measured restore.'];
}

function drillLines(facts: readonly WorkloadFacts[]): string[] {
  const runs = facts.flatMap((f) => [f.lastDrill, f.lastRestore].filter((r): r is RestoreRun => r !== null).map((r) => ({ f, r }))).sort((a, b) => b.r.atSec - a.r.atSec);
  // Only guests can be drilled (strata drill); the rest would be noise here.
  const never = facts.filter((f) => isGuest(f.asset) && !f.lastDrill).map((f) => mdCode(f.asset.id));
  const out: string[] = [];
  if (runs.length === 0) out.push('No drill or restore is in the journal yet.');
  else {
    out.push(
      mdTable(
        ['Workload', 'Kind', 'When', 'From layer', 'Result', 'Restore time', 'RTO'],
        runs.map(({ f, r }) => [
          mdCode(f.asset.id, true),
          r.kind,
          mdTime(iso(r.atSec)),
          r.layerId ? mdCode(r.layerId, true) : '',
          r.proven ? 'proven restorable' : '**not proven**',
          r.restoreSeconds === undefined ? 'not measured' : dur(r.restoreSeconds),
          f.rtoSeconds === null ? 'none' : dur(f.rtoSeconds),
        ]),
        ['l', 'l', 'l', 'l', 'l', 'r', 'r'],
      ),
    );
  }
  if (never.length > 0) out.push('', `Guests never drilled: ${never.join(', ')}.`);
  return out;
}
