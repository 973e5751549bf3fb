/** A host's own health: reachable, and its clock close to ours. */
import { formatDuration } from '../duration.js';
import type { HostFile } from '../inventory-file.js';
import type { HostStatus } from '../status-report.js';
import { worstHealth, type Reason } from '../types.js';
import { reasonMessages, type EvaluationContext } from './context.js';

export function evaluateHost(ctx: EvaluationContext, host: HostFile): HostStatus {
  const obs = ctx.hostObs.get(host.name);
  const reasons: Reason[] = [];
  if (obs === undefined) {
    reasons.push({ health: 'unknown', host: host.name, message: `${host.name}: not read yet` });
  } else if (!obs.reachable) {
    reasons.push({ health: 'unknown', host: host.name, message: `${host.name}: ${obs.error ?? 'unreachable'}` });
  } else if (obs.error !== null) {
    // Reached, but its clock could not be read: its points are aged by this host's clock, unchecked.
    reasons.push({ health: 'warn', host: host.name, message: `${host.name}: ${obs.error}; ages use this host's clock` });
  } else if (obs.clockSkewSeconds !== null && Math.abs(obs.clockSkewSeconds) > ctx.inventory.thresholds.clockSkewWarnSeconds) {
    const skew = obs.clockSkewSeconds;
    reasons.push({
      health: 'warn',
      host: host.name,
      message: `${host.name}: clock is ${formatDuration(Math.abs(skew))} ${skew > 0 ? 'ahead of' : 'behind'} this host (more than ${formatDuration(ctx.inventory.thresholds.clockSkewWarnSeconds)})`,
    });
  }
  return {
    name: host.name,
    reachable: obs?.reachable ?? false,
    error: obs === undefined ? 'not read yet' : obs.error,
    clockSkewSeconds: obs?.clockSkewSeconds ?? null,
    sessionStartMs: obs?.sessionStartMs ?? null,
    health: worstHealth(reasons.map((r) => r.health)),
    reasons: reasonMessages(reasons),
  };
}
