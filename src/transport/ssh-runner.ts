/**
 * Runs commands on one host over one pooled SSH connection: commands without
 * stdin go to long-lived worker shells (up to maxConcurrent), commands with
 * stdin get their own exec channel (counted against the same bound), and the
 * rest wait in a FIFO queue. Cancel, timeout and too much output end the
 * remote process itself. A dead link fails every command with
 * `connection-lost`; the next command connects again, and failed connects back
 * off (0.5 s doubling to 30 s) while commands in that window fail at once with
 * the last error.
 *
 * Worker shells start carefully, because a login shell that sources a heavy rc
 * file (pyenv, conda) takes seconds and shells started together queue on its
 * locks: the first shell of a connection opens alone (and measures the host),
 * later ones at most two at a time, and only while commands wait that a new
 * shell would serve sooner than the busy ones. A slow start is waited for
 * within each waiting command's own timeout (`session-timeout` when it runs
 * out). A shell that fails to start while others live lowers the host's
 * capacity instead of failing commands those others can run.
 */
import { assertValidCommand, type Command } from './command.js';
import { formatSeconds, outputTooLargeError, TransportError, type TransportErrorKind } from './errors.js';
import { startExec } from './exec-command.js';
import { OutputBudget, OutputSink } from './output-sink.js';
import {
  DEFAULT_MAX_OUTPUT_BYTES,
  STREAM_TAIL_BYTES,
  type RunOptions,
  type RunResult,
  type Runner,
  type StreamOptions,
} from './runner.js';
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
/** Worker shells starting at once on one connection, once its first has started. */
const MAX_OPENING = 2;
/** A shell that has not answered after this long is stuck (an rc file waiting for input), not slow. */
const SESSION_START_LIMIT_MS = 120_000;
/** How long a lowered capacity holds before one more channel is tried again. */
const CAPACITY_RETRY_MS = 5 * 60_000;
/** Weight of the newest measurement in the moving averages of session start and command times. */
const AVG_WEIGHT = 0.5;

type StopKind = Extract<TransportErrorKind, 'cancelled' | 'timeout' | 'output-too-large'>;

interface Job {
  readonly cmd: Command;
  readonly io: CommandIo;
  readonly startedAtMs: number;
  readonly needsExec: boolean;
  /** Bytes of stdout and stderr together after which the command is ended. */
  readonly maxOutputBytes: number | undefined;
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
  /** Capacity learned from shells that failed to start, kept for the next connection; undefined is maxConcurrent. */
  private capacity: number | undefined;
  private capacityChangedAtMs = 0;
  private startAvgMs: number | undefined;
  /** Moving average of how long commands ran on worker shells here. */
  private commandAvgMs: number | undefined;
  /** TCP connections opened so far (for tests and the journal). */
  connectCount = 0;

  constructor(private readonly target: SshTarget) {
    this.host = target.name;
  }

