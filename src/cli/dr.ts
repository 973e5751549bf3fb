/**
 * `strata dr card [--config F] [--markdown|--text] [--timeout S]`: the page to
 * keep on paper or a USB stick (docs/disaster-recovery.md). Reads what
 * answers within the bound and says what did not: it is printed in a
 * disaster too. The plan and the rebuild wizard come later as `dr plan` and
 * `dr run` beside it.
 */
import { buildDrCard } from '../domain/dr-card.js';
import { commandFlags, configFlag } from './args.js';
import { cardMarkdown, cardText } from './dr-card-format.js';
import { EXIT, type CliIo } from './io.js';
import { closeSession, openSession, printProblems } from './session.js';

export const USAGE = `Usage: strata dr card [--config FILE] [--markdown | --text] [--timeout SECONDS]

Prints the disaster-recovery card: hosts and roles, PBS servers with their
certificate fingerprints and datastores, repositories and buckets, encryption
key fingerprints, where each secret lives (never a secret), the rebuild steps
with their first commands, and how to start Strata from its single file.
  --markdown      Markdown (the default when the output is not a terminal)
  --text          plain text of at most 80 columns (the default on a terminal)
  --timeout S     how long each host may take to answer (default 10)
Hosts that do not answer are listed; the rest of the card comes from the inventory.`;

const DEFAULT_TIMEOUT_SECONDS = 10;

export async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help') {
    io.out(USAGE);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
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
  const timeoutSeconds = flags.timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(flags.timeout);
  if (!/^\d+$/.test(flags.timeout ?? '10') || timeoutSeconds < 1 || timeoutSeconds > 600) {
    io.err(`strata dr card: --timeout: "${flags.timeout}" is not a whole number of seconds from 1 to 600\n\n${USAGE}`);
    return EXIT.usage;
  }
  const opened = await openSession(configFlag(flags, io.env), io);
  if (!opened.ok) {
    printProblems(io, opened.path, opened.problems, opened.stopped);
    return EXIT.config;
  }
  const { session } = opened;
  try {
    const [facts, saved] = await Promise.all([session.readDrCardFacts(timeoutSeconds * 1000), session.loadSavedStatus().catch(() => null)]);
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
