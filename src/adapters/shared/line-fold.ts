/**
 * A parser that reads output line by line as it arrives. Long jobs print
 * more than a runner keeps (a stream result holds only a bounded tail), and
 * an `rclone check` of a million objects prints a million lines: such output
 * is folded into counts as it streams instead of being parsed at the end.
 * `foldOutput` applies a fold to complete output, so folds are tested on
 * recorded fixtures exactly like the other parsers.
 */
import type { Result } from '../../domain/types.js';

export type OutputStream = 'stdout' | 'stderr';

export interface LineFold<T> {
  line(stream: OutputStream, text: string): void;
  /** The verdict once the program has exited. Never throws. */
  finish(exitCode: number): Result<T>;
}

function lines(text: string): string[] {
  if (text === '') return [];
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all;
}

/** Feeds complete output through a fold: stdout first, then stderr. */
export function foldOutput<T>(fold: LineFold<T>, stdout: string, stderr: string, exitCode: number): Result<T> {
  for (const l of lines(stdout)) fold.line('stdout', l);
  for (const l of lines(stderr)) fold.line('stderr', l);
  return fold.finish(exitCode);
}

/** Keeps the last `max` lines of a stream, for error messages. */
export class LastLines {
  private readonly kept: string[] = [];
  constructor(private readonly max = 20) {}
  push(line: string): void {
    if (line.trim() === '') return;
    this.kept.push(line);
    if (this.kept.length > this.max) this.kept.shift();
  }
  get text(): string {
    return this.kept.join('\n');
  }
}
