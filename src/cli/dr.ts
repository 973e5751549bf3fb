/**
 * `strata dr card [--config F] [--markdown|--text] [--timeout S]`: the page to
 * keep on paper or a USB stick (docs/disaster-recovery.md). Reads what
 * answers within the bound and says what did not: it is printed in a
 * disaster too. `dr plan` reads the rebuild's plan (src/services/dr).
 */
import { buildDrCard } from '../domain/dr-card.js';
import { commandFlags, configFlag } from './args.js';
import { cardMarkdown, cardText } from './dr-card-format.js';
import { planText } from './dr-plan-format.js';
import { reportCommand, runCommand, RUN_USAGE } from './dr-run.js';
import { EXIT, type CliIo } from './io.js';
import { closeSession, openSessionOrExplain } from './session.js';

export const USAGE = `Usage: strata dr plan [--config FILE] [--json] [--lost HOST] [--parallel N] [--timeout SECONDS]
       strata dr card [--config FILE] [--markdown | --text] [--timeout SECONDS]

dr plan: the rebuild of a lost PVE node from what answers now: which copies
survive, each guest's way back (directly from a surviving PBS, or a chain
through a copy of its datastore), the prerequisites that must exist off-site
(config archive, PBS fingerprint, encryption key, passwords), each checked,
and the guests by tier with the tier's RTO and the expected time per step.
  --json          the plan as JSON
  --lost HOST     the inventory host to rebuild (default: the PVE node that does not answer)
  --parallel N    guest restores at once per target storage (default 2)

dr card:
Prints the disaster-recovery card: hosts and roles, PBS servers with their
certificate fingerprints and datastores, repositories and buckets, encryption
key fingerprints, where each secret lives (never a secret), the rebuild steps
with their first commands, and how to start Strata from its single file.
  --markdown      Markdown (the default when the output is not a terminal)
  --text          plain text of at most 80 columns (the default on a terminal)
  --timeout S     how long each host may take to answer (default the inventory's
                  probeTimeoutSeconds, 20 unless it says)
Hosts that do not answer are listed; the rest of the card comes from the inventory.`;

/** --timeout's seconds; undefined without it (the inventory's probe timeout), null when it is not one. */
function timeoutOf(flag: string | undefined, name: string, io: CliIo): number | undefined | null {
  if (flag === undefined) return undefined;
  const seconds = Number(flag);
  if (!/^\d+$/.test(flag) || seconds < 1 || seconds > 600) {
    io.err(`${name}: --timeout: "${flag}" is not a whole number of seconds from 1 to 600\n\n${USAGE}`);
    return null;
  }
  return seconds;
}

async function planCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = commandFlags(args, { json: { type: 'boolean' }, lost: { type: 'string' }, parallel: { type: 'string' }, timeout: { type: 'string' } }, { io, name: 'strata dr plan', usage: USAGE });
  if ('exit' in parsed) return parsed.exit;
  const f = parsed.values;
  const timeout = timeoutOf(f.timeout, 'strata dr plan', io);
  if (timeout === null) return EXIT.usage;
  const parallel = f.parallel === undefined ? undefined : Number(f.parallel);
  if (parallel !== undefined && !(Number.isInteger(parallel) && parallel >= 1 && parallel <= 16)) {
    io.err(`strata dr plan: --parallel: "${f.parallel}" is not a whole number from 1 to 16\n\n${USAGE}`);
    return EXIT.usage;
  }
  const session = await openSessionOrExplain(configFlag(f, io.env), io);
  if (!session) return EXIT.config;
  try {
    if (f.lost !== undefined && !session.inventory.hosts.some((h) => h.name === f.lost)) {
      io.err(`strata dr plan: --lost: no host "${f.lost}" in the inventory`);
      return EXIT.usage;
    }
    const plan = await session.dr.plan({ timeoutMs: (timeout ?? session.inventory.probeTimeoutSeconds) * 1000, ...(f.lost !== undefined ? { lostHost: f.lost } : {}), ...(parallel !== undefined ? { parallelPerStorage: parallel } : {}) });
    io.out(f.json ? `${JSON.stringify(plan, null, 2)}\n` : planText(plan));
    // Exit 1 when a guest has no way back or a prerequisite is missing: a script sees the plan is not whole.
    return plan.blockers.length > 0 ? EXIT.warn : EXIT.ok;
  } finally {
    await closeSession(session, io);
  }
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help') {
    io.out(`${USAGE}\n\n${RUN_USAGE}`);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  if (sub === 'plan') return planCommand(rest, io);
  if (sub === 'run') return runCommand(rest, io);
  if (sub === 'report') return reportCommand(rest, io);
  if (sub !== 'card') {
    io.err(`strata dr: unknown subcommand "${sub}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  const parsed = commandFlags(rest, { markdown: { type: 'boolean' }, text: { type: 'boolean' }, timeout: { type: 'string' } }, { io, name: 'strata dr card', usage: USAGE });
  if ('exit' in parsed) return parsed.exit;
  const flags = parsed.values;
  if (flags.markdown && flags.text) {
    io.err(`strata dr card: --markdown and --text exclude each other\n\n${USAGE}`);
    return EXIT.usage;
  }
  const timeoutSeconds = timeoutOf(flags.timeout, 'strata dr card', io);
  if (timeoutSeconds === null) return EXIT.usage;
  const session = await openSessionOrExplain(configFlag(flags, io.env), io);
  if (!session) return EXIT.config;
  try {
    const [facts, saved] = await Promise.all([session.readDrCardFacts((timeoutSeconds ?? session.inventory.probeTimeoutSeconds) * 1000, { rcloneRemotes: true }), session.loadSavedStatus().catch(() => null)]);
    const card = buildDrCard({
      inventory: session.inventory,
      configPath: session.configPath,
      facts,
      generatedAtSec: Math.floor(Date.now() / 1000),
      ...(saved ? { knownGuests: saved.report.assets.map((a) => ({ id: a.id, tier: a.tier })) } : {}),
    });
    const markdown = flags.markdown || (!flags.text && !io.isTTY);
    io.out(markdown ? cardMarkdown(card) : cardText(card));
    return EXIT.ok;
  } finally {
    await closeSession(session, io);
  }
}
