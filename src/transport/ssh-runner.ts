/**
 * Runs commands on one host over one pooled SSH connection: commands without
 * stdin go to long-lived worker shells (up to maxConcurrent), commands with
 * stdin get their own exec channel (counted against the same bound), and the
 * rest wait in a FIFO queue. Cancel and timeout end the remote process itself.
 * A dead link fails every command with `connection-lost`; the next command
 * connects again, and failed connects back off (0.5 s doubling to 30 s) while
 * commands in that window fail at once with the last error.
 */
import { assertValidCommand, type Command } from './command.js';
import { TransportError, type TransportErrorKind } from './errors.js';
import { startExec } from './exec-command.js';
import { OutputSink } from './output-sink.js';
import { STREAM_TAIL_BYTES, type RunOptions, type RunResult, type Runner, type StreamOptions } from './runner.js';
import { connectSsh } from './ssh-connect.js';
import { SshSession } from './ssh-session.js';
import { resolveSshSettings } from './ssh-settings.js';
import type { SshTarget } from './target.js';
import { WorkerShell, type CommandIo } from './worker-shell.js';

/** After SIGTERM, how long a command may take to end before SIGKILL. */
const KILL_GRACE_MS = 1000;
/** After a cancel, how long before the channel is given up even if the host never confirms the end. */
const ABANDON_AFTER_MS = 3000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 30_000;

type StopKind = Extract<TransportErrorKind, 'cancelled' | 'timeout'>;

interface Job {
  readonly cmd: Command;
  readonly io: CommandIo;
  readonly startedAt: number;
  readonly needsExec: boolean;
  state: 'queued' | 'running' | 'done';
  session?: SshSession;
  pid?: number;
  /** Signal the process group (setsid on the host) or only the PID. */
  groupKill: boolean;
  stopping?: StopKind;
  /** Destroys the channel the command runs on. */
  abandon?: () => void;
  readonly timers: ReturnType<typeof setTimeout>[];
  readonly detach: () => void;
  readonly resolve: (r: RunResult) => void;
  readonly reject: (e: Error) => void;
  /** Settles when the command has finished one way or another. */
  readonly settled: Promise<void>;
  readonly markSettled: () => void;
}

export class SshRunner implements Runner {
  readonly host: string;
  private session: SshSession | undefined;
  private connecting = false;
  /** Bumped by close(): a connect that was under way then is not kept. */
  private epoch = 0;
  private readonly queue: Job[] = [];
  /** Every command not yet finished, queued or running. */
  private readonly jobs = new Set<Job>();
  private failure: { error: TransportError; until: number; delayMs: number } | undefined;
  /** TCP connections opened so far (for tests and the journal). */
  connectCount = 0;

  constructor(private readonly target: SshTarget) {
    this.host = target.name;
  }

  run(cmd: Command, opts: RunOptions = {}): Promise<RunResult> {
    return this.submit(cmd, opts, undefined);
  }

  stream(cmd: Command, opts: StreamOptions): Promise<RunResult> {
    return this.submit(cmd, opts, opts);
  }

  async close(): Promise<void> {
    this.epoch++;
    for (const job of [...this.queue]) this.stop(job, 'cancelled');
    const session = this.session;
    if (!session) return;
    const running = [...this.jobs].filter((j) => j.session === session);
    for (const job of running) this.stop(job, 'cancelled');
    await Promise.all(running.map((j) => j.settled));
    this.dropSession(session, new TransportError('connection-lost', { host: this.host, detail: 'the runner was closed' }), true);
  }

