/**
 * A strict stand-in for a host: it knows exactly which commands a test
 * expects, answers them, and complains about anything else. Like lazygit's
 * fake command runner, it fails on an unexpected command (and says which) and,
 * through `assertDone()` (call it in afterEach), on an expected command that
 * never ran. Commands are matched by argv in any order, since probes run
 * concurrently; env, secret names and secret sources must match exactly.
 */
import type { Command, SecretSource } from '../../src/transport/command.js';
import { TransportError } from '../../src/transport/errors.js';
import type { RunOptions, RunResult, Runner, StreamOptions } from '../../src/transport/runner.js';

export interface FakeReply {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exitCode?: number;
}

export interface FakeExpectation {
  readonly argv: readonly string[];
  /** Exact non-secret env (default: none). */
  readonly env?: Readonly<Record<string, string>>;
  /** Exact secret names (default: none). Values are checked only through `secrets`. */
  readonly secretNames?: readonly string[];
  /** Exact secret values, when a test must prove which value was sent. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Exact host-side secret sources (default: none). */
  readonly secretsFrom?: Readonly<Record<string, SecretSource>>;
  /** What the command prints; or a TransportError to reject with. */
  readonly reply?: FakeReply | TransportError;
  /** Answer after this long (a cancel during the wait rejects with `cancelled`). */
  readonly delayMs?: number;
  /** How many runs to expect (default 1). */
  readonly times?: number;
}

interface Pending {
  readonly exp: FakeExpectation;
  left: number;
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function sortedJson(o: object | undefined): string {
  const entries = Object.entries(o ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(entries);
}

export class FakeRunner implements Runner {
  private readonly pending: Pending[] = [];
  /** Every command run, in order: for assertions on timeouts and the like. */
  readonly calls: Command[] = [];
  /** Problems found while running; `assertDone()` reports them. */
  readonly problems: string[] = [];
  private inFlight = 0;
  /** The most commands that ran at once. */
  maxInFlight = 0;

  constructor(readonly host = 'fake') {}

  /** Expects one command (or `times` of it). Chainable. */
  expect(exp: FakeExpectation): this {
    this.pending.push({ exp, left: exp.times ?? 1 });
    return this;
  }

  /** Shorthand: expects argv and answers with stdout (exit 0), or with the given reply. */
  on(argv: readonly string[], reply: FakeReply | TransportError | string = '', more: Omit<FakeExpectation, 'argv' | 'reply'> = {}): this {
    return this.expect({ ...more, argv, reply: typeof reply === 'string' ? { stdout: reply } : reply });
  }

  async run(cmd: Command, opts: RunOptions = {}): Promise<RunResult> {
    this.calls.push(cmd);
    const byArgv = this.pending.filter((p) => p.left > 0 && same(p.exp.argv, cmd.argv));
    if (byArgv.length === 0) {
      const msg = `unexpected command on ${this.host}: ${JSON.stringify(cmd.argv)}`;
      this.problems.push(msg);
      throw new Error(msg);
    }
    const match = byArgv.find((p) => this.mismatch(p.exp, cmd) === null);
    if (!match) {
      const msg = `command ${JSON.stringify(cmd.argv)} on ${this.host} ran with the wrong environment: ${this.mismatch(byArgv[0]!.exp, cmd)}`;
      this.problems.push(msg);
      throw new Error(msg);
    }
    match.left--;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (match.exp.delayMs) await this.wait(match.exp.delayMs, opts.signal);
      if (opts.signal?.aborted) throw new TransportError('cancelled', { host: this.host });
      const reply = match.exp.reply ?? {};
      if (reply instanceof TransportError) throw reply;
      return { stdout: reply.stdout ?? '', stderr: reply.stderr ?? '', exitCode: reply.exitCode ?? 0, durationMs: match.exp.delayMs ?? 0 };
    } finally {
      this.inFlight--;
    }
  }

  async stream(cmd: Command, opts: StreamOptions): Promise<RunResult> {
    const r = await this.run(cmd, opts);
    for (const line of r.stdout.split('\n').slice(0, r.stdout.endsWith('\n') ? -1 : undefined)) opts.onStdout?.(line);
    for (const line of r.stderr.split('\n').slice(0, r.stderr.endsWith('\n') ? -1 : undefined)) opts.onStderr?.(line);
    return r;
  }

  async close(): Promise<void> {}

  /** Throws if a command was unexpected or an expected one never ran. */
  assertDone(): void {
    const missing = this.pending.filter((p) => p.left > 0).map((p) => `never ran on ${this.host}: ${JSON.stringify(p.exp.argv)}`);
    const all = [...this.problems, ...missing];
    if (all.length > 0) throw new Error(all.join('\n'));
  }

  private mismatch(exp: FakeExpectation, cmd: Command): string | null {
    if (sortedJson(exp.env) !== sortedJson(cmd.env)) return `env ${sortedJson(cmd.env)}, expected ${sortedJson(exp.env)}`;
    const names = Object.keys(cmd.secrets ?? {}).sort();
    const expNames = [...(exp.secretNames ?? Object.keys(exp.secrets ?? {}))].sort();
    if (!same(names, expNames)) return `secret names ${JSON.stringify(names)}, expected ${JSON.stringify(expNames)}`;
    if (exp.secrets && sortedJson(exp.secrets) !== sortedJson(cmd.secrets)) return 'secret values differ';
    if (sortedJson(exp.secretsFrom) !== sortedJson(cmd.secretsFrom)) {
      return `secretsFrom ${sortedJson(cmd.secretsFrom)}, expected ${sortedJson(exp.secretsFrom)}`;
    }
    return null;
  }

  private wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(new TransportError('cancelled', { host: this.host }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** A reply that prints nothing and exits with `exitCode`, stderr as given. */
export const failing = (exitCode: number, stderr: string, stdout = ''): FakeReply => ({ exitCode, stderr, stdout });
