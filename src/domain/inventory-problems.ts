/**
 * The problems of a refused inventory, as an operator reads them: one line
 * each, a JSON path and a message, never a line longer than a screen can
 * show, never more than a screenful. A broken file can hold a million
 * problems; collecting stops at a bound, and "did you mean" is looked up for
 * the first few only.
 */
import { oneLine } from './show-value.js';
import { suggest } from './suggest.js';

export interface InventoryProblem {
  /** JSON path like `layers[3].rpo`; `(file)` for the file as a whole. */
  readonly path: string;
  readonly message: string;
}

/** Collecting stops here: nobody reads further, and a file of a million errors must not cost a million messages. */
export const PROBLEMS_COLLECTED = 500;
/** What `strata config check` and every command refusing a file print before "and N more". */
export const PROBLEMS_LISTED = 50;
/** "Did you mean" lookups per file: enough for every listed problem. */
const HINTS_PER_FILE = 100;

const PATH_CHARS = 120;
const MESSAGE_CHARS = 300;
/** The longest line problemLines prints, its "… (N characters)" included. */
export const PROBLEM_LINE_CHARS = 400;

/** Problems in the order found, each once, each one bounded line. */
export class ProblemList {
  readonly problems: InventoryProblem[] = [];
  /** True once a problem was dropped because the list was full. */
  stopped = false;
  private readonly seen = new Set<string>();
  private hintsLeft = HINTS_PER_FILE;

  get full(): boolean {
    return this.problems.length >= PROBLEMS_COLLECTED;
  }

  add(path: string, message: string): void {
    if (this.full) {
      this.stopped = true;
      return;
    }
    const p = { path: oneLine(path, PATH_CHARS), message: oneLine(message, MESSAGE_CHARS) };
    const key = `${p.path}\0${p.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.problems.push(p);
  }

  /** "Did you mean", while this file's budget of lookups lasts. */
  hint(word: string, known: readonly string[]): string | undefined {
    if (this.hintsLeft <= 0 || this.full) return undefined;
    this.hintsLeft--;
    return suggest(word, known);
  }
}

/**
 * The lines that list problems under a heading: the first PROBLEMS_LISTED,
 * then how many more. `stopped` says the count is only where checking stopped.
 */
export function problemLines(problems: readonly InventoryProblem[], stopped = false): string[] {
  // Path and message are bounded each; the line as a whole too, so no problem is wider than PROBLEM_LINE_CHARS.
  const shown = problems.slice(0, PROBLEMS_LISTED).map((p) => oneLine(`  ${p.path}: ${p.message}`, PROBLEM_LINE_CHARS - 30));
  const more = problems.length - shown.length;
  if (more > 0) shown.push(`  … and ${more.toLocaleString('en-US')} more${stopped ? ' (checking stopped there)' : ''}`);
  else if (stopped) shown.push('  … checking stopped there; there may be more');
  return shown;
}

/** `3 problems`, `500+ problems` when checking stopped. */
export function problemCount(problems: readonly InventoryProblem[], stopped = false): string {
  const n = problems.length;
  return `${n.toLocaleString('en-US')}${stopped ? '+' : ''} problem${n === 1 && !stopped ? '' : 's'}`;
}
