/**
 * How a step's output becomes a verdict: a reader fed line by line as the
 * output streams, judging at the end by the adapter's parser. An output that
 * does not parse is a failed step with the reason, never an ok one. The
 * readers of each tool sit beside its planner (src/kinds/<kind>/verdicts.ts).
 */
import { excerpt } from '../../adapters/shared/json.js';
import { LastLines, type LineFold, type OutputStream } from '../../adapters/shared/line-fold.js';
import type { ZfsSnapshot } from '../../adapters/zfs/parse.js';
import type { Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import type { RunResult } from '../../transport/runner.js';
import type { PlanStep, StepOutput, StepProgress } from '../action-types.js';

export type VerdictState = 'ok' | 'warn' | 'failed';

export interface StepVerdict {
  readonly state: VerdictState;
  readonly summary: string;
  /** Set by steps that verify: whether the copy was proven sound. */
  readonly verified?: 'ok' | 'failed';
  /** When the proof is from, if earlier than now (a scrub read back). */
  readonly provenAtSec?: number;
  /** Snapshot lists, for the replication comparison. */
  readonly snapshots?: readonly ZfsSnapshot[];
  /** The tool refused before changing anything (a VMID in use, a running guest): nothing to clean up. */
  readonly refused?: boolean;
  /**
   * Steps found from this step's output, run right after it (a drill reads
   * the restored guest's NICs, then cuts each one's link with its own value).
   */
  readonly followUp?: readonly PlanStep[];
  /** What a failure left on the host and what to do, in words (a restore's stub config). */
  readonly leftover?: string;
}

export interface StepReader {
  line(stream: OutputStream, text: string): void;
  finish(result: RunResult): StepVerdict;
  /** How far the step is, where its tool says so; a new object whenever it changed. */
  progress?(): Omit<StepProgress, 'step'> | undefined;
}

/** How the steps with one kind of output are read. */
export interface StepOutputSpec<O extends StepOutput> {
  reader(output: O, cmd: Command, now: () => number): StepReader;
  /** Whether the step proves (or disproves) that copies are sound. */
  verifies(output: O): boolean;
  /** A machine-readable read-back (JSON, a tab-separated list): its reader's summary is shown, not its lines. */
  readonly listing?: boolean;
}

/** The specs of a set of output kinds, one per kind: the compiler names a missing one. */
export type StepOutputSpecs<O extends StepOutput> = { readonly [K in O['kind']]: StepOutputSpec<Extract<O, { readonly kind: K }>> };

export const unreadable = (tool: string, r: Extract<Result<unknown>, { ok: false }>): StepVerdict => ({
  state: 'failed',
  summary: `${tool}: ${r.error.kind === 'parse' ? 'could not read the result: ' : ''}${r.error.message}`,
});

/** Reads a fold's lines as they come and judges at the end. */
export function folding<T>(fold: LineFold<T>, judge: (r: Result<T>) => StepVerdict): StepReader {
  return {
    line: (stream, text) => fold.line(stream, text),
    finish: (result) => judge(fold.finish(result.exitCode)),
  };
}

/** Keeps what a whole-output parser needs: the lines `keep` accepts, and the tail of each stream. */
export function collecting(parse: (stdout: string, stderr: string, exitCode: number) => StepVerdict, keep: (line: string) => boolean = () => true, tail = 200): StepReader {
  const out: string[] = [];
  const errTail = new LastLines(tail);
  return {
    line(stream, text) {
      if (stream === 'stderr') errTail.push(text);
      else if (keep(text)) {
        out.push(text);
        if (out.length > tail * 10) out.splice(0, out.length - tail);
      }
    },
    finish: (result) => parse(out.join('\n'), errTail.text, result.exitCode),
  };
}

/** A step without a tool-specific reader: exit 0 is ok, anything else failed with the last words of stderr. */
export function defaultReader(cmd: Command): StepReader {
  const errTail = new LastLines(3);
  return {
    line(stream, text) {
      if (stream === 'stderr') errTail.push(text);
    },
    finish({ exitCode }) {
      const program = cmd.argv[0] ?? 'command';
      if (exitCode === 0) return { state: 'ok', summary: `${program}: done` };
      if (exitCode === 127) return { state: 'failed', summary: `${program}: not found on the host (exit 127)` };
      // Tools wrap long messages (zfs: "...does not\nmatch incremental source"): the last two lines say why.
      const why = errTail.text.split('\n').slice(-2).join(' ');
      return { state: 'failed', summary: `${program} exited with ${exitCode}${why ? `: ${excerpt(why, 200)}` : ''}` };
    },
  };
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Outputs that only report work done: they prove nothing about the copies. */
export const never = (): boolean => false;
export const always = (): boolean => true;
