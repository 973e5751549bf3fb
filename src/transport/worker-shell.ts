/**
 * One long-lived `sh` on an SSH exec channel, running one command at a time
 * (see workerScript in shell-script.ts). Saves sshd's ~100 ms session start per
 * command.
 */
import type { Client, ClientChannel } from 'ssh2';
import type { Command } from './command.js';
import { TransportError } from './errors.js';
import { MarkerScanner, type MarkerEvent } from './marker-scanner.js';
import type { OutputSink } from './output-sink.js';
import { markers, newNonce, workerHello, workerScript, WORKER_SHELL_LINE } from './shell-script.js';

export interface CommandIo {
  readonly stdout: OutputSink;
  readonly stderr: OutputSink;
  /** The PID (and, with setsid, process group) of the running command on the host. */
  readonly onPid: (pid: number) => void;
}

interface Current {
  readonly out: MarkerScanner;
  readonly err: MarkerScanner;
  readonly io: CommandIo;
  code: number | undefined;
  readonly resolve: (code: number) => void;
  readonly reject: (e: TransportError) => void;
}

/** How often, and how far apart, a refused channel open is tried again. */
const OPEN_RETRIES = 20;
const OPEN_RETRY_MS = 50;

/** How a channel's process ended, as ssh2 reported it ('exit' event). */
export interface ChannelExit {
  readonly code: number | null;
  readonly signal?: string;
}

/**
 * ssh2 can parse a whole TCP read (open confirmation, output, exit-status, close)
 * in one synchronous pass, before the promise of execOnce lets the caller attach
 * its listeners: the 'exit' event would be lost. It is recorded here, from the
 * very callback that hands out the channel.
 */
const earlyExits = new WeakMap<ClientChannel, ChannelExit>();

export function recordedExit(channel: ClientChannel): ChannelExit | undefined {
  return earlyExits.get(channel);
}

function execOnce(client: Client, line: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(line, (err, channel) => {
        if (err) return reject(err);
        channel.once('exit', (code: number | null, signal?: string) => earlyExits.set(channel, { code, signal }));
        resolve(channel);
      });
    } catch (e) {
      reject(e as Error);
    }
  });
}

/**
 * Opens an exec channel. sshd refuses a session ("open failed") while it still
 * counts a just-closed one whose process has not been reaped yet, so a refusal
 * is tried again for a short while before it counts as a failure.
 */
export async function openChannel(client: Client, line: string, host: string): Promise<ClientChannel> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await execOnce(client, line);
    } catch (e) {
      const err = e as Error & { reason?: number };
      const refused = err.reason === 2 || /open failed/i.test(err.message);
      if (!refused || attempt >= OPEN_RETRIES) {
        throw new TransportError('connection-lost', { host, detail: `could not open a channel: ${err.message}`, cause: err });
      }
      await new Promise((r) => setTimeout(r, OPEN_RETRY_MS));
    }
  }
}

export class WorkerShell {
  private current: Current | undefined;
  private closed = false;
  /** When the running command was handed over (performance.now()), undefined while idle. */
  busySinceMs: number | undefined;
  /** Called once when the channel is gone (the runner frees its slot). */
  onClosed: (() => void) | undefined;

  private constructor(
    private readonly channel: ClientChannel,
    private readonly host: string,
    /** False when the host has no setsid: a command's PID is then not a process group. */
    readonly hasSetsid: boolean,
    /** How long this shell took from the channel request to READY. */
    readonly startMs: number,
  ) {
    channel.on('data', (d: Buffer) => this.onData(d, 'out'));
    channel.stderr.on('data', (d: Buffer) => this.onData(d, 'err'));
    channel.on('close', () => this.onClose());
    // A write racing the channel's end reports an error; the close that follows settles everything.
    channel.on('error', () => channel.destroy());
  }

  /**
   * Starts `sh` on a new channel and waits for its READY line. Hosts whose
   * login shell sources a heavy rc file take seconds here; only a shell that
   * has not answered after `limitMs` is given up.
   */
  static async open(client: Client, host: string, limitMs: number): Promise<WorkerShell> {
    const requestedAt = performance.now();
    const channel = await openChannel(client, WORKER_SHELL_LINE, host);
    const nonce = newNonce();
    const m = markers(nonce);
    const hasSetsid = await new Promise<boolean>((resolve, reject) => {
      let text = '';
      const fail = (err: TransportError) => {
        cleanup();
        channel.destroy();
        reject(err);
      };
      const onData = (d: Buffer) => {
        text += d.toString('latin1');
        if (text.includes(`${m.ready}\n`)) {
          cleanup();
          resolve(!text.includes(`${m.noSetsid}\n`));
        }
      };
      const onClose = () =>
        fail(new TransportError('connection-lost', { host, detail: `the worker shell ended before it was ready${text ? `: ${text.slice(0, 200)}` : ''}` }));
      const timer = setTimeout(
        () => fail(new TransportError('session-timeout', { host, waitedMs: limitMs, detail: 'the shell never said it was ready' })),
        limitMs,
      );
      // A shell still starting must not keep the process alive.
      timer.unref();
      const cleanup = () => {
        clearTimeout(timer);
        channel.off('data', onData);
        channel.off('close', onClose);
        channel.stderr.resume();
      };
      channel.on('data', onData);
      channel.on('close', onClose);
      channel.on('error', () => channel.destroy());
      channel.stderr.resume();
      channel.write(workerHello(nonce));
    });
    return new WorkerShell(channel, host, hasSetsid, Math.round(performance.now() - requestedAt));
  }

  get isAlive(): boolean {
    return !this.closed;
  }

  get isBusy(): boolean {
    return this.current !== undefined;
  }

  /** Runs one command (no stdin); resolves with its exit code. */
  run(cmd: Command, io: CommandIo): Promise<number> {
    if (this.closed) return Promise.reject(new TransportError('connection-lost', { host: this.host, detail: 'the worker shell has ended' }));
    if (this.current) throw new Error('worker shell is busy');
    const nonce = newNonce();
    const script = workerScript(cmd, nonce);
    this.busySinceMs = performance.now();
    return new Promise((resolve, reject) => {
      this.current = { out: new MarkerScanner(nonce), err: new MarkerScanner(nonce), io, code: undefined, resolve, reject };
      this.channel.write(script);
    });
  }

  destroy(): void {
    if (!this.closed) this.channel.destroy();
  }

  private onData(d: Buffer, which: 'out' | 'err'): void {
    const c = this.current;
    // Output with no command running is a leftover of an earlier command's background children.
    if (!c) return;
    const scanner = which === 'out' ? c.out : c.err;
    const { data, events } = scanner.feed(d);
    (which === 'out' ? c.io.stdout : c.io.stderr).push(data);
    for (const e of events) this.onMarker(c, e);
    if (c.out.hasEnded && c.err.hasEnded) {
      this.current = undefined;
      this.busySinceMs = undefined;
      c.resolve(c.code ?? 255);
    }
  }

  private onMarker(c: Current, e: MarkerEvent): void {
    if (e.kind === 'pid') c.io.onPid(e.pid);
    else c.code = e.code;
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    const c = this.current;
    this.current = undefined;
    this.busySinceMs = undefined;
    c?.reject(new TransportError('connection-lost', { host: this.host, detail: 'the worker shell ended during a command' }));
    this.onClosed?.();
  }
}
