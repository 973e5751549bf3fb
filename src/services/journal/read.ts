/** Reading one journal line back: JSON, then the entry's shape. Never throws. */
import type { JournalEntry } from './entry.js';
import { journalEntrySchema } from './entry.js';

export interface JournalProblem {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly message: string;
}

export type ParsedLine = { ok: true; entry: JournalEntry } | { ok: false; message: string };

export function parseJournalLine(text: string): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: `not JSON: "${text.length > 60 ? `${text.slice(0, 60)}…` : text}"; skipped` };
  }
  const r = journalEntrySchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return { ok: false, message: `not a journal entry${where}: ${issue?.message ?? 'bad shape'}; skipped` };
  }
  return { ok: true, entry: r.data as unknown as JournalEntry };
}
