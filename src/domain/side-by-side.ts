/**
 * Two texts beside each other in columns, for a console of `width`: what the
 * network step shows (the archived interfaces file and the new node's), in
 * the wizard and in `strata dr run`. Lines the two share sit on one row and
 * the ones between are paired as `diff -y` pairs them, so `bridge-ports eno1`
 * stands beside `bridge-ports enp5s0`. A line of the left text that names
 * something missing (a NIC gone with the old hardware) is marked in the
 * gutter, so the line to edit is the one the eye lands on.
 */

export interface SideBySide {
  readonly left: { readonly title: string; readonly lines: readonly string[] };
  readonly right: { readonly title: string; readonly lines: readonly string[] };
  /** Names the left text uses that do not exist now: their lines are marked. */
  readonly missing: readonly string[];
}

const GUTTER = 2;
const RULE = ' │ ';

const fit = (text: string, width: number): string => {
  const flat = text.replace(/\t/g, '  ');
  return flat.length <= width ? flat.padEnd(width) : `${flat.slice(0, Math.max(0, width - 1))}…`;
};

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Texts longer than this are not aligned (the table grows with the product of the lengths), only put beside each other. */
const ALIGN_MAX_LINES = 2_000;

const same = (a: string, b: string) => a.trim().replace(/\s+/g, ' ') === b.trim().replace(/\s+/g, ' ');

/** Row pairs (null: no line on that side): the longest common run of lines on shared rows, the lines between paired in order. */
export function alignLines(left: readonly string[], right: readonly string[]): [string | null, string | null][] {
  if (left.length > ALIGN_MAX_LINES || right.length > ALIGN_MAX_LINES) return Array.from({ length: Math.max(left.length, right.length) }, (_, i) => [left[i] ?? null, right[i] ?? null]);
  const n = left.length;
  const m = right.length;
  // lcs[i][j]: length of the longest common subsequence of left[i..] and right[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = same(left[i]!, right[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const rows: [string | null, string | null][] = [];
  let l: string[] = [];
  let r: string[] = [];
  const pairUp = () => {
    for (let k = 0; k < Math.max(l.length, r.length); k++) rows.push([l[k] ?? null, r[k] ?? null]);
    l = [];
    r = [];
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && same(left[i]!, right[j]!)) {
      pairUp();
      rows.push([left[i++]!, right[j++]!]);
    } else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) l.push(left[i++]!);
    else r.push(right[j++]!);
  }
  pairUp();
  return rows;
}

/** The rows, each exactly `width` wide or narrower (the right column is not padded); at least 40 columns are used. */
export function sideBySideLines(c: SideBySide, width: number): string[] {
  const w = Math.max(40, width);
  const col = Math.floor((w - GUTTER - RULE.length) / 2);
  const marks = c.missing.map((n) => new RegExp(`(^|[\\s:=])${escaped(n)}($|[\\s.:])`));
  const row = (mark: boolean, left: string, right: string) => `${mark ? '▲ ' : '  '}${fit(left, col)}${RULE}${fit(right, col).trimEnd()}`;
  const out = [row(false, c.left.title, c.right.title), `${' '.repeat(GUTTER)}${'─'.repeat(col)}─┼─${'─'.repeat(col)}`];
  for (const [left, right] of alignLines(c.left.lines, c.right.lines)) out.push(row(left !== null && marks.some((m) => m.test(left)), left ?? '', right ?? ''));
  if (c.missing.length > 0) out.push(`▲ ${c.missing.join(', ')}: not on this node`);
  return out;
}
