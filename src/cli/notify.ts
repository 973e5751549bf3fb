/**
 * `strata notify`: read the estate once, as the panel does, and send what
 * changed to the inventory's notification targets (one message per root
 * cause; reminders; recoveries), for a timer after each reading. What could
 * not be sent is kept and sent first next time, and the exit code says so.
 */
import type { NotifyMessage } from '../domain/notify/messages.js';
import type { NotifyRun, SendOutcome } from '../services/notify/notifier.js';
import { errorText } from '../domain/error-text.js';
import { commandFlags, configFlag } from './args.js';
import { estateReader } from './estate-reading.js';
import { EXIT, type CliIo } from './io.js';
import { closeSession, openSessionOrExplain } from './session.js';

export const USAGE = `Usage: strata notify [--config FILE] [--dry-run]

Reads every layer once and sends a message to each notification target of
the inventory when a health changed: a new problem, one that got worse or
better, a reminder every remindEvery for what stays bad, and a recovery. One
message per root cause: a host, datastore or bucket that failed is named once,
with the layers and workloads failing with it counted. Healthchecks-style
targets get a start ping, then success or fail with the status as body.
What could not be sent is kept in the state directory and sent first next run.
  --dry-run   print the messages this reading would send; send and keep nothing
Exit codes: 0 sent (or nothing to tell), 64 usage, 70 the status could not be
read or the state not written, 75 a message or ping could not be sent (kept
for the next run), 78 bad config or no notification targets.`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = commandFlags(args, { 'dry-run': { type: 'boolean' } }, { io, name: 'strata notify', usage: USAGE });
  if ('exit' in parsed) return parsed.exit;
  const dryRun = parsed.values['dry-run'] === true;
  const session = await openSessionOrExplain(configFlag(parsed.values, io.env), io, { readOnly: true });
  if (!session) return EXIT.config;
  const notifier = session.notifier;
  try {
    if (notifier.targets.length === 0 && !dryRun) {
      io.err(`strata notify: the inventory ${session.configPath} has no notification targets (see "notifications" in docs/inventory.md); --dry-run shows what would be sent`);
      return EXIT.config;
    }
    const started = dryRun ? [] : await notifier.start();
    const reader = await estateReader(session);
    let reading;
    try {
      reading = await reader.read();
    } catch (e) {
      io.err(`strata notify: the status could not be read: ${errorText(e)}`);
      if (!dryRun) reportFailures(io, await notifier.readingFailed(errorText(e)));
      return EXIT.software;
    }
    const nowSec = reading.readAtMs / 1000;
    if (dryRun) {
      const preview = await notifier.preview(reading.report, nowSec);
      for (const p of preview.problems) io.err(`strata notify: ${p}`);
      io.out(dryRunText(preview.plan.messages, preview.pending, notifier.targets.map((t) => t.name)));
      return EXIT.ok;
    }
    const result = await notifier.afterReading(reading.report, nowSec, { pings: true });
    io.out(runText(result));
    const failed = reportFailures(io, [...started, ...result.outcomes]);
    for (const p of result.problems) io.err(`strata notify: ${p}`);
    if (failed) return EXIT.tempFail;
    return result.problems.some((p) => p.includes('could not be written')) ? EXIT.software : EXIT.ok;
  } finally {
    await closeSession(session, io);
  }
}

/** One stderr line per send that failed every attempt; true when there was one. */
function reportFailures(io: CliIo, outcomes: readonly SendOutcome[]): boolean {
  const failed = outcomes.filter((o) => !o.ok);
  for (const f of failed) {
    const tries = f.attempts > 0 ? ` after ${f.attempts} attempt${f.attempts === 1 ? '' : 's'}` : '';
    io.err(`strata notify: not sent to ${f.target}${tries}: ${f.what}: ${f.error ?? 'failed'}${f.what.startsWith('ping') ? '' : ' (kept for the next run)'}`);
  }
  return failed.length > 0;
}

function runText(r: NotifyRun): string {
  const lines: string[] = [];
  if (r.messages.length === 0) lines.push(`nothing changed (${r.causes.length} problem${r.causes.length === 1 ? '' : 's'} already told)`);
  const sent = new Map<string, string[]>();
  for (const o of r.outcomes) if (o.ok) sent.set(o.what, [...(sent.get(o.what) ?? []), o.target]);
  for (const [what, targets] of sent) lines.push(`sent: ${what} -> ${targets.join(', ')}`);
  const waiting = Object.entries(r.pending).filter(([, n]) => n > 0);
  for (const [target, n] of waiting) lines.push(`waiting for ${target}: ${n} message${n === 1 ? '' : 's'}`);
  return lines.join('\n');
}

function dryRunText(messages: readonly NotifyMessage[], pending: Readonly<Record<string, number>>, targets: readonly string[]): string {
  const lines = [`dry run: nothing is sent or kept; targets: ${targets.length > 0 ? targets.join(', ') : 'none'}`];
  for (const [target, n] of Object.entries(pending)) if (n > 0) lines.push(`${target} has ${n} message${n === 1 ? '' : 's'} waiting from earlier runs`);
  if (messages.length === 0) lines.push('no message: nothing changed since the last run');
  for (const m of messages) lines.push('', `[${m.event}] ${m.title}`, ...m.text.split('\n').map((l) => `  ${l}`));
  return lines.join('\n');
}
