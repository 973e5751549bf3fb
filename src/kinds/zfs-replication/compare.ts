/**
 * A replication verify judged from both sides' snapshot lists: the newest
 * snapshot both hold is what a restore from the target gets and what the next
 * incremental send starts from. No common snapshot breaks the chain.
 */
import type { ZfsSnapshot } from '../../adapters/zfs/parse.js';
import type { ActionPlan } from '../action-types.js';
import type { StepVerdict } from '../step-readers.js';
import { formatDurationShort } from '../shared/words.js';

export function compareReplication(
  compare: NonNullable<ActionPlan['compare']>,
  source: readonly ZfsSnapshot[],
  target: readonly ZfsSnapshot[],
  now: number,
): StepVerdict {
  const onTarget = new Set(target.map((s) => s.snapshot));
  const newestFirst = [...source].sort((a, b) => b.time - a.time);
  const common = newestFirst.find((s) => onTarget.has(s.snapshot));
  const missing = common ? newestFirst.filter((s) => s.time > common.time && !onTarget.has(s.snapshot)) : newestFirst;
  if (!common) {
    return {
      state: 'failed',
      verified: 'failed',
      summary: `${compare.target} shares no snapshot with ${compare.source} (${source.length} on the source, ${target.length} on the target): the next send must be a full one`,
    };
  }
  const age = Math.max(0, now - common.time);
  const lag = `newest common @${common.snapshot}, ${formatDurationShort(age)} old`;
  const behind = missing.length > 0 ? `; ${missing.length} newer on the source not yet on the target (newest @${missing[0]!.snapshot})` : '';
  if (compare.maxLagSeconds !== null && age > compare.maxLagSeconds) {
    return { state: 'warning', verified: 'ok', summary: `${lag} (over the RPO of ${formatDurationShort(compare.maxLagSeconds)})${behind}` };
  }
  return { state: 'ok', verified: 'ok', summary: `${lag}${behind}` };
}
