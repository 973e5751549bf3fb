/**
 * The rebuild's report (issue 14 §2.8): per tier the RTO achieved (from the
 * rebuild's start until its last guest was up and checked) against the
 * target, per guest the point restored and its age when the rebuild began
 * (the data lost). Pure, from the saved state.
 */
import { formatDuration } from '../../domain/duration.js';
import type { DrReport, GuestRun, RebuildState, TierOutcome } from './api.js';

const iso = (sec: number) => new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function buildReport(state: RebuildState): DrReport {
  const tiers: TierOutcome[] = state.steps.flatMap((s) => {
    if (!s.tier) return [];
    const guests = s.guests ?? [];
    const up = guests.every((g) => g.state === 'checked' || g.state === 'already-there');
    const ends = guests.map((g) => g.endedAtSec ?? s.endedAtSec ?? null);
    const last = ends.some((e) => e === null) ? null : Math.max(...(ends as number[]), s.endedAtSec ?? 0);
    const achieved = up && last !== null && guests.length > 0 ? Math.max(0, last - state.startedAtSec) : null;
    return [{ name: s.tier.name, rtoSeconds: s.tier.rtoSeconds, achievedSeconds: achieved, met: achieved === null || s.tier.rtoSeconds === null ? null : achieved <= s.tier.rtoSeconds, guests }];
  });
  return {
    rebuildId: state.id,
    lost: state.lost,
    target: state.target,
    startedAt: iso(state.startedAtSec),
    finishedAt: state.finishedAtSec === null ? null : iso(state.finishedAtSec),
    tiers,
    guests: tiers.flatMap((t) =>
      t.guests.map((g) => ({
        ...g,
        tier: t.name,
        pointAt: g.pointTimeSec === null ? null : iso(g.pointTimeSec),
        dataLostSeconds: g.pointTimeSec === null || (g.state !== 'checked' && g.state !== 'check-failed') ? null : Math.max(0, state.startedAtSec - g.pointTimeSec),
      })),
    ),
    steps: state.steps.map((s) => ({ id: s.id, title: s.title, state: s.state, detail: s.detail })),
  };
}

/** The layer a guest came back from; through a chain, the copy it was restored from first. */
const fromText = (g: GuestRun) => {
  const layer = g.sourceId === null ? '-' : g.sourceId.slice(0, g.sourceId.indexOf('@'));
  return g.chainId ? `${layer} (chain ${g.chainId})` : layer;
};

const dur = (s: number | null) => (s === null ? '-' : formatDuration(Math.round(s)));

export function reportMarkdown(r: DrReport): string {
  const out: string[] = [`# DR rebuild of ${r.lost.node}`, '', `Started ${r.startedAt}, ${r.finishedAt ? `finished ${r.finishedAt}` : 'not finished'}; new node ${r.target.address}:${r.target.port}, host key ${r.target.hostKeyFingerprint ?? 'not trusted yet'}.`, ''];
  out.push('## RTO per tier', '', '| tier | RTO target | achieved | met |', '|---|---|---|---|');
  for (const t of r.tiers) out.push(`| ${t.name} | ${dur(t.rtoSeconds)} | ${dur(t.achievedSeconds)} | ${t.met === null ? '-' : t.met ? 'yes' : 'NO'} |`);
  out.push('', '## Guests', '', '| guest | tier | state | point restored | data lost | restore time | from |', '|---|---|---|---|---|---|---|');
  for (const g of r.guests) out.push(`| ${g.assetId}${g.name ? ` ${g.name}` : ''} | ${g.tier} | ${g.state} | ${g.pointAt ?? '-'} | ${dur(g.dataLostSeconds)} | ${g.restoreSeconds !== undefined ? dur(g.restoreSeconds) : '-'} | ${fromText(g)} |`);
  out.push('', '## Steps', '');
  for (const s of r.steps) out.push(`- **${s.title}**: ${s.state}${s.detail ? `. ${s.detail}` : ''}`);
  return `${out.join('\n')}\n`;
}

/** One line for the journal's summary. */
export function reportSummary(r: DrReport): string {
  const tiers = r.tiers.map((t) => `${t.name} ${dur(t.achievedSeconds)}${t.rtoSeconds !== null ? ` of ${dur(t.rtoSeconds)}` : ''}${t.met === false ? ' (over)' : ''}`).join(', ');
  const up = r.guests.filter((g) => g.state === 'checked' || g.state === 'already-there').length;
  return `DR rebuild of ${r.lost.node}: ${up}/${r.guests.length} guests up; RTO ${tiers}`;
}
