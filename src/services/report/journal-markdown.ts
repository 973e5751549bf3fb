/**
 * The build journal as Markdown for change control: one row per action (what
 * ran, on which layer and workload, the result, who, how long), then each
 * action's plan, commands with exit codes, and for restores and drills the
 * point, the target, the checks and the measured restore time. Pure: the
 * journal's entries in, the document out.
 */
import type { ActionEndEntry, ActionStartEntry, CommandEntry, JournalEntry } from '../journal/entry.js';
import { mdBlock, mdCode, mdDuration, mdTable, mdText, mdTime } from './markdown.js';

export interface JournalMarkdownOptions {
  /** The journal file, named in the heading's line. */
  readonly path: string;
  /** Only actions that started at or after this (epoch seconds). */
  readonly sinceSec?: number;
  /** When the document was made, ISO 8601. */
  readonly generatedAt: string;
}

interface ActionRecord {
  readonly id: string;
  start?: ActionStartEntry;
  end?: ActionEndEntry;
  readonly commands: CommandEntry[];
  /** The first entry seen of it: a journal cut before its start still places it. */
  readonly firstAt: string;
}

/** Actions in the order they started; commands outside an action (none today) apart. */
export function groupActions(entries: readonly JournalEntry[]): { actions: ActionRecord[]; loose: CommandEntry[] } {
  const byId = new Map<string, ActionRecord>();
  const loose: CommandEntry[] = [];
  for (const e of entries) {
    if (e.type === 'command' && (e.probe || e.actionId === undefined)) {
      if (!e.probe) loose.push(e);
      continue;
    }
    const id = e.actionId!;
    let rec = byId.get(id);
    if (!rec) byId.set(id, (rec = { id, commands: [], firstAt: e.at }));
    if (e.type === 'action-start') rec.start = e;
    else if (e.type === 'action-end') rec.end = e;
    else rec.commands.push(e);
  }
  const actions = [...byId.values()].sort((a, b) => Date.parse(a.start?.at ?? a.firstAt) - Date.parse(b.start?.at ?? b.firstAt));
  return { actions, loose };
}

const startedAt = (a: ActionRecord) => a.start?.at ?? a.firstAt;

