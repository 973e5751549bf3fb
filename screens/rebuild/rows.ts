/**
 * What each rebuild step shows, as pure lines of the wizard's state: the
 * step's exact commands and whether it writes, what each kind of step adds
 * (the host key, the network file not applied, the config.db route, the
 * guests of a tier), and the report. The views only lay these out.
 */
import { wrapDoc, type DocViewLine } from '../../components/DocView.js';
import { progressBarText } from '../../components/ProgressBar.js';
import {
  assertNever,
  CHAIN_PHASES,
  guestCounts,
  isDone,
  type ChainPhase,
  type ChainRun,
  stepKindOf,
  type DrReport,
  type GuestProgress,
  type GuestRun,
  type RebuildStep,
  type RebuildStepKind,
  type RebuildWizard,
} from '../../src/store/index.js';
import { sideBySideLines } from '../../src/domain/side-by-side.js';
import { shortAge, shortTime } from '../rows/format.js';
import { rtoText } from '../dr/plan-lines.js';
import { clock } from '../restore/rows.js';

const STATE_WORD: Record<RebuildStep['state'], string> = {
  pending: 'not run yet',
  running: '⟳ RUNNING',
  done: '✔ DONE',
  'already-done': '✔ ALREADY DONE (found done; nothing was run)',
  failed: '✖ FAILED',
  blocked: '▲ BLOCKED',
};

export const stepStateWord = (s: RebuildStep): string => STATE_WORD[s.state];

const GUEST_WORD: Record<GuestRun['state'], string> = {
  pending: '· waiting',
  restoring: '⟳ restoring',
  checked: '✔ up, checked',
  'already-there': '✔ already there',
  'check-failed': '✖ CHECK FAILED',
  failed: '✖ FAILED',
  'no-source': '✖ NO SOURCE',
};

export const guestWord = (g: GuestRun): string => GUEST_WORD[g.state];

const line = (text: string, tone: DocViewLine['tone'] = 'plain'): DocViewLine => ({ text, tone });
const wrap = (text: string, width: number, tone: DocViewLine['tone'] = 'plain', indent = '    '): DocViewLine[] => wrapDoc(text, width, indent).map((t) => line(t, tone));

/** The step's exact commands, each with its host, what it is for, and whether Strata runs it. */
export function commandLines(step: RebuildStep, width: number): DocViewLine[] {
  if (step.commands.length === 0) return [line('  (no command: Strata reads what it needs)', 'dim')];
  const out: DocViewLine[] = [];
  for (const c of step.commands) {
    out.push(...wrap(`  on ${c.host}: ${c.description}${c.shownOnly ? ' (SHOWN ONLY: Strata does not run it)' : ''}`, width, c.shownOnly ? 'unknown' : 'dim', '      '));
    out.push(...wrap(`    $ ${c.command}`, width, 'title', '      '));
  }
  return out;
}

/** What a kind of step says beyond its commands; an exhaustive switch, so a new kind is not forgotten. */
export function kindLines(kind: RebuildStepKind, w: RebuildWizard, step: RebuildStep, width: number): DocViewLine[] {
  switch (kind) {
    case 'node': {
      const k = w.hostKey;
      const target = w.state?.target;
      const where = target ? `${target.address}:${target.port}` : 'the new node';
      if (!k || k.state === 'loading') return [line(`Reading the host key ${where} offers (nothing is trusted yet)…`, 'dim')];
      if (k.state === 'failed') return wrap(`✖ The new node's host key could not be read at ${where}: ${k.reason}`, width, 'bad');
      return [
        ...wrap(`${where} offers a NEW host key (a reinstalled node always has one):`, width),
        line(`    ${k.value.keyType} ${k.value.fingerprint}`, 'title'),
        ...wrap('It is trusted only after you compare it with the node\'s console and type it; then it is written to known_hosts.', width, 'dim'),
      ];
    }
    case 'identity':
      return wrap('Strata checks the hostname and address against the lost node\'s and does not change them (guests belong to a node by its name).', width, 'dim');
    case 'network':
      return [
        ...wrap('The archived /etc/network/interfaces is shown beside the new one and the NIC names: Strata does NOT apply it (names change with the hardware). Edit it on the console, then ifreload -a.', width, 'unknown'),
        ...(step.compare ? sideBySideLines(step.compare, width).map((t) => line(t, t.startsWith('▲') ? 'unknown' : 'plain')) : []),
      ];
    case 'host-config': {
      const files = (w.state?.hostConfigRoute ?? 'config-db') === 'files';
      const route = files
        ? 'Selected files of the archived /etc/pve (storage.cfg, jobs.cfg, the firewall, the storages\' key and password files), copied one by one with pve-cluster running; users, cluster keys and guest configurations stay the new node\'s.'
        : 'The documented route: pve-cluster stopped, config.db replaced (mode 0600), started.';
      const other = isDone(step) ? '' : ` m: the other route (${files ? 'the config.db swap' : 'selected files'}).`;
      return wrap(`${route} An old /etc/pve is never unpacked onto the live mount.${other}`, width, 'dim');
    }
    case 'storage':
      return wrap('The encryption key file goes back first (without it, backups would be written unencrypted), then pvesm add pbs with the surviving PBS\'s fingerprint, and zpool import where pools survive.', width, 'dim');
    case 'chains':
      return [
        ...wrap('Only when a guest\'s only way back is a copy of a datastore: the directory restored from the copy onto a surviving PBS host, added there as a datastore the surviving token reads, and added to the new node; its guests then restore from it with their tier.', width, 'dim'),
        ...chainLines(w.state?.chains ?? [], width),
      ];
    case 'tier':
      return [];
    case 'report':
      return wrap('The report (per tier the RTO achieved, per guest the point restored and the data lost) goes into the journal; `strata dr report --markdown` prints it.', width, 'dim');
    default:
      return assertNever(kind);
  }
}

