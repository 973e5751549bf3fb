/**
 * `strata journal [--json]`: what Strata did on hosts, oldest first, from
 * the journal in the state directory. Lines a crash cut short or that are not
 * entries are skipped with a notice on stderr; every other entry is shown.
 */
import { JOURNAL_FILE, Journal, type JournalEntry } from '../services/journal/index.js';
import { statePath } from '../services/state-dir.js';
import { commandFlags } from './args.js';
import { EXIT, type CliIo } from './io.js';

export const USAGE = `Usage: strata journal [--json]

Prints the journal: every action Strata ran (who, when, the plan, the outcome
and, for verifies, whether the copies were proven sound) and every command
each action ran on a host, with its exit code and duration. Secrets appear by
name only. The read-only status probes that run on every refresh (listed by
\`strata commands\`) are not journaled.
  --json   one JSON document: {"version":1,"path":...,"entries":[...],"skipped":[...]}
The journal is $STRATA_STATE_DIR/${JOURNAL_FILE}, else $XDG_STATE_HOME/strata/${JOURNAL_FILE},
else ~/.local/state/strata/${JOURNAL_FILE}.`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = commandFlags(args, { json: { type: 'boolean' } }, { io, name: 'strata journal', usage: USAGE });
  if ('exit' in parsed) return parsed.exit;
  const flags = parsed.values;
  const path = statePath(JOURNAL_FILE, io.env);
  let contents;
  try {
    contents = await new Journal(path).read();
  } catch (e) {
    io.err(`strata journal: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.software;
  }
  const { entries, problems } = contents;
  for (const p of problems) io.err(`strata journal: ${path} line ${p.line}: ${p.message}`);
  if (flags.json) {
    io.out(JSON.stringify({ version: 1, path, entries, skipped: problems }));
    return EXIT.ok;
  }
  if (entries.length === 0) {
    io.out(`The journal at ${path} is empty: Strata has not run an action yet.`);
    return EXIT.ok;
  }
  io.out(entries.map(formatEntry).join('\n'));
  return EXIT.ok;
}

const time = (iso: string) => iso.replace(/\.\d+Z$/, 'Z').replace('T', ' ');

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatEntry(e: JournalEntry): string {
  const head = `${time(e.at)}  ${e.operator}`;
  switch (e.type) {
    case 'action-start':
      return `${head}  ▶ ${e.request.kind} ${e.request.layerId}${e.request.assetId ? ` ${e.request.assetId}` : ''}: ${e.title}  [${e.actionId}]`;
    case 'command': {
      const end = e.exitCode !== null ? `exit ${e.exitCode}` : `${e.error?.kind ?? 'no exit code'}${e.error ? `: ${e.error.message}` : ''}`;
      const tail = e.stderrTail ? `\n${e.stderrTail.split('\n').map((l) => `      | ${l}`).join('\n')}` : '';
      return `${head}    ${e.host}$ ${e.command}  → ${end} (${duration(e.durationMs)})${tail}`;
    }
    case 'action-end':
      return `${head}  ■ ${e.state}${e.verified ? ` (verified ${e.verified})` : ''}: ${e.summary}  (${duration(e.durationMs)}) [${e.actionId}]`;
  }
}
