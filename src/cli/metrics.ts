/**
 * `strata metrics`: the status in the Prometheus text format, printed once,
 * written for node_exporter's textfile collector, or served on /metrics.
 * Fleet-wide alerting and history live in Prometheus; Strata only feeds it.
 */
import { parseDuration } from '../domain/duration.js';
import { CachedReading } from '../services/metrics/cached-reading.js';
import { exposition } from '../services/metrics/exposition.js';
import { parseListenAddress, serveMetrics, type ListenAddress, type MetricsServer } from '../services/metrics/http-server.js';
import { statusMetrics } from '../services/metrics/status-metrics.js';
import { writeTextfile } from '../services/metrics/textfile.js';
import { commandFlags, configFlag } from './args.js';
import { estateReader } from './estate-reading.js';
import { EXIT, type CliIo } from './io.js';
import { closeSession, openSessionOrExplain, type Session } from './session.js';

export const DEFAULT_MIN_INTERVAL = '60s';

export const USAGE = `Usage: strata metrics [--config FILE] [--textfile DIR | --listen ADDR [--min-interval D]]

Reads every layer once and prints the status in the Prometheus text format:
health per host, layer and workload (0 ok, 1 warn, 2 crit, 3 unknown), newest
point, RPO, points, capacity, copies/media/off-site against the tier, last
proven restorable, clock skew, session start and probe durations.
  --textfile DIR    write DIR/strata.prom atomically for node_exporter's textfile
                    collector (--collector.textfile.directory=DIR), from a timer
  --listen ADDR     serve /metrics on ADDR (127.0.0.1:9155, [::1]:9155, :9155)
                    until stopped; each scrape is answered from the last reading,
                    and a scrape that finds it older than --min-interval starts a
                    new one (one at a time); strata_metrics_cache_age_seconds says
                    how old the served reading is
  --min-interval D  the least time between two readings with --listen (default ${DEFAULT_MIN_INTERVAL})
Exit codes: 0 written or served, 64 usage, 70 the status could not be read, 78 bad config.`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = commandFlags(
    args,
    { textfile: { type: 'string' }, listen: { type: 'string' }, 'min-interval': { type: 'string' } },
    { io, name: 'strata metrics', usage: USAGE },
  );
  if ('exit' in parsed) return parsed.exit;
  const flags = parsed.values;
  const usage = (message: string) => {
    io.err(`strata metrics: ${message}\n\n${USAGE}`);
    return EXIT.usage;
  };
  if (flags.textfile !== undefined && flags.listen !== undefined) return usage('--textfile and --listen are two ways to run it: give one');
  const address = flags.listen === undefined ? undefined : parseListenAddress(flags.listen);
  if (address === null) return usage(`--listen: "${flags.listen}" is not HOST:PORT, [IPv6]:PORT or :PORT`);
  if (flags['min-interval'] !== undefined && address === undefined) return usage('--min-interval goes with --listen');
  const interval = parseDuration(flags['min-interval'] ?? DEFAULT_MIN_INTERVAL);
  if (!interval.ok) return usage(`--min-interval: ${interval.error.message}`);

  const session = await openSessionOrExplain(configFlag(flags, io.env), io, { readOnly: true });
  if (!session) return EXIT.config;
  try {
    if (address) {
      const served = await listen(session, address, interval.value * 1000);
      io.err(`strata metrics: serving ${served.server.url} (a new reading at most every ${flags['min-interval'] ?? DEFAULT_MIN_INTERVAL}); Ctrl-C stops`);
      await untilStopped();
      await served.close();
      return EXIT.ok;
    }
    const reader = await estateReader(session);
    let text: string;
    try {
      text = exposition(statusMetrics(await reader.read()));
    } catch (e) {
      io.err(`strata metrics: ${e instanceof Error ? e.message : String(e)}`);
      return EXIT.software;
    }
    if (flags.textfile === undefined) {
      io.out(text);
      return EXIT.ok;
    }
    try {
      await writeTextfile(flags.textfile, text);
    } catch (e) {
      io.err(`strata metrics: cannot write the textfile in ${flags.textfile}: ${e instanceof Error ? e.message : String(e)}`);
      return EXIT.software;
    }
    return EXIT.ok;
  } finally {
    await closeSession(session, io);
  }
}

export interface ListeningMetrics {
  readonly server: MetricsServer;
  readonly cache: CachedReading;
  close(): Promise<void>;
}

/** Serves /metrics from readings of the session's estate; the first reading starts at once. */
export async function listen(session: Session, address: ListenAddress, minIntervalMs: number): Promise<ListeningMetrics> {
  const reader = await estateReader(session);
  const cache = new CachedReading({ read: () => reader.read(), minIntervalMs, nowMs: () => Date.now() });
  void cache.refreshIfDue();
  const server = await serveMetrics(address, () => cache.page());
  return {
    server,
    cache,
    async close() {
      await server.close();
      // A reading still running holds connections the session is about to close.
      await cache.idle();
    },
  };
}

function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
