/**
 * `strata` with no command: the control panel on the operator's inventory,
 * the demo lab when there is no inventory anywhere yet (a new user's first
 * `npm start`), and the status printed once when not on a terminal.
 */
import { access } from 'node:fs/promises';
import { exitCodeFor } from '../domain/status-report.js';
import { defaultConfigPath } from '../services/inventory-loader.js';
import { commandFlags, configFlag } from './args.js';
import { formatStatus } from './format-status.js';
import { EXIT, type CliIo } from './io.js';
import { closeSession, openSessionOrExplain } from './session.js';
import { statusReport } from './status.js';

export const USAGE = `Usage: strata [--config FILE] [--read-only]

Opens the control panel: every host and layer live, run and verify from the
keyboard (press ? for the keys). Not on a terminal, it prints the status once.
  --read-only   nothing that changes a host is offered (no run, no PBS verify)
Keys: docs/keybindings.md.`;

/** A new user's first `npm start`: no inventory at the default place (its path), else null. */
async function defaultInventoryMissing(): Promise<string | null> {
  const path = defaultConfigPath();
  return access(path).then(
    () => null,
    () => path,
  );
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = commandFlags(args, { 'read-only': { type: 'boolean' } }, { io, name: 'strata', usage: USAGE });
  if ('exit' in parsed) return parsed.exit;
  const flags = parsed.values;
  const named = configFlag(flags, io.env);
  const missing = named ? null : await defaultInventoryMissing();
  if (missing) {
    io.err(
      `strata: no inventory at ${missing} (and no --config or STRATA_CONFIG), so here is the demo lab.\n` +
        '        Write your own from examples/homelab.json, or run `strata demo --help`.',
    );
    const demo = await import('./demo.js');
    return demo.run(flags['read-only'] ? ['--read-only'] : [], io);
  }
  const session = await openSessionOrExplain(named, io, { readOnly: flags['read-only'] ?? false });
  if (!session) return EXIT.config;
  try {
    if (!io.isTTY) {
      const report = await statusReport(session);
      io.out(formatStatus(report, { color: false }));
      io.err('strata: not a terminal, so the status was printed once. Run `strata` in a terminal for the control panel, or `strata status --json` for monitoring.');
      return exitCodeFor(report);
    }
    const { runTui } = await import('./tui.js');
    return await runTui({ session, io, readOnly: flags['read-only'] ?? false });
  } finally {
    await closeSession(session, io);
  }
}
