/**
 * `strata journal [--json]`: what Strata did on hosts, oldest first, from
 * the journal in the state directory. Lines a crash cut short or that are not
 * entries are skipped with a notice on stderr; every other entry is shown.
 */
import { JOURNAL_FILE, Journal, PROBE_LOG_FILE, PROBE_LOG_PREVIOUS_FILE, ProbeLog, type JournalEntry, type JournalProblem } from '../services/journal/index.js';
import { statePath } from '../services/state-dir.js';
import { commandFlags } from './args.js';
import { EXIT, type CliIo } from './io.js';
import { errorText } from '../domain/error-text.js';

export const USAGE = `Usage: strata journal [--probes] [--json]

Prints the journal: every action Strata ran (who, when, the plan, the outcome
and, for verifies, whether the copies were proven sound) and every command
each action ran on a host, with its exit code and duration. Secrets appear by
name only.
  --probes also the read-only probes every refresh ran (the commands
           \`strata commands\` lists), from the probe log, in time order
  --json   one JSON document: {"version":1,"path":...,"entries":[...],"skipped":[...]}
           (with --probes also "probeLog": [its files])
The journal is $STRATA_STATE_DIR/${JOURNAL_FILE}, else $XDG_STATE_HOME/strata/${JOURNAL_FILE},
else ~/.local/state/strata/${JOURNAL_FILE}. The probe log is ${PROBE_LOG_FILE} beside it
(rotated to ${PROBE_LOG_PREVIOUS_FILE}; the journal itself is never rotated).`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = commandFlags(args, { json: { type: 'boolean' }, probes: { type: 'boolean' } }, { io, name: 'strata journal', usage: USAGE });
  if ('exit' in parsed) return parsed.exit;
  const flags = parsed.values;
  const path = statePath(JOURNAL_FILE, io.env);
  const probeLog = new ProbeLog(statePath(PROBE_LOG_FILE, io.env));
  let entries: JournalEntry[];
  const problems: (JournalProblem & { file: string })[] = [];
  try {
    const journal = await new Journal(path).read();
    entries = journal.entries;
    problems.push(...journal.problems.map((p) => ({ ...p, file: path })));
    if (flags.probes) {
      const probes = await probeLog.read();
      entries.push(...probes.entries);
      problems.push(...probes.problems);
      // Sort is stable: entries of one moment keep their file order.
      entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    }
  } catch (e) {
    io.err(`strata journal: cannot read ${path}: ${errorText(e)}`);
    return EXIT.software;
  }
  for (const p of problems) io.err(`strata journal: ${p.file} line ${p.line}: ${p.message}`);
  if (flags.json) {
    const skipped = problems.map(({ file, ...p }) => (flags.probes ? { file, ...p } : p));
    io.out(JSON.stringify({ version: 1, path, entries, skipped, ...(flags.probes ? { probeLog: [probeLog.previousPath, probeLog.path] } : {}) }));
    return EXIT.ok;
  }
  if (entries.length === 0) {
    io.out(`The journal at ${path} is empty: Strata has not run ${flags.probes ? 'anything on a host' : 'an action'} yet.`);
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
      return `${head}    ${e.host}${e.probe ? ' (probe)' : ''}$ ${e.command}  → ${end} (${duration(e.durationMs)})${tail}`;
    }
    case 'action-end':
      return `${head}  ■ ${e.state}${e.verified ? ` (verified ${e.verified})` : ''}: ${e.summary}  (${duration(e.durationMs)}) [${e.actionId}]`;
  }
}