function phaseWord(phase: ChainPhase, c: ChainRun): string {
  switch (phase) {
    case 'tool':
      return `${c.words.tool} installed on the PBS host`;
    case 'source':
      return c.words.source;
    case 'restore':
      return c.words.restore;
    case 'owner':
      return "owned by PBS's backup user";
    case 'datastore':
      return 'datastore created over it';
    case 'acl':
      return 'the surviving token reads it';
    case 'storage':
      return 'added to the new node';
    default:
      return assertNever(phase);
  }
}

/** Each chain with its phases: done, the one it is at (running, failed or blocked there), still to do. */
export function chainLines(chains: readonly ChainRun[], width: number): DocViewLine[] {
  const out: DocViewLine[] = [];
  for (const c of chains) {
    const bad = c.state === 'failed' || c.state === 'blocked';
    out.push(line(''));
    out.push(...wrap(`${c.copyLayerId} → ${c.name} on ${c.host} (${c.originLayerId}'s datastore, for ${c.guests.join(', ')}): ${c.state.toUpperCase()}`, width, bad ? 'bad' : c.state === 'done' ? 'good' : 'plain'));
    const at = c.reached === null ? 0 : CHAIN_PHASES.indexOf(c.reached) + 1;
    CHAIN_PHASES.forEach((phase, i) => {
      const mark = i < at ? '✔' : i === at && c.state === 'running' ? '⟳' : i === at && bad ? (c.state === 'blocked' ? '▲' : '✖') : '·';
      const extra = phase === 'source' && c.snapshot ? ` ${c.snapshot.id.slice(0, 8)} of ${shortTime(new Date(c.snapshot.timeSec * 1000).toISOString())}` : phase === 'restore' && c.restoreRuns > 1 ? ` (started ${c.restoreRuns} times)` : '';
      out.push(line(`  ${mark} ${i + 1}. ${phaseWord(phase, c)}${extra}`.slice(0, width), i < at ? 'plain' : i === at && bad ? 'bad' : 'dim'));
    });
    if (c.detail) out.push(...wrap(`    ${c.detail}`, width, bad ? 'bad' : 'dim', '      '));
  }
  return out;
}

/** One line per guest of a tier: state, name, where it goes, and how far the restore is. */
export function guestLines(guests: readonly GuestRun[], progress: Readonly<Record<string, GuestProgress>>, width: number, nowSec: number): DocViewLine[] {
  const out: DocViewLine[] = [];
  for (const g of guests) {
    const name = `${g.assetId}${g.name ? ` ${g.name}` : ''}`.padEnd(18);
    const p = progress[g.assetId];
    const took = g.startedAtSec !== undefined ? clock((g.endedAtSec ?? nowSec) - g.startedAtSec) : '';
    const bad = g.state === 'failed' || g.state === 'check-failed' || g.state === 'no-source';
    out.push(line(`  ${guestWord(g).padEnd(16)} ${name} → ${g.storage}${took ? ` · ${took}` : ''}${g.attempts > 1 ? ` · attempt ${g.attempts}` : ''}`.slice(0, width), bad ? 'bad' : g.state === 'pending' ? 'dim' : 'plain'));
    if (g.state === 'restoring') {
      const eta = p?.etaSeconds !== null && p?.etaSeconds !== undefined ? ` ETA ${clock(p.etaSeconds)}` : '';
      out.push(line(p?.percent !== null && p?.percent !== undefined ? `      ${progressBarText(p.percent, Math.max(20, width - 8 - eta.length))}${eta}` : `      no percent from the tool · ${took} so far`));
    }
    if (g.detail && g.state !== 'pending' && g.state !== 'restoring') out.push(...wrap(`      ${g.detail}`, width, bad ? 'bad' : 'dim', '        '));
  }
  return out;
}

