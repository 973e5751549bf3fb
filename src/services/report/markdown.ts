/**
 * Markdown that stays Markdown whatever the text holds: a pipe or a newline in
 * a summary must not break a table, a backtick in a command must not end its
 * code span, and an operator's name must not turn into emphasis.
 */

/** Text for a table cell or a line: Markdown's active characters escaped, line breaks as spaces. */
export function mdText(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_[\]<>|#~]/g, (c) => `\\${c}`);
}

/**
 * A code span that holds any text: the fence is longer than its longest
 * backtick run. In a table cell a pipe ends the cell even inside a code span;
 * GFM reads \| there as the pipe, so `inTable` escapes it.
 */
export function mdCode(text: string, inTable = false): string {
  const flat = text.replace(/\r?\n|\r/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${inTable ? flat.replace(/\|/g, '\\|') : flat}${pad}${fence}`;
}

/** A GFM table; cells are already Markdown (escape them with mdText or mdCode). */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const rule = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`).join('\n');
}

/** UTC to the second, as the journal's text output shows times. */
export const mdTime = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z').replace('T', ' ');

export function mdDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A fenced block that holds any text: its fence is longer than any fence-like run inside. */
export function mdBlock(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/~+/g)].map((m) => m[0].length));
  const fence = '~'.repeat(Math.max(3, longest + 1));
  return `${fence}\n${text.replace(/\n+$/, '')}\n${fence}`;
}
