/**
 * `strata report`: the estate's protection as Markdown (per tier and per
 * workload, the gaps, the last drills and restore times against the RPO and
 * RTO), from one reading through the composition root, as `strata status`
 * and the panel read it, with the journal's restores and drills.
 */
import { errorText } from '../domain/error-text.js';
import { protectionMarkdown } from '../services/report/protection-markdown.js';
import { commandFlags, configFlag } from './args.js';
import { estateReader } from './estate-reading.js';
import { EXIT, type CliIo } from './io.js';
import { closeSession, openSessionOrExplain } from './session.js';

export const USAGE = `Usage: strata report [--config FILE]

Reads every layer once and prints the estate's protection as Markdown:
  - per tier: its copies, media, off-site, RPO and RTO, how many of its
    workloads are ok, the slowest measured restore, how many were drilled
  - per workload: copies/media/off-site against its tier, health, the newest
    point's age against the RPO, last proven restorable, last drill, the
    measured restore time against the RTO
  - the gaps: every host, layer and workload that is not ok with its reasons,
    and every RTO that no drill or restore has met
  - the last drill and restore of each workload, from the journal
For change control: strata report > protection-$(date +%F).md
Exit codes: 0 printed (whatever the health: \`strata status\` exits by it),
70 the status could not be read, 78 bad config.`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = commandFlags(args, {}, { io, name: 'strata report', usage: USAGE });
  if ('exit' in parsed) return parsed.exit;
  const session = await openSessionOrExplain(configFlag(parsed.values, io.env), io, { readOnly: true });
  if (!session) return EXIT.config;
  try {
    const reader = await estateReader(session);
    let text: string;
    try {
      const { report } = await reader.read();
      const restores = session.restoreEvidence(reader.store.getState().observations.layers);
      text = protectionMarkdown({ report, tiers: session.inventory.tiers, defaultTier: session.inventory.defaultTier, restores, configPath: session.configPath });
    } catch (e) {
      io.err(`strata report: ${errorText(e)}`);
      return EXIT.software;
    }
    io.out(text.trimEnd());
    return EXIT.ok;
  } finally {
    await closeSession(session, io);
  }
}
