/**
 * What one refresh reads about a host itself: its clock, time zone and (for
 * PVE nodes without a configured `node`) its host name. Ages are computed in
 * the host's time, so a skewed clock is reported rather than silently trusted.
 */
import { CLOCK_COMMAND, HOSTNAME_COMMAND } from '../adapters/host/commands.js';
import { isTransportError } from '../transport/errors.js';
import type { Runner } from '../transport/runner.js';
import { errorText } from '../domain/error-text.js';

export interface HostProbe {
  readonly reachable: boolean;
  readonly error: string | null;
  /** Host epoch seconds when read, or null when unknown. */
  readonly hostNowSec: number | null;
  readonly utcOffset: string | null;
  readonly hostname: string | null;
  /** Host clock minus local clock at the moment of reading (seconds, rounded). */
  readonly clockSkewSeconds: number | null;
}

/** Parses `date '+%s %z'` output: `1764000000 +0100`. */
export function parseClock(stdout: string): { epoch: number; offset: string } | null {
  const m = /^\s*(\d{9,11})\s+([+-]\d{4})\s*$/.exec(stdout);
  if (!m) return null;
  return { epoch: Number(m[1]), offset: m[2]! };
}

export async function probeHost(
  runner: Runner,
  opts: { needHostname: boolean; timeoutMs: number; localNow: () => number; signal?: AbortSignal },
): Promise<HostProbe> {
  const runOpts = opts.signal ? { signal: opts.signal } : {};
  try {
    const sentAt = opts.localNow();
    const [clock, name] = await Promise.all([
      runner.run({ ...CLOCK_COMMAND, timeoutMs: opts.timeoutMs }, runOpts),
      opts.needHostname ? runner.run({ ...HOSTNAME_COMMAND, timeoutMs: opts.timeoutMs }, runOpts) : null,
    ]);
    const receivedAt = opts.localNow();
    const parsed = clock.exitCode === 0 ? parseClock(clock.stdout) : null;
    const hostname = name && name.exitCode === 0 ? name.stdout.trim() || null : null;
    // The host read its clock somewhere between sending and receiving: compare with the midpoint.
    // `date +%s` truncates, so the host's time was half a second later than it says, on average.
    const localMid = (sentAt + receivedAt) / 2;
    return {
      reachable: true,
      error: parsed ? null : `cannot read the clock: date printed ${JSON.stringify(clock.stdout.slice(0, 40))}`,
      hostNowSec: parsed?.epoch ?? null,
      utcOffset: parsed?.offset ?? null,
      hostname,
      clockSkewSeconds: parsed ? Math.round(parsed.epoch + 0.5 - localMid) : null,
    };
  } catch (e) {
    return {
      reachable: false,
      error: isTransportError(e) ? e.message : errorText(e),
      hostNowSec: null,
      utcOffset: null,
      hostname: null,
      clockSkewSeconds: null,
    };
  }
}
