/** `strata dr plan` as text: what survives, the prerequisites, the guests by tier with their way back and times. */
import type { DrPlan, GuestPath } from '../domain/dr/types.js';
import { formatDuration } from '../domain/duration.js';

const secs = (s: number | null) => (s === null ? 'unknown' : formatDuration(Math.round(s)));
const MARK = { present: 'present', missing: 'MISSING', unknown: 'unknown', answers: 'answers', gone: 'GONE' } as const;

function pathLine(p: GuestPath): string {
  const from = p.kind === 'direct' ? `from ${p.layerId} (${p.host})` : `chain: ${p.layerId} -> ${p.via.join(' -> ')}`;
  return `${from}, point ${p.point.ref}, ${formatDuration(p.ageSeconds)} old, expected ${secs(p.expectedSeconds)} (${p.estimate})`;
}

export function planText(plan: DrPlan): string {
  const out: string[] = [];
  out.push(`DR plan: rebuild ${plan.lost.node} (${plan.lost.host}, ${plan.lost.address})${plan.lost.answers ? ' - it still answers' : ', which does not answer'}`);
  out.push('', 'Copies now:');
  for (const c of plan.copies) {
    const state = c.state === 'answers' ? MARK.answers : c.state === 'gone' ? MARK.gone : MARK.unknown;
    out.push(`  ${c.layerId.padEnd(22)} ${c.kind.padEnd(15)} ${c.host.padEnd(10)} ${state}${c.offsite ? ', off-site' : ''}${c.guests > 0 ? `, ${c.guests} guests` : ''}${c.reason && c.state !== 'answers' ? ` (${c.reason})` : ''}`);
  }
  out.push('', 'Prerequisites:');
  for (const p of plan.prerequisites) out.push(`  [${MARK[p.state]}] ${p.label}: ${p.detail}; where: ${p.where}`);
  out.push('', `Guests by tier (restores in parallel, ${plan.parallelPerStorage} at once per target storage):`);
  for (const t of plan.tiers) {
    const rto = t.rtoSeconds === null ? 'no RTO' : `RTO ${formatDuration(t.rtoSeconds)}`;
    const verdict = t.meetsRto === null ? '' : t.meetsRto ? ', within the RTO' : ', OVER the RTO';
    out.push(`  ${t.name} (${rto}): restores ${secs(t.expectedSeconds)}, up after ${secs(t.expectedUpAfterSeconds)}${verdict}`);
    for (const id of t.guests) {
      const g = plan.guests.find((x) => x.assetId === id)!;
      out.push(`    ${g.assetId}${g.name ? ` ${g.name}` : ''}: ${g.path ? pathLine(g.path) : `NO WAY BACK: ${g.why}`}`);
      for (const alt of g.paths.slice(1)) out.push(`      or ${pathLine(alt)}`);
    }
  }
  out.push('', 'Steps:');
  plan.steps.forEach((s, i) => out.push(`  ${i + 1}. ${s.title} (expected ${secs(s.expectedSeconds)})`));
  if (plan.blockers.length > 0) {
    out.push('', 'Blockers:');
    for (const b of plan.blockers) out.push(`  - ${b}`);
  }
  out.push('', 'Nothing was changed. The rebuild: strata dr run (docs/disaster-recovery.md).');
  return `${out.join('\n')}\n`;
}
