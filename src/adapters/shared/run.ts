/**
 * How every adapter operation runs a command: build it, run it over the given
 * Runner, parse the reply. Nothing here throws: a transport failure, a command
 * that could not be built and a parser that broke its promise all come back
 * as error values, so a layer becomes UNKNOWN instead of crashing a refresh.
 */
import { err, ok, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { isTransportError } from '../../transport/errors.js';
import type { RunResult, Runner } from '../../transport/runner.js';
import { errorText } from '../../domain/error-text.js';
import type { LineFold } from './line-fold.js';

export interface OpOptions {
  readonly signal?: AbortSignal;
  /** Overrides the command's own timeout. */
  readonly timeoutMs?: number;
}

/** `(stdout, stderr, exitCode) => Result<T>`: the shape of every parser. */
export type Parser<T> = (stdout: string, stderr: string, exitCode: number) => Result<T>;

function messageOf(e: unknown): string {
  return errorText(e);
}

/** Builds a command, turning a builder's refusal (bad dataset name, ...) into an error value. */
export function buildCommand(build: () => Command): Result<Command> {
  try {
    return ok(build());
  } catch (e) {
    return err('command-failed', `cannot build the command: ${messageOf(e)}`);
  }
}

/** Runs a command and returns its raw result; any rejection becomes a `transport` error. */
export async function runCommand(runner: Runner, build: () => Command, opts: OpOptions = {}): Promise<Result<RunResult>> {
  const built = buildCommand(build);
  if (!built.ok) return built;
  const cmd: Command = opts.timeoutMs === undefined ? built.value : { ...built.value, timeoutMs: opts.timeoutMs };
  try {
    const result = await runner.run(cmd, opts.signal ? { signal: opts.signal } : undefined);
    return ok(result);
  } catch (e) {
    if (isTransportError(e)) return err('transport', e.message);
    return err('transport', `running ${cmd.argv[0] ?? 'a command'} on ${runner.host} failed: ${messageOf(e)}`);
  }
}

/** Applies a parser without trusting it: a throw becomes a `parse` error. */
export function applyParser<T>(parse: Parser<T>, r: RunResult): Result<T> {
  try {
    return parse(r.stdout, r.stderr, r.exitCode);
  } catch (e) {
    return err('parse', `parser failed: ${messageOf(e)}`);
  }
}

/** Runs a command and parses its reply. */
export async function runParsed<T>(
  runner: Runner,
  build: () => Command,
  parse: Parser<T>,
  opts: OpOptions = {},
): Promise<Result<T>> {
  const r = await runCommand(runner, build, opts);
  return r.ok ? applyParser(parse, r.value) : r;
}

/**
 * Streams a command through a fold, line by line, so output of any length
 * is read without being held (a listing of a million files). The fold's
 * verdict is the result; a transport failure is an error value as in `runCommand`.
 */
export async function runFolded<T>(runner: Runner, build: () => Command, fold: LineFold<T>, opts: OpOptions = {}): Promise<Result<T>> {
  const built = buildCommand(build);
  if (!built.ok) return built;
  const cmd: Command = opts.timeoutMs === undefined ? built.value : { ...built.value, timeoutMs: opts.timeoutMs };
  let exitCode: number;
  try {
    const r = await runner.stream(cmd, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onStdout: (l) => fold.line('stdout', l),
      onStderr: (l) => fold.line('stderr', l),
    });
    exitCode = r.exitCode;
  } catch (e) {
    if (isTransportError(e)) return err('transport', e.message);
    return err('transport', `running ${cmd.argv[0] ?? 'a command'} on ${runner.host} failed: ${messageOf(e)}`);
  }
  try {
    return fold.finish(exitCode);
  } catch (e) {
    return err('parse', `fold failed: ${messageOf(e)}`);
  }
}