/** The head of a tier step: its RTO and how many guests are up. */
export function tierLine(step: RebuildStep): string {
  const rto = step.tier ? rtoText(step.tier.rtoSeconds) : 'no RTO set';
  return `RTO ${rto} · ${guestCounts(step.guests ?? [])}`;
}

/** The report at the end: per tier the RTO achieved against the target, per guest the point restored and the data lost. */
export function reportLines(r: DrReport, width: number): DocViewLine[] {
  const out: DocViewLine[] = [];
  out.push(...wrap(`Rebuild of ${r.lost.host} onto ${r.target.address}: started ${r.startedAt}${r.finishedAt ? `, finished ${r.finishedAt}` : ', NOT finished'}`, width, 'title'));
  out.push(line(''));
  out.push(line('RTO per tier (the rebuild\'s start until its last guest was up):', 'section'));
  for (const t of r.tiers) {
    const verdict = t.met === null ? '? not all guests up' : t.met ? '✔ met' : '✖ MISSED';
    out.push(line(`  ${verdict.padEnd(20)} tier ${t.name}: ${t.achievedSeconds === null ? 'not reached' : clock(t.achievedSeconds)} against ${rtoText(t.rtoSeconds)}`, t.met === false ? 'bad' : t.met ? 'good' : 'unknown'));
  }
  out.push(line(''));
  out.push(line('Data lost per guest (age of the point restored at the disaster):', 'section'));
  for (const g of r.guests) {
    const lost = g.dataLostSeconds === null ? 'unknown' : shortAge(g.dataLostSeconds);
    out.push(...wrap(`  ${guestWord(g).padEnd(16)} ${`${g.assetId}${g.name ? ` ${g.name}` : ''}`.padEnd(18)} ${g.pointAt ? shortTime(g.pointAt) : 'no point'} · ${lost} lost`, width, g.state === 'checked' || g.state === 'already-there' ? 'plain' : 'bad', '      '));
  }
  return out;
}

/** Everything a step shows above its question, for its phase. */
export function stepLines(w: RebuildWizard, step: RebuildStep, width: number, nowSec: number): DocViewLine[] {
  const kind = stepKindOf(step.id);
  const out: DocViewLine[] = [];
  const bad = step.state === 'failed' || step.state === 'blocked';
  out.push(...wrap(step.title, width, 'title'));
  out.push(...wrap(`${step.writes ? '▲ WRITES to the new node' : 'read-only'} · ${stepStateWord(step)}${step.runs > 1 ? ` · started ${step.runs} times` : ''}`, width, bad ? 'bad' : 'plain'));
  // A tier's detail repeats its guests', which are listed below one a line.
  if (step.detail && !(kind === 'tier' && (step.guests ?? []).length > 0)) out.push(...wrap(step.detail, width, bad ? 'bad' : 'plain'));
  if (w.refused) out.push(...wrap(`▲ Not run: ${w.refused}`, width, 'bad'));
  if (kind === 'tier') {
    out.push(line(tierLine(step)));
    out.push(...guestLines(step.guests ?? [], w.progress, width, nowSec));
  }
  if (kind) out.push(...kindLines(kind, w, step, width));
  out.push(line(`Commands (${step.commands.length}), exactly as they run:`, 'section'));
  out.push(...commandLines(step, width));
  return out;
}

/** The step's question, by phase and by what the step does. */
export function questionText(w: RebuildWizard, step: RebuildStep): string {
  const p = w.phase;
  switch (p.kind) {
    case 'checking':
      return 'Checking whether this step is done already (read-only)…';
    case 'review':
      if (stepKindOf(step.id) === 'node' && step.writes) return 'Enter: compare the host key and type its fingerprint · Esc: leave (the rebuild is saved)';
      return step.writes ? 'Run this step? [y/N] (Esc: leave; the rebuild is saved and resumes here)' : 'Enter runs this read-only step · Esc: leave (the rebuild is saved)';
    case 'trust':
      return '';
    case 'running':
      return p.cancelling ? 'Cancelling: stopping what runs…' : 'Running · Esc or q: ask to cancel · L: the raw log';
    case 'outcome':
      if (step.state === 'done' || step.state === 'already-done') return 'Enter: the next step · Esc: leave (the rebuild is saved)';
      return 'Enter: check it again and retry once fixed · Esc: leave (the rebuild is saved)';
    default:
      return assertNever(p);
  }
}
