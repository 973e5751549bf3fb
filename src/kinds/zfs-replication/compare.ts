/**
 * A replication verify judged from both sides' snapshot lists: the newest
 * snapshot both hold is what a restore from the target gets and what the next
 * incremental send starts from. No common snapshot breaks the chain.
 */
import type { ZfsSnapshot } from '../../adapters/zfs/parse.js';
import type { ActionPlan, StepOutput } from '../action-types.js';
import type { StepVerdict } from '../shared/step-reading.js';
import { formatDurationShort } from '../shared/words.js';

type Comparison = Extract<NonNullable<ActionPlan['compare']>, { readonly kind: 'zfs-replication' }>;

/** Judges a replication verify from the snapshot lists its steps read on each side. */
export function judgeReplication(
  compare: Comparison,
  ran: readonly { readonly output?: StepOutput; readonly verdict: StepVerdict }[],
  now: number,
): StepVerdict {
  const side = (which: 'source' | 'target') => ran.find((r) => r.output?.kind === 'zfs-snapshots' && r.output.side === which)?.verdict.snapshots;
  const source = side('source');
  const target = side('target');
  return source && target ? compareReplication(compare, source, target, now) : { state: 'failed', summary: 'could not read both snapshot lists' };
}

export function compareReplication(
  compare: Comparison,
  source: readonly ZfsSnapshot[],
  target: readonly ZfsSnapshot[],
  now: number,
): StepVerdict {
  const onTarget = new Set(target.map((s) => s.snapshot));
  const newestFirst = [...source].sort((a, b) => b.timeSec - a.timeSec);
  const common = newestFirst.find((s) => onTarget.has(s.snapshot));
  const missing = common ? newestFirst.filter((s) => s.timeSec > common.timeSec && !onTarget.has(s.snapshot)) : newestFirst;
  if (!common) {
    return {
      state: 'failed',
      verified: 'failed',
      summary: `${compare.target} shares no snapshot with ${compare.source} (${source.length} on the source, ${target.length} on the target): the next send must be a full one`,
    };
  }
  const age = Math.max(0, now - common.timeSec);
  const lag = `newest common @${common.snapshot}, ${formatDurationShort(age)} old`;
  const behind = missing.length > 0 ? `; ${missing.length} newer on the source not yet on the target (newest @${missing[0]!.snapshot})` : '';
  if (compare.maxLagSeconds !== null && age > compare.maxLagSeconds) {
    return { state: 'warn', verified: 'ok', summary: `${lag} (over the RPO of ${formatDurationShort(compare.maxLagSeconds)})${behind}` };
  }
  return { state: 'ok', verified: 'ok', summary: `${lag}${behind}` };
}