export function journalMarkdown(entries: readonly JournalEntry[], options: JournalMarkdownOptions): string {
  const grouped = groupActions(entries);
  const inWindow = (at: string) => options.sinceSec === undefined || Date.parse(at) / 1000 >= options.sinceSec;
  const actions = grouped.actions.filter((a) => inWindow(startedAt(a)));
  const loose = grouped.loose.filter((c) => inWindow(c.at));
  const window = options.sinceSec === undefined ? 'every action' : `actions since ${mdTime(new Date(options.sinceSec * 1000).toISOString())}`;
  const out: string[] = ['# Strata journal', ''];
  out.push(`${capital(window)} in ${mdCode(options.path)}, oldest first. Generated ${mdTime(options.generatedAt)}. Times are UTC; secrets appear by name only.`);
  out.push('');
  if (actions.length === 0 && loose.length === 0) {
    out.push(options.sinceSec === undefined ? 'The journal holds no action: Strata has not run one yet.' : 'No action started in this window.');
    return out.join('\n') + '\n';
  }
  out.push(countLine(actions), '');
  out.push(
    mdTable(
      ['Started', 'Action', 'Layer', 'Workload', 'Result', 'Operator', 'Duration'],
      actions.map((a) => {
        const req = (a.start ?? a.end)?.request;
        return [
          mdTime(startedAt(a)),
          req ? req.kind : '?',
          req ? mdCode(req.layerId, true) : '',
          req?.assetId ? mdCode(req.assetId, true) : '',
          resultText(a),
          mdText(operatorOf(a)),
          a.end ? mdDuration(a.end.durationMs) : '',
        ];
      }),
      ['l', 'l', 'l', 'l', 'l', 'l', 'r'],
    ),
  );
  for (const a of actions) out.push('', ...actionSection(a));
  if (loose.length > 0) out.push('', '## Commands outside an action', '', commandTable(loose), ...stderrBlocks(loose));
  return out.join('\n') + '\n';
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function countLine(actions: readonly ActionRecord[]): string {
  const counts = new Map<string, number>();
  for (const a of actions) counts.set(stateOf(a), (counts.get(stateOf(a)) ?? 0) + 1);
  const parts = ['ok', 'warn', 'failed', 'cancelled', 'not ended'].filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  return `${actions.length} action${actions.length === 1 ? '' : 's'}: ${parts.join(', ')}.`;
}

const stateOf = (a: ActionRecord): string => a.end?.state ?? 'not ended';
const operatorOf = (a: ActionRecord): string => (a.start ?? a.end)?.operator ?? a.commands[0]?.operator ?? '?';

/** The result as a word, with what a verify found or whether a restore's checks proved it. */
function resultText(a: ActionRecord): string {
  if (!a.end) return '**not ended**';
  const state = a.end.state === 'ok' ? 'ok' : `**${a.end.state}**`;
  const kind = a.end.request.kind;
  if (a.end.verified === undefined) return state;
  if (kind === 'restore' || kind === 'drill') return `${state}, ${a.end.verified === 'ok' ? 'proven restorable' : '**checks failed**'}`;
  return `${state}, verified ${a.end.verified === 'ok' ? 'ok' : '**failed**'}`;
}

function actionSection(a: ActionRecord): string[] {
  const head = a.start ?? a.end;
  const title = head ? `${head.request.kind} ${head.request.layerId}${head.request.assetId ? ` ${head.request.assetId}` : ''}: ${head.title}` : `action ${a.id}`;
  const out = [`## ${mdTime(startedAt(a))} ${mdText(title)}`, ''];
  out.push(`- Action: ${mdCode(a.id)}, by ${mdText(operatorOf(a))}${a.start ? (a.start.changesHost ? '; changes the host' : '; read-only on the host') : ''}`);
  if (a.end) {
    out.push(`- Result: ${resultText(a)}: ${mdText(a.end.summary)}${a.end.exitCode !== null ? ` (exit ${a.end.exitCode})` : ''}`);
    out.push(`- Ended ${mdTime(a.end.at)} after ${mdDuration(a.end.durationMs)}`);
    if (a.end.provenAt) out.push(`- Proven as of ${mdTime(a.end.provenAt)}`);
  } else {
    out.push('- Result: **not ended**: the journal has no end for it (Strata stopped while it ran); check the host');
  }
  const restore = head?.request.restore;
  if (restore) {
    out.push(
      `- Point ${mdCode(restore.pointRef)} taken ${mdTime(restore.pointAt)}, ${restore.method} onto ${mdCode(restore.targetHost)} as ${restore.targetVmid}${restore.overwrites ? ', **over the original**' : ''}`,
    );
  }
  if (a.end?.restoreSeconds !== undefined) out.push(`- Measured restore time: ${mdDuration(a.end.restoreSeconds * 1000)}`);
  if (head?.request.readDataSubset) out.push(`- Data read back: ${mdCode(head.request.readDataSubset)}`);
  if (a.end?.checks?.length) {
    out.push('- Checks:');
    for (const c of a.end.checks) out.push(`  - ${c.state === 'passed' ? 'passed' : `**${c.state}**`}: ${mdText(c.label)}${c.detail ? `: ${mdText(c.detail)}` : ''}`);
  }
  if (a.start && a.start.steps.length > 0) {
    out.push('', 'Plan confirmed:', '');
    a.start.steps.forEach((s, i) => out.push(`${i + 1}. ${mdCode(s.host)}: ${mdCode(s.command)} (${mdText(s.description)})`));
  }
  if (a.commands.length > 0) out.push('', 'Commands run:', '', commandTable(a.commands), ...stderrBlocks(a.commands));
  return out;
}

function commandTable(commands: readonly CommandEntry[]): string {
  return mdTable(
    ['Started', 'Host', 'Command', 'Exit', 'Duration'],
    commands.map((c) => [
      mdTime(c.at),
      mdCode(c.host, true),
      mdCode(c.command, true),
      c.exitCode !== null ? String(c.exitCode) : `**${mdText(c.error?.kind ?? 'none')}**${c.error ? `: ${mdText(c.error.message)}` : ''}`,
      mdDuration(c.durationMs),
    ]),
    ['l', 'l', 'l', 'l', 'r'],
  );
}

function stderrBlocks(commands: readonly CommandEntry[]): string[] {
  return commands.filter((c) => c.stderrTail).flatMap((c) => ['', `stderr of ${mdCode(c.command)} on ${mdCode(c.host)} (its last lines):`, '', mdBlock(c.stderrTail!)]);
}
