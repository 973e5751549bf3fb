/**
 * `strata retention --semantics pbs|pve|restic|restic-0.14 --keep "keep-last=3,keep-daily=2"
 *  [--tz ZONE] [--json] [--file FILE]`: reads times (ISO 8601 or epoch seconds,
 * one per line, optionally followed by `protected` or `partial`) and prints,
 * newest first, what a prune would keep or remove and the rule that kept it.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isoTime } from '../domain/format.js';
import {
  checkKeepOptions,
  formatKeepOptions,
  parseKeepOptions,
  planRetention,
  RETENTION_SEMANTICS,
  type RetentionPoint,
  type RetentionSemantics,
} from '../domain/retention/index.js';
import { parseTimestamp } from '../domain/timestamp.js';
import { zoneCalendar, type ZoneCalendar } from '../domain/zone-calendar.js';
import { EXIT, type CliIo } from './io.js';

const USAGE = `usage: strata retention --semantics pbs|pve|restic|restic-0.14 --keep OPTIONS [--tz ZONE] [--json] [--file FILE]

  --semantics  whose prune to follow: pbs, pve, restic (0.16+) or restic-0.14
  --keep       keep options, e.g. "keep-last=3,keep-daily=7,keep-weekly=4"
  --tz         the server's time zone for days and weeks (IANA name or +01:00; default: this host's)
  --json       print [{"time", "action", "reason"}]
  --file FILE  read the times from FILE instead of stdin
  --now TIME   restic: snapshots after this are not "the newest" for keep-within (default: now)

Input: one time per line (ISO 8601 or epoch seconds), optionally followed by "protected" or "partial".`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const fail = (message: string) => {
    io.err(`strata retention: ${message}`);
    return EXIT.usage;
  };
  let values;
  try {
    values = parseArgs({
      args,
      options: {
        semantics: { type: 'string' },
        keep: { type: 'string' },
        tz: { type: 'string' },
        json: { type: 'boolean' },
        file: { type: 'string' },
        now: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    return fail(`${(e as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const semantics = values.semantics as RetentionSemantics | undefined;
  if (semantics === undefined) return fail(`--semantics is required (${RETENTION_SEMANTICS.join(', ')})\n${USAGE}`);
  if (!RETENTION_SEMANTICS.includes(semantics)) return fail(`--semantics ${JSON.stringify(semantics)}: expected one of ${RETENTION_SEMANTICS.join(', ')}`);
  if (values.keep === undefined) return fail(`--keep is required, e.g. --keep "keep-last=3,keep-daily=7"\n${USAGE}`);
  const parsedKeep = parseKeepOptions(values.keep);
  if (!parsedKeep.ok) return fail(`--keep: ${parsedKeep.error.message}`);
  const keep = checkKeepOptions(parsedKeep.value, semantics);
  if (!keep.ok) return fail(`--keep: ${keep.error.message}`);

  const timeZone = values.tz ?? io.env.TZ ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zone = zoneCalendar(timeZone);
  if (!zone.ok) return fail(`--tz: ${zone.error.message}`);

  let now = Date.now() / 1000;
  if (values.now !== undefined) {
    const t = parseTimestamp(values.now, zone.value);
    if (!t.ok) return fail(`--now: ${t.error.message}`);
    now = t.value;
  }

  let input: string;
  try {
    input = values.file === undefined ? await io.readStdin() : await readFile(values.file, 'utf8');
  } catch (e) {
    return fail(`cannot read ${values.file}: ${(e as Error).message}`);
  }
  const points = parsePoints(input, zone.value);
  if (!points.ok) return fail(points.message);

  const plan = planRetention(points.points, keep.value, { semantics, timeZone, nowSec: now });
  if (values.json) {
    io.out(JSON.stringify(plan.map((d) => ({ time: isoTime(d.timeSec), action: d.action, reason: d.reason }))));
    return EXIT.ok;
  }
  const lines = plan.map((d) => `${zone.value.format(d.timeSec)}  ${d.action.padEnd(6)}  ${d.reason ?? ''}`.trimEnd());
  const kept = plan.filter((d) => d.action === 'keep').length;
  lines.push(
    `keep ${kept}, remove ${plan.length - kept} (${semantics}, ${formatKeepOptions(keep.value) || 'no keep options: keep everything'}, ${timeZone})`,
  );
  io.out(lines.join('\n'));
  return EXIT.ok;
}

function parsePoints(
  input: string,
  zone: ZoneCalendar,
): { ok: true; points: RetentionPoint[] } | { ok: false; message: string } {
  const points: RetentionPoint[] = [];
  const lines = input.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = line.split(/\s+/);
    const flags = new Set<string>();
    while (words.length > 1 && /^(protected|partial)$/i.test(words[words.length - 1]!)) flags.add(words.pop()!.toLowerCase());
    // An ISO time may be written with a space between date and time.
    const time = parseTimestamp(words.join(' '), zone);
    if (!time.ok) {
      return { ok: false, message: `line ${i + 1}: ${time.error.message}${words.length > 1 ? '; only "protected" or "partial" may follow the time' : ''}` };
    }
    points.push({ timeSec: time.value, ...(flags.has('protected') ? { protected: true } : {}), ...(flags.has('partial') ? { partial: true } : {}) });
  }
  return { ok: true, points };
}
