/**
 * Runs commands on the machine Strata itself runs on: argv straight to the
 * program (no shell), env and secrets only in the child's environment, the
 * child in its own process group so cancel and timeout end everything it
 * started.
 */
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { assertValidCommand, type Command, type SecretSource } from './command.js';
import { outputTooLargeError, TransportError } from './errors.js';
import { signalExitCode } from './exec-command.js';
import { OutputBudget, OutputSink } from './output-sink.js';
import {
  DEFAULT_MAX_OUTPUT_BYTES,
  STREAM_TAIL_BYTES,
  type RunOptions,
  type RunResult,
  type Runner,
  type StreamOptions,
} from './runner.js';

const KILL_GRACE_MS = 1000;

/**
 * A secret kept on this machine: a file's content or a command's output,
 * trailing newlines dropped, exactly as the remote shell's `$(...)` does.
 * Unreadable: a message for the command's stderr (the command does not run).
 */
async function readLocalSecret(name: string, src: SecretSource): Promise<{ value: string } | { error: string }> {
  try {
    if ('file' in src) return { value: (await readFile(src.file, 'utf8')).replace(/\n+$/, '') };
    const r = await execa('sh', ['-c', src.command], { reject: false, stdin: 'ignore', stripFinalNewline: false });
    if (r.exitCode !== 0) return { error: `${r.stderr}could not read secret ${name}: command exited with ${r.exitCode ?? r.signal}` };
    return { value: r.stdout.replace(/\n+$/, '') };
  } catch (e) {
    return { error: `could not read secret ${name}: ${(e as Error).message}` };
  }
}

export class LocalRunner implements Runner {
  constructor(readonly host: string) {}

  run(cmd: Command, opts: RunOptions = {}): Promise<RunResult> {
    return this.exec(cmd, opts, undefined);
  }

  stream(cmd: Command, opts: StreamOptions): Promise<RunResult> {
    return this.exec(cmd, opts, opts);
  }

  async close(): Promise<void> {}

  private async exec(cmd: Command, opts: RunOptions, streamOpts: StreamOptions | undefined): Promise<RunResult> {
    assertValidCommand(cmd);
    const startedAt = Date.now();
    if (opts.signal?.aborted) throw new TransportError('cancelled', { host: this.host, detail: 'before it started' });
    const secrets: Record<string, string> = { ...cmd.secrets };
    for (const [name, src] of Object.entries(cmd.secretsFrom ?? {})) {
      const read = await readLocalSecret(name, src);
      if ('error' in read) {
        const stderr = `${read.error.trimEnd()}\n`;
        streamOpts?.onStderr?.(stderr.trimEnd());
        return { stdout: '', stderr, exitCode: 1, durationMs: Date.now() - startedAt };
      }
      secrets[name] = read.value;
    }

    const tail = streamOpts ? STREAM_TAIL_BYTES : undefined;
    // A stream keeps only a tail: it is bounded only when the command asks.
    const maxOutputBytes = cmd.maxOutputBytes ?? (streamOpts ? undefined : DEFAULT_MAX_OUTPUT_BYTES);
    const budget = maxOutputBytes === undefined ? undefined : new OutputBudget(maxOutputBytes, () => stop('output-too-large'));
    const stdout = new OutputSink(streamOpts?.onStdout, tail, budget);
    const stderr = new OutputSink(streamOpts?.onStderr, tail, budget);
    const child = execa(cmd.argv[0]!, cmd.argv.slice(1), {
      env: { ...cmd.env, ...secrets },
      extendEnv: true,
      cwd: cmd.cwd,
      ...(cmd.stdin !== undefined ? { input: cmd.stdin } : { stdin: 'ignore' as const }),
      buffer: false,
      encoding: 'buffer',
      reject: false,
      detached: true,
      cleanup: true,
    });
    child.stdout?.on('data', (d: Buffer) => stdout.push(d));
    child.stderr?.on('data', (d: Buffer) => stderr.push(d));

    let stopping: 'cancelled' | 'timeout' | 'output-too-large' | undefined;
    const timers: ReturnType<typeof setTimeout>[] = [];
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // the group has already ended
      }
    };
    function stop(kind: NonNullable<typeof stopping>): void {
      if (stopping) return;
      stopping = kind;
      signalGroup('SIGTERM');
      timers.push(setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS));
    }
    const onAbort = () => stop('cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (cmd.timeoutMs !== undefined) timers.push(setTimeout(() => stop('timeout'), cmd.timeoutMs));

    try {
      const r = await child;
      if (stopping === 'output-too-large') throw outputTooLargeError(this.host, cmd.argv[0]!, maxOutputBytes ?? 0);
      if (stopping) {
        const what = stopping === 'timeout' ? `after ${cmd.timeoutMs} ms; ` : '';
        throw new TransportError(stopping, { host: this.host, detail: `${what}the process was ended` });
      }
      if (r.exitCode === undefined && r.signal === undefined) {
        const code = (r as { code?: string }).code;
        if (code === 'ENOENT') {
          return { stdout: '', stderr: `${cmd.argv[0]}: command not found\n`, exitCode: 127, durationMs: Date.now() - startedAt };
        }
        if (code === 'EACCES') {
          return { stdout: '', stderr: `${cmd.argv[0]}: permission denied\n`, exitCode: 126, durationMs: Date.now() - startedAt };
        }
        throw new TransportError('non-zero-exit', { host: this.host, detail: `${cmd.argv[0]}: ${r.message}`, cause: r });
      }
      return {
        stdout: stdout.finish(),
        stderr: stderr.finish(),
        exitCode: r.exitCode ?? signalExitCode(r.signal),
        durationMs: Date.now() - startedAt,
      };
    } finally {
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}
