/**
 * `strata status [--config F] [--json] [--host H] [--layer L]`: the truth
 * without a screen, for cron and monitoring. Exit codes are Nagios levels.
 */
import { exitCodeFor, type StatusReport } from '../domain/status-report.js';
import { onlyWhatWasRead } from '../services/status-service.js';
import { appStore } from './app.js';
import { commandFlags, configFlag } from './args.js';
import { formatStatus } from './format-status.js';
import { EXIT, type CliIo } from './io.js';
import { closeSession, openSessionOrExplain, type Session } from './session.js';

export const USAGE = `Usage: strata status [--config FILE] [--json] [--host NAME]... [--layer ID]...

Reads every layer of the inventory and prints its health: hosts, layers, and
each workload's copies, media and off-site copies against its tier.
  --json        the v1 JSON contract (see DESIGN.md) instead of tables
  --host NAME   only the layers on this host (repeatable)
  --layer ID    only this layer (repeatable)
With --host or --layer, workloads are left out: their 3-2-1 needs every layer.
Exit codes: 0 ok, 1 warn, 2 crit, 3 unknown, 64 usage, 78 bad config.`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = commandFlags(
    args,
    { json: { type: 'boolean' }, host: { type: 'string', multiple: true }, layer: { type: 'string', multiple: true } },
    { io, name: 'strata status', usage: USAGE },
  );
  if ('exit' in parsed) return parsed.exit;
  const flags = parsed.values;
  const session = await openSessionOrExplain(configFlag(flags, io.env), io);
  if (!session) return EXIT.config;
  try {
    const unknown = unknownNames(session, flags.host ?? [], flags.layer ?? []);
    if (unknown) {
      io.err(`strata status: ${unknown}\n\n${USAGE}`);
      return EXIT.usage;
    }
    const report = await statusReport(session, flags.host, flags.layer);
    if (flags.json) io.out(JSON.stringify(report));
    else io.out(formatStatus(report, { color: io.isTTY && !io.env.NO_COLOR }));
    return exitCodeFor(report);
  } finally {
    await closeSession(session, io);
  }
}

function unknownNames(session: Session, hosts: string[], layers: string[]): string | null {
  const badHost = hosts.find((h) => !session.inventory.hosts.some((x) => x.name === h));
  if (badHost) return `no host named "${badHost}" in ${session.configPath}`;
  const badLayer = layers.find((l) => !session.inventory.layers.some((x) => x.id === l));
  if (badLayer) return `no layer named "${badLayer}" in ${session.configPath}`;
  return null;
}

/**
 * Reads the status through the store, as the TUI does. The saved status of the
 * last reading (this command's or the panel's) is where workloads of a host
 * that is down now are still known from; a whole reading is saved for the next.
 */
export async function statusReport(session: Session, hosts?: string[], layers?: string[]): Promise<StatusReport> {
  const filtered = Boolean(hosts?.length || layers?.length);
  // A reading of some hosts or layers is no whole status to start from.
  const store = appStore(session, { saveReports: !filtered });
  const saved = await session.loadSavedStatus();
  if (saved) store.getState().showSavedReport(saved.report, saved.readAtMs);
  const report = await store.getState().refresh({
    ...(hosts?.length ? { hosts } : {}),
    ...(layers?.length ? { layers } : {}),
  });
  if (!report) throw new Error(store.getState().refreshError ?? 'refresh failed');
  if (!filtered) return report;
  const { observations } = store.getState();
  return onlyWhatWasRead(report, { hosts: Object.keys(observations.hosts), layers: Object.keys(observations.layers) });
}
