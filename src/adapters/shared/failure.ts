import { err, type ProbeErrorKind, type Result } from '../../domain/types.js';
import { excerpt } from './json.js';

/** The first meaningful line (restic and pvesh print the cause first). */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

/**
 * A failed exit as an error value: the tool, the exit code and its own words.
 * Exit 127 is a missing program whatever the tool.
 */
export function exitFailure<T = never>(
  tool: string,
  exitCode: number,
  stderr: string,
  kind: ProbeErrorKind = 'command-failed',
  line = firstLine(stderr),
): Result<T> {
  if (exitCode === 127) return err('command-failed', `${tool}: command not found on the host (exit 127)`);
  const said = line ? `: ${excerpt(line, 200)}` : '';
  return err(kind, `${tool} exited with ${exitCode}${said}`);
}
