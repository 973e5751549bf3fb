/**
 * How `strata restore` and `strata drill` print sources, plans, progress
 * and results for a person: plain lines, every command exact, every
 * destructive effect said before the word to type.
 */
import { formatDuration } from '../domain/duration.js';
import { formatBytes, isoTime } from '../domain/format.js';
import type { CheckResult, RestoreEvent, RestorePlan, RestoreResult, SourceList } from '../services/restore/api.js';

const PLACE = { 'same-host': 'same host', lan: 'LAN', 'off-site': 'off-site' } as const;

export function formatSources(list: SourceList): string {
  const g = list.guest;
  const head = `${list.assetId}${g.name ? ` (${g.name})` : ''}: ${g.exists ? `on ${g.host ?? '?'}` : `not on any PVE node now${g.host ? `; restores go to ${g.host}` : ''}`}`;
  const lines = [head, '', 'Sources, best first:'];
  if (list.sources.length === 0) lines.push('  (none)');
  for (const s of list.sources) {
    const proven = s.provenAtSec !== null ? `proven ${isoTime(s.provenAtSec).slice(0, 10)}` : 'never proven';
    lines.push(`  ${String(s.rank).padStart(2)}. ${s.layerId}  ${isoTime(s.point.timeSec)} (${formatDuration(s.ageSeconds)} old)  ${PLACE[s.location]}  ${proven}`);
    lines.push(`      ${s.plannable ? `--from ${s.id}` : `not plannable: ${s.whyNot ?? ''}`}`);
    lines.push(`      ${s.steps.map((x) => `${x.planned ? '' : '(not planned) '}${x.label}`).join(' -> ')}; time: ${s.estimate.text}`);
  }
  for (const u of list.unreadable) lines.push(`  ?  ${u.layerId}: could not be read: ${u.reason}`);
  return lines.join('\n');
}

export function formatPlan(plan: RestorePlan): string {
  const t = plan.target;
  const lines = [
    plan.title,
    '',
    `Source: ${plan.source.layerId} ${plan.source.point.ref} (${isoTime(plan.source.point.timeSec)}), ${plan.method}`,
    `Target: ${t.type === 'lxc' ? 'CT' : 'VM'} ${t.vmid} on ${t.node}${t.overwrites ? ' (OVERWRITES the existing guest)' : ''}`,
    `Storage: ${t.storageNote}`,
    `MACs: ${t.uniqueNote}`,
    '',
    'Preflight:',
    ...plan.preflight.map((c) => `  [${c.state === 'passed' ? 'ok' : 'FAILED'}] ${c.label}: ${c.detail}`),
    '',
    'Commands:',
    ...plan.commands.map((c, i) => `  ${i + 1}. ${c.host}: ${c.command}\n     ${c.description}`),
  ];
  if (plan.cleanup.length > 0) lines.push('', plan.kind === 'drill' ? 'Afterwards, always (only what this plan created):' : 'If it fails or is cancelled (only what this plan created):', ...plan.cleanup.map((c) => `  - ${c.host}: ${c.command}  (${c.description})`));
  if (plan.checks.length > 0) lines.push('', 'Checks after:', ...plan.checks.map((c) => `  - ${c.label}`));
  lines.push('', `On failure: ${plan.onFailure}`);
  if (plan.notes.length > 0) lines.push(...plan.notes.map((n) => `Note: ${n}`));
  if (plan.destroys.length > 0) {
    lines.push('', 'THIS DESTROYS:', ...plan.destroys.map((d) => `  - ${d}`), `To run it, type the word: --confirm ${plan.confirmWord}`);
  }
  if (!plan.ready) lines.push('', 'The plan cannot run: a preflight check failed (above).');
  return lines.join('\n');
}

export function formatCheck(c: CheckResult): string {
  return `  [${c.state === 'passed' ? 'passed' : c.state === 'failed' ? 'FAILED' : 'not run'}] ${c.label}: ${c.detail}`;
}

export function formatResult(r: RestoreResult): string {
  const lines = [`${r.state.toUpperCase()}: ${r.summary}`];
  if (r.checks.length > 0) lines.push('Checks:', ...r.checks.map(formatCheck));
  if (r.restoreSeconds !== null) lines.push(`Measured restore time: ${formatDuration(r.restoreSeconds)} (${r.restoreSeconds.toFixed(1)} s)`);
  if (r.leftover) lines.push(`Left on the host: ${r.leftover}`);
  return lines.join('\n');
}

/** A progress line: percent where the tool gives one, else bytes and time. */
export function formatProgress(e: Extract<RestoreEvent, { type: 'progress' }>): string {
  const p = e.progress;
  const elapsed = formatDuration(e.elapsedMs / 1000);
  const eta = e.etaSeconds !== null ? `, about ${formatDuration(e.etaSeconds)} left` : '';
  if (p.percent === null) return `  ${formatBytes(p.bytesRead)} written, ${elapsed}`;
  const disk = p.disk ? ` disk ${p.disk.index}${p.disk.count ? ` of ${p.disk.count}` : ''} (${p.disk.name})` : '';
  return `  ${p.percent}%${disk}, ${formatBytes(p.bytesRead)} read, ${elapsed}${eta}`;
}
