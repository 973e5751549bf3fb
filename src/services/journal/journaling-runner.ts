/**
 * A Runner that journals every command it runs. The executor gets its
 * runners only through this wrapper, so no command of an action can reach a
 * host without an entry: host, the command with secret names only, who,
 * when, exit code (or why there is none), how long, and the tail of stderr
 * of a failed command with every known secret value scrubbed.
 */
import type { Command } from '../../transport/command.js';
import { isTransportError } from '../../transport/errors.js';
import type { RunOptions, RunResult, Runner, StreamOptions } from '../../transport/runner.js';
import { describeCommand } from '../../transport/shell-script.js';
import type { CommandEntry } from './entry.js';
import type { JournalSink } from './journal-file.js';
import { scrubSecrets, secretValuesOf, tailOf } from './redact.js';
import { errorText } from '../../domain/error-text.js';

export const STDERR_TAIL_CHARS = 2000;

export interface JournalingOptions {
  readonly journal: JournalSink;
  readonly operator: string;
  /** Ties the command to its action's start and end entries. */
  readonly actionId?: string;
  /** Further secret values to scrub (those of every command of the action). */
  readonly secrets?: () => Iterable<string>;
  /** A command ran but its entry could not be written: the caller must say so. */
  readonly onJournalError?: (error: unknown, entry: Omit<CommandEntry, 'v'>) => void;
  /** Marks the entries as read-only probes. */
  readonly probe?: boolean;
  /**
   * Hand over the result only once its entry is written (default). Probes do not
   * wait: a refresh must not be slowed by the disk, and a probe changes nothing.
   */
  readonly waitForEntry?: boolean;
  /** Epoch milliseconds (tests pin it). */
  readonly nowMs?: () => number;
}

export function journalingRunner(inner: Runner, opts: JournalingOptions): Runner {
  const now = opts.nowMs ?? Date.now;

  async function journaled(cmd: Command, call: () => Promise<RunResult>): Promise<RunResult> {
    const started = now();
    const secrets = () => [...secretValuesOf(cmd), ...(opts.secrets?.() ?? [])];
    const base = {
      type: 'command' as const,
      at: new Date(started).toISOString(),
      operator: opts.operator,
      ...(opts.actionId ? { actionId: opts.actionId } : {}),
      ...(opts.probe ? { probe: true as const } : {}),
      host: inner.host,
      command: describeCommand(cmd),
    };
    let result: RunResult;
    try {
      result = await call();
    } catch (e) {
      const message = scrubSecrets(errorText(e), secrets());
      await record({
        ...base,
        exitCode: null,
        durationMs: Math.max(0, now() - started),
        error: { kind: isTransportError(e) ? e.kind : 'error', message },
      });
      throw e;
    }
    const stderr = result.exitCode !== 0 && result.stderr.trim() !== '' ? tailOf(scrubSecrets(result.stderr, secrets()), STDERR_TAIL_CHARS) : undefined;
    await record({
      ...base,
      exitCode: result.exitCode,
      durationMs: Math.max(0, now() - started),
      ...(stderr ? { stderrTail: stderr } : {}),
    });
    return result;
  }

  async function record(entry: Omit<CommandEntry, 'v'>): Promise<void> {
    const written = opts.journal.append(entry).catch((e: unknown) => opts.onJournalError?.(e, entry));
    if (opts.waitForEntry ?? true) await written;
  }

  return {
    host: inner.host,
    get sessionStartMs() {
      return inner.sessionStartMs;
    },
    run: (cmd: Command, runOpts?: RunOptions) => journaled(cmd, () => inner.run(cmd, runOpts)),
    stream: (cmd: Command, streamOpts: StreamOptions) => journaled(cmd, () => inner.stream(cmd, streamOpts)),
    close: () => inner.close(),
  };
}