  /** Moving average of how long worker shells took to start here (channel request to READY). */
  get sessionStartMs(): number | undefined {
    return this.startAvgMs === undefined ? undefined : Math.round(this.startAvgMs);
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
      // A stream keeps only a tail: it is bounded only when the command asks.
      const maxOutputBytes = cmd.maxOutputBytes ?? (streamOpts ? undefined : DEFAULT_MAX_OUTPUT_BYTES);
      const budget = maxOutputBytes === undefined ? undefined : new OutputBudget(maxOutputBytes, () => this.stop(job, 'output-too-large'));
      const job: Job = {
        cmd,
        io: {
          stdout: new OutputSink(streamOpts?.onStdout, tail, budget),
          stderr: new OutputSink(streamOpts?.onStderr, tail, budget),
          onPid: (pid) => this.onPid(job, pid),
        },
        startedAtMs: Date.now(),
        needsExec: cmd.stdin !== undefined,
        maxOutputBytes,
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
        holder.session = new SshSession(client, settings, this.capacity);
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
    if (waitingForWorker <= s.opening || !this.moreShellsWouldHelp(s, waitingForWorker)) return;
    this.retryCapacity(s);
    // Open workers for waiting commands; whichever is free first (a new one or a busy one finishing) takes the next command.
    // Shells started together queue on a slow host's rc file, and each one's wait is its commands' wait:
    // the first opens alone (it also measures the host), later ones at most MAX_OPENING at a time.
    const openingRoom = (s.workers.size === 0 ? 1 : MAX_OPENING) - s.opening;
    const toOpen = Math.min(waitingForWorker - s.opening, s.free, openingRoom);
    for (let k = 0; k < toOpen; k++) this.openWorker(s);
  }

  /**
   * Whether a new shell would serve the waiting commands sooner than the shells
   * already there. Where a session takes seconds to start, one shell has run
   * twenty quick probes before a second one is up, and every shell started
   * costs the host its rc file. A busy shell that has run as long as a start
   * takes may be on a long command: it does not count, and a timer looks again
   * when the next one reaches that age.
   */
  private moreShellsWouldHelp(s: SshSession, waiting: number): boolean {
    const startMs = this.startAvgMs;
    if (s.workers.size === 0 || startMs === undefined) return true;
    const now = performance.now();
    const ages = [...s.workers].flatMap((w) => (w.busySinceMs === undefined ? [] : [now - w.busySinceMs])).filter((age) => age < startMs);
    const serving = ages.length + s.opening;
    if (serving === 0) return true;
    if (this.commandAvgMs !== undefined && (waiting * this.commandAvgMs) / serving > startMs) return true;
    if (ages.length > 0 && s.recheck === undefined) {
      s.recheck = setTimeout(
        () => {
          s.recheck = undefined;
          this.dispatch();
        },
        Math.max(1, startMs - Math.max(...ages)),
      );
      s.recheck.unref();
    }
    return false;
  }

  private openWorker(s: SshSession): void {
    s.opening++;
    WorkerShell.open(s.client, this.host, SESSION_START_LIMIT_MS).then(
      (w) => {
        s.opening--;
        if (s.dead) return w.destroy();
        this.recordSessionStart(w.startMs);
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
        if (s.workers.size === 0 && s.opening === 0) {
          // With no worker at all, nothing would ever serve the waiting commands.
          for (const job of this.queue.filter((j) => !j.needsExec)) {
            this.queue.splice(this.queue.indexOf(job), 1);
            this.finish(job, err);
          }
        } else {
          // Other shells run or are starting: the host refused one more, not every one.
          this.setCapacity(s, Math.max(1, s.used));
        }
        this.dispatch();
      },
    );
  }

  private setCapacity(s: SshSession, capacity: number): void {
    s.capacity = capacity;
    this.capacity = capacity < s.settings.maxConcurrent ? capacity : undefined;
    this.capacityChangedAtMs = Date.now();
  }

  /** A capacity lowered long ago may have been a passing shortage (a host out of processes): try one more channel. */
  private retryCapacity(s: SshSession): void {
    if (s.free > 0 || s.capacity >= s.settings.maxConcurrent) return;
    if (Date.now() - this.capacityChangedAtMs < CAPACITY_RETRY_MS) return;
    this.setCapacity(s, s.capacity + 1);
  }

  private recordSessionStart(ms: number): void {
    this.startAvgMs = this.startAvgMs === undefined ? ms : this.startAvgMs + AVG_WEIGHT * (ms - this.startAvgMs);
  }

  private recordCommand(ms: number): void {
    this.commandAvgMs = this.commandAvgMs === undefined ? ms : this.commandAvgMs + AVG_WEIGHT * (ms - this.commandAvgMs);
  }

  private startWorkerJob(s: SshSession, job: Job, w: WorkerShell): void {
    job.state = 'running';
    job.session = s;
    job.groupKill = w.hasSetsid;
    job.abandon = () => w.destroy();
    const handedAt = performance.now();
    w.run(job.cmd, job.io).then(
      (code) => {
        if (job.stopping === undefined) this.recordCommand(performance.now() - handedAt);
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

  /** Cancel, timeout or too much output: a queued command just leaves; a running one is signalled on the host. */
  private stop(job: Job, kind: StopKind): void {
    if (job.state === 'done' || job.stopping) return;
    if (job.state === 'queued') {
      this.queue.splice(this.queue.indexOf(job), 1);
      const s = this.session;
      const connected = s !== undefined && !s.dead;
      // Waiting for a connection is the connect's business (it has its own timeout); waiting for a shell is this runner's.
      if (kind === 'timeout' && connected) this.finish(job, this.sessionWaitError(job, s));
      else this.finish(job, this.stopError(job, kind, connected ? 'before it started' : 'before it started, while connecting'));
      return;
    }
    job.stopping = kind;
    if (job.pid !== undefined) this.killRemote(job);
    // Each signal (TERM, then KILL) goes on an exec channel of its own, which a slow login delays by a session start.
    const abandonAfterMs = ABANDON_AFTER_MS + 2 * (this.sessionStartMs ?? 0);
    job.timers.push(
      setTimeout(() => {
        if (job.state === 'done') return;
        job.abandon?.();
        this.finish(job, this.stopError(job, kind, `the host did not confirm the end within ${formatSeconds(abandonAfterMs)}`));
      }, abandonAfterMs),
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
    if (kind === 'output-too-large') return outputTooLargeError(this.host, job.cmd.argv[0]!, job.maxOutputBytes ?? 0);
    const what = kind === 'timeout' ? `after ${job.cmd.timeoutMs} ms` : '';
    return new TransportError(kind, { host: this.host, detail: [what, detail].filter(Boolean).join('; ') });
  }

  /** A command whose time ran out before any session could take it: says what it was waiting for. */
  private sessionWaitError(job: Job, s: SshSession): TransportError {
    let why: string;
    if (s.opening === 0 && s.idle.length === 0 && s.used > 0) why = s.used === 1 ? 'the only session there was busy' : `all ${s.used} sessions there were busy`;
    else if (this.sessionStartMs !== undefined) why = `sessions there take about ${formatSeconds(this.sessionStartMs)} to start`;
    else why = 'the first session there had not started yet';
    return new TransportError('session-timeout', { host: this.host, waitedMs: job.cmd.timeoutMs ?? Date.now() - job.startedAtMs, detail: why });
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
      durationMs: Date.now() - job.startedAtMs,
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
    clearTimeout(s.recheck);
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
