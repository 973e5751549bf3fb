/**
 * The DR plan as the screen's lines (pure): what blocks the rebuild, the
 * copies that survive, what must exist off-site, each guest's way back by
 * tier with the tier's RTO and the time expected, and the rebuild's steps.
 * Every state is a word and a glyph, so it reads without colour.
 */
import { wrapDoc, type DocViewLine, type DocViewTone } from '../../components/DocView.js';
import type { DrPlan, GuestPath, PlannedGuest, Prerequisite, SurvivingCopy, TierPlan } from '../../src/store/index.js';
import { shortAge } from '../rows/format.js';

type DocTone = DocViewTone;
type DocLine = DocViewLine;

/** `~4m`, `~1h05m`; `unknown` when nothing says. */
export function expected(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `~${s}s`;
  if (s < 3600) return `~${Math.round(s / 60)}m`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return `~${h}h${String(m).padStart(2, '0')}m`;
}

/** A duration target as people write it: `30m`, `4h`, `1d`. */
export function rtoText(seconds: number | null): string {
  if (seconds === null) return 'no RTO set';
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

const COPY_STATE: Record<SurvivingCopy['state'], { glyph: string; word: string; tone: DocTone }> = {
  answers: { glyph: '✔', word: 'answers', tone: 'good' },
  gone: { glyph: '✖', word: 'GONE', tone: 'bad' },
  unknown: { glyph: '?', word: 'UNKNOWN', tone: 'unknown' },
};

const PREREQ_STATE: Record<Prerequisite['state'], { glyph: string; word: string; tone: DocTone }> = {
  present: { glyph: '✔', word: 'present', tone: 'good' },
  missing: { glyph: '✖', word: 'MISSING', tone: 'bad' },
  unknown: { glyph: '?', word: 'UNKNOWN', tone: 'unknown' },
};

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** How a guest comes back, in one phrase: `direct from pbs-remote (pbs2)`, `chain: restic-pbs → pbs-local`. */
export function pathPhrase(p: GuestPath): string {
  if (p.kind === 'direct') return `direct from ${p.layerId} (${p.host})`;
  return `chain: ${[p.layerId, ...[...p.via].reverse()].join(' → ')}`;
}

function guestLines(g: PlannedGuest, width: number): DocLine[] {
  const name = `${g.assetId}${g.name ? ` ${g.name}` : ''}`;
  if (!g.path) return wrapDoc(`  ✖ ${pad(name, 18)} NO WAY BACK: ${g.why ?? 'no copy that answers holds it'}`, width, '      ').map((text) => ({ text, tone: 'bad' as const }));
  const p = g.path;
  const head = `  • ${pad(name, 18)} ${pathPhrase(p)} · ${expected(p.expectedSeconds)}`;
  const point = `      point ${new Date(p.point.timeSec * 1000).toISOString().slice(0, 16).replace('T', ' ')}Z · ${shortAge(p.ageSeconds)} of data lost · estimate: ${p.estimate}`;
  const lines: DocLine[] = [...wrapDoc(head, width, '      ').map((text) => ({ text, tone: 'plain' as const })), ...wrapDoc(point, width, '        ').map((text) => ({ text, tone: 'dim' as const }))];
  if (p.kind === 'chain') for (const s of p.steps) lines.push(...wrapDoc(`      ${s.kind === 'guest-restore' ? '└' : '├'} ${s.label} (${expected(s.expectedSeconds)})`, width, '          ').map((text) => ({ text, tone: 'dim' as const })));
  if (g.paths.length > 1) lines.push(...wrapDoc(`      ${g.paths.length - 1} other way${g.paths.length > 2 ? 's' : ''} back: ${g.paths.slice(1).map(pathPhrase).join('; ')}`, width, '        ').map((text) => ({ text, tone: 'dim' as const })));
  return lines;
}

function tierHead(t: TierPlan): DocLine {
  const verdict = t.meetsRto === null ? '? RTO not comparable' : t.meetsRto ? '✔ within RTO' : '✖ LATER THAN RTO';
  return {
    text: `Tier ${t.name} · RTO ${rtoText(t.rtoSeconds)} · restores ${expected(t.expectedSeconds)} · up after ${expected(t.expectedUpAfterSeconds)} · ${verdict}`,
    tone: t.meetsRto === false ? 'bad' : 'title',
  };
}

export function drPlanLines(plan: DrPlan, width: number): DocLine[] {
  const out: DocLine[] = [];
  const add = (text: string, tone: DocTone, indent = '    ') => {
    for (const l of wrapDoc(text, width, indent)) out.push({ text: l, tone });
  };
  const section = (title: string) => {
    out.push({ text: '', tone: 'plain' });
    out.push({ text: `── ${title} ${'─'.repeat(Math.max(0, width - title.length - 4))}`.slice(0, width), tone: 'section' });
  };
  const lost = plan.lost;
  add(`Rebuild ${lost.host} (node ${lost.node}, ${lost.address}): ${lost.answers ? 'it answers' : 'it does not answer'}`, 'title', '  ');
  if (plan.blockers.length === 0) add('✔ Nothing blocks the rebuild: every guest has a way back and every prerequisite is present.', 'good', '  ');
  else {
    add(`✖ ${plan.blockers.length} thing${plan.blockers.length > 1 ? 's' : ''} block the rebuild:`, 'bad', '  ');
    for (const b of plan.blockers) add(`  ✖ ${b}`, 'bad', '      ');
  }

  section(`Copies (${plan.copies.filter((c) => c.state === 'answers').length} of ${plan.copies.length} answer)`);
  for (const c of plan.copies) {
    const s = COPY_STATE[c.state];
    add(`  ${s.glyph} ${pad(s.word, 8)} ${pad(c.layerId, 16)} ${pad(c.kind, 9)} ${pad(c.host, 8)} ${c.offsite ? 'off-site' : 'on site '}${c.state === 'answers' ? ` · ${c.guests} guest${c.guests === 1 ? '' : 's'}` : c.reason ? ` · ${c.reason}` : ''}`, s.tone);
  }

  section('Prerequisites off-site');
  for (const p of plan.prerequisites) {
    const s = PREREQ_STATE[p.state];
    add(`  ${s.glyph} ${pad(s.word, 8)} ${p.label}`, s.tone);
    add(`             ${p.where} · ${p.detail}`, 'dim', '             ');
  }
  if (plan.prerequisites.length === 0) add('  (none found in the inventory)', 'dim');

  section(`Guests by tier (${plan.guests.length}; up to ${plan.parallelPerStorage} restores at once per storage)`);
  for (const t of plan.tiers) {
    out.push(...wrapDoc(tierHead(t).text, width, '    ').map((text) => ({ text, tone: tierHead(t).tone })));
    for (const id of t.guests) {
      const g = plan.guests.find((x) => x.assetId === id);
      if (g) out.push(...guestLines(g, width));
    }
  }

  section('The rebuild, step by step');
  plan.steps.forEach((s, i) => add(`  ${String(i + 1).padStart(2)}. ${s.title} · ${expected(s.expectedSeconds)}`, 'plain', '      '));
  return out;
}