  private submit(cmd: Command, opts: RunOptions, streamOpts: StreamOptions | undefined): Promise<RunResult> {
    try {
      assertValidCommand(cmd);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    if (opts.signal?.aborted) return Promise.reject(new TransportError('cancelled', { host: this.host, detail: 'before it started' }));
    if (this.failure && Date.now() < this.failure.until && !this.session) {
      const f = this.failure.error;
      const wait = Math.ceil((this.failure.until - Date.now()) / 100) / 10;
      return Promise.reject(
        new TransportError(f.kind, { host: this.host, detail: `${f.detail ?? ''} (next attempt in ${wait} s)`.trim(), fingerprint: f.fingerprint, cause: f }),
      );
    }
    return new Promise<RunResult>((resolve, reject) => {
      const tail = streamOpts ? STREAM_TAIL_BYTES : undefined;
      const onAbort = () => this.stop(job, 'cancelled');
      let markSettled = () => {};
      const settled = new Promise<void>((r) => (markSettled = r));
      const job: Job = {
        cmd,
        io: {
          stdout: new OutputSink(streamOpts?.onStdout, tail),
          stderr: new OutputSink(streamOpts?.onStderr, tail),
          onPid: (pid) => this.onPid(job, pid),
        },
        startedAt: Date.now(),
        needsExec: cmd.stdin !== undefined,
        state: 'queued',
        groupKill: true,
        timers: [],
        detach: () => opts.signal?.removeEventListener('abort', onAbort),
        resolve,
        reject,
        settled,
        markSettled,
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (cmd.timeoutMs !== undefined) job.timers.push(setTimeout(() => this.stop(job, 'timeout'), cmd.timeoutMs));
      this.queue.push(job);
      this.jobs.add(job);
      this.connectIfNeeded();
      this.dispatch();
    });
  }

  private connectIfNeeded(): void {
    if (this.session || this.connecting || this.queue.length === 0) return;
    this.connecting = true;
    const holder: { session?: SshSession } = {};
    const epoch = this.epoch;
    void (async () => {
      try {
        const settings = resolveSshSettings(this.target);
        this.connectCount++;
        const client = await connectSsh(settings, (err) => holder.session && this.dropSession(holder.session, err));
        holder.session = new SshSession(client, settings);
        this.failure = undefined;
        if (epoch === this.epoch) this.session = holder.session;
        else this.dropSession(holder.session, new TransportError('connection-lost', { host: this.host, detail: 'the runner was closed' }), true);
      } catch (e) {
        const error =
          e instanceof TransportError ? e : new TransportError('unreachable', { host: this.host, detail: (e as Error).message, cause: e });
        const delayMs = this.failure ? Math.min(this.failure.delayMs * 2, BACKOFF_MAX_MS) : BACKOFF_FIRST_MS;
        this.failure = { error, until: Date.now() + delayMs, delayMs };
        for (const job of this.queue.splice(0)) this.finish(job, error);
      } finally {
        this.connecting = false;
      }
      this.connectIfNeeded();
      this.dispatch();
    })();
  }

  /** Gives queued commands to idle workers or new channels, in order, within maxConcurrent. */
  private dispatch(): void {
    const s = this.session;
    if (!s || s.dead) return;
    let waitingForWorker = 0;
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i]!;
      if (job.needsExec) {
        if (s.free <= 0 && s.idle.length > 0) s.idle.shift()!.destroy();
        if (s.free > 0) {
          this.queue.splice(i, 1);
          this.startExecJob(s, job);
          continue;
        }
      } else if (s.idle.length > 0) {
        this.queue.splice(i, 1);
        this.startWorkerJob(s, job, s.idle.shift()!);
        continue;
      } else waitingForWorker++;
      i++;
    }
    // Open workers for waiting commands; whichever is free first (a new one or a busy one finishing) takes the next command.
    const toOpen = Math.min(waitingForWorker - s.opening, s.free);
    for (let k = 0; k < toOpen; k++) this.openWorker(s);
  }

  private openWorker(s: SshSession): void {
    s.opening++;
    WorkerShell.open(s.client, this.host, s.settings.connectTimeoutMs).then(
      (w) => {
        s.opening--;
        if (s.dead) return w.destroy();
        s.workers.add(w);
        w.onClosed = () => {
          s.workers.delete(w);
          s.idle = s.idle.filter((x) => x !== w);
          this.dispatch();
        };
        s.idle.push(w);
        this.dispatch();
      },
      (err: TransportError) => {
        s.opening--;
        if (s.dead) return;
        // With no worker at all, nothing would ever serve the waiting commands.
        if (s.workers.size === 0 && s.opening === 0) {
          for (const job of this.queue.filter((j) => !j.needsExec)) {
            this.queue.splice(this.queue.indexOf(job), 1);
            this.finish(job, err);
          }
        }
        this.dispatch();
      },
    );
  }

