import type { Command } from './command.js';
import { TransportError } from './errors.js';

export interface RunOptions {
  /** Aborting ends the remote process itself and rejects with a `cancelled` TransportError. */
  readonly signal?: AbortSignal;
}

export interface StreamOptions extends RunOptions {
  /** Called with each complete line of stdout (without its newline) as it arrives. */
  readonly onStdout?: (line: string) => void;
  /** Called with each complete line of stderr (without its newline) as it arrives. */
  readonly onStderr?: (line: string) => void;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  readonly durationMs: number;
}

/**
 * Runs commands on one host. `run` and `stream` resolve with the exit code of
 * the program, whatever it is (parsers decide what an exit code means: restic's
 * 3 is a snapshot with warnings). They reject only with a TransportError:
 * unreachable, auth, host key, timeout, session timeout, cancelled,
 * connection lost, output too large.
 */
export interface Runner {
  /** The inventory name of the host, used in errors and the journal. */
  readonly host: string;
  /**
   * How long a session (a worker shell over SSH) takes to start on this host,
   * from the channel request to the shell's first answer: a moving average of
   * the starts measured so far. Undefined before the first, and for runners
   * without sessions (local).
   */
  readonly sessionStartMs?: number | undefined;
  run(cmd: Command, opts?: RunOptions): Promise<RunResult>;
  /**
   * Like `run`, delivering lines as they arrive. The resolved result carries
   * the full stdout/stderr only up to a bounded tail (see STREAM_TAIL_BYTES):
   * a job printing thousands of lines a second must not grow memory forever.
   */
  stream(cmd: Command, opts: StreamOptions): Promise<RunResult>;
  /** Ends pooled connections. Later calls reconnect. */
  close(): Promise<void>;
}

export const STREAM_TAIL_BYTES = 64 * 1024;

/** What `run` keeps of one command's output at most (stdout and stderr together) unless the command says otherwise. */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Turns an exit code into the typed error a caller that needs success reports:
 * 127 is a missing command, anything else non-zero a failed one.
 */
export function exitError(host: string, cmd: Command, result: RunResult): TransportError | null {
  if (result.exitCode === 0) return null;
  const firstLine = result.stderr.trim().split('\n').at(-1) ?? '';
  const program = cmd.argv[0] ?? '';
  if (result.exitCode === 127) {
    return new TransportError('command-not-found', {
      host,
      detail: `${program}${firstLine ? ` (${firstLine})` : ''}`,
      exitCode: 127,
      stderr: result.stderr,
    });
  }
  return new TransportError('non-zero-exit', {
    host,
    detail: `${program}${firstLine ? `: ${firstLine}` : ''}`,
    exitCode: result.exitCode,
    stderr: result.stderr,
  });
}

/** Runs a command and rejects with a TransportError unless it exits 0. */
export async function runChecked(runner: Runner, cmd: Command, opts?: RunOptions): Promise<RunResult> {
  const result = await runner.run(cmd, opts);
  const err = exitError(runner.host, cmd, result);
  if (err) throw err;
  return result;
}