  private startWorkerJob(s: SshSession, job: Job, w: WorkerShell): void {
    job.state = 'running';
    job.session = s;
    job.groupKill = w.hasSetsid;
    job.abandon = () => w.destroy();
    w.run(job.cmd, job.io).then(
      (code) => {
        this.complete(job, code);
        // Without setsid only the PID was signalled: children of a stopped command (a pipeline's
        // other half) may live on and write into this channel later, into the next command's output.
        if (job.stopping !== undefined && !w.hasSetsid) w.destroy();
        else if (w.isAlive && !s.dead && !w.isBusy) s.idle.push(w);
        this.dispatch();
      },
      (err: Error) => this.finish(job, err),
    );
  }

  private startExecJob(s: SshSession, job: Job): void {
    job.state = 'running';
    job.session = s;
    s.execs++;
    startExec(s.client, job.cmd, this.host, job.io)
      .then((h) => {
        job.abandon = h.destroy;
        if (job.state === 'done') h.destroy();
        return h.done;
      })
      .then(
        (code) => this.complete(job, code),
        (err: Error) => this.finish(job, err),
      )
      .finally(() => {
        s.execs--;
        this.dispatch();
      });
  }

  private onPid(job: Job, pid: number): void {
    job.pid = pid;
    if (job.stopping) this.killRemote(job);
  }

  /** Cancel or timeout: a queued command just leaves; a running one is signalled on the host. */
  private stop(job: Job, kind: StopKind): void {
    if (job.state === 'done' || job.stopping) return;
    if (job.state === 'queued') {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.finish(job, this.stopError(job, kind, 'before it started'));
      return;
    }
    job.stopping = kind;
    if (job.pid !== undefined) this.killRemote(job);
    job.timers.push(
      setTimeout(() => {
        if (job.state === 'done') return;
        job.abandon?.();
        this.finish(job, this.stopError(job, kind, `the host did not confirm the end within ${ABANDON_AFTER_MS / 1000} s`));
      }, ABANDON_AFTER_MS),
    );
  }

  private killRemote(job: Job): void {
    const s = job.session;
    if (!s || job.pid === undefined) return;
    const target = job.groupKill ? `-${job.pid}` : String(job.pid);
    s.kill('TERM', target);
    job.timers.push(setTimeout(() => job.state !== 'done' && s.kill('KILL', target), KILL_GRACE_MS));
  }

  private stopError(job: Job, kind: StopKind, detail: string): TransportError {
    const what = kind === 'timeout' ? `after ${job.cmd.timeoutMs} ms` : '';
    return new TransportError(kind, { host: this.host, detail: [what, detail].filter(Boolean).join('; ') });
  }

  private complete(job: Job, exitCode: number): void {
    if (job.stopping) {
      this.finish(job, this.stopError(job, job.stopping, `the remote process was ended (exit ${exitCode})`));
      return;
    }
    if (job.state === 'done') return;
    job.state = 'done';
    this.cleanup(job);
    job.resolve({
      stdout: job.io.stdout.finish(),
      stderr: job.io.stderr.finish(),
      exitCode,
      durationMs: Date.now() - job.startedAt,
    });
  }

  private finish(job: Job, error: Error): void {
    if (job.state === 'done') return;
    job.state = 'done';
    this.cleanup(job);
    job.reject(error);
  }

  private cleanup(job: Job): void {
    for (const t of job.timers) clearTimeout(t);
    job.detach();
    this.jobs.delete(job);
    job.markSettled();
  }

  /** The link died (or the runner closed): every command on it fails, and the next one reconnects. */
  private dropSession(s: SshSession, err: TransportError, graceful = false): void {
    if (s.dead) return;
    s.dead = true;
    const current = this.session === s;
    if (current) this.session = undefined;
    for (const job of [...this.jobs]) if (job.session === s || (current && job.state === 'queued')) this.finish(job, err);
    if (current) this.queue.splice(0);
    for (const w of s.workers) w.destroy();
    // A closing runner says goodbye to the host; a dead link has nobody to say it to.
    if (graceful) s.client.end();
    else s.client.destroy();
  }
}
