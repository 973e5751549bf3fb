/**
 * A small SSH client for the lab's tests: frames commands exactly as Strata's
 * transport does (worker hello and scripts on a long-lived `exec sh` channel,
 * exec lines for commands with stdin), and reports what came back, markers
 * included, so the tests see the raw protocol.
 */
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import type { Command } from '../../../src/transport/command.js';
import {
  execLine,
  markers,
  newNonce,
  WORKER_SHELL_LINE,
  workerHello,
  workerScript,
} from '../../../src/transport/shell-script.js';
import { fingerprintOfBlob } from '../../../src/lab/keys.js';

export interface Reply {
  stdout: string;
  stderr: string;
  code: number;
  pid: number;
}

export interface ConnectOptions {
  port: number;
  identityFile: string;
  /** Pinned `SHA256:...`; the connection fails when the host offers another key. */
  fingerprint?: string;
  readyTimeoutMs?: number;
}

export class LabClient {
  private worker: Promise<{ ch: ClientChannel; out: string; err: string; waiters: (() => void)[] }> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  closed = false;
  /** Fingerprint of the host key the server offered. */
  offered = '';

  private constructor(readonly conn: ssh2.Client) {
    conn.on('close', () => (this.closed = true));
  }

  static connect(opts: ConnectOptions): Promise<LabClient> {
    return new Promise((resolve, reject) => {
      const conn = new ssh2.Client();
      let offered = '';
      conn.once('ready', () => {
        const c = new LabClient(conn);
        c.offered = offered;
        resolve(c);
      });
      conn.once('error', reject);
      conn.connect({
        host: '127.0.0.1',
        port: opts.port,
        username: 'root',
        privateKey: readFileSync(opts.identityFile),
        readyTimeout: opts.readyTimeoutMs ?? 5000,
        hostVerifier: (key: Buffer) => {
          offered = fingerprintOfBlob(key);
          return opts.fingerprint === undefined || offered === opts.fingerprint;
        },
      });
    });
  }

  /** Runs a command on the worker channel (one at a time, like one worker). */
  run(cmd: Command, onOutput?: (stdout: string, stderr: string) => void): Promise<Reply> {
    const next = this.queue.then(() => this.runOnWorker(cmd, onOutput));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private openWorker() {
    this.worker ??= new Promise((resolve, reject) => {
      this.conn.exec(WORKER_SHELL_LINE, (e, ch) => {
        if (e) return reject(e);
        const w = { ch, out: '', err: '', waiters: [] as (() => void)[] };
        const wake = () => w.waiters.splice(0).forEach((f) => f());
        ch.on('data', (d: Buffer) => {
          w.out += d.toString('utf8');
          wake();
        });
        ch.stderr.on('data', (d: Buffer) => {
          w.err += d.toString('utf8');
          wake();
        });
        ch.on('close', () => {
          this.worker = undefined;
          wake();
        });
        const nonce = newNonce();
        ch.write(workerHello(nonce));
        const ready = `${markers(nonce).ready}\n`;
        const check = () => {
          if (w.out.includes(ready)) {
            w.out = w.out.slice(w.out.indexOf(ready) + ready.length);
            resolve(w);
          } else if (this.closed) reject(new Error('connection closed before READY'));
          else w.waiters.push(check);
        };
        check();
      });
    });
    return this.worker;
  }

  private async runOnWorker(cmd: Command, onOutput?: (stdout: string, stderr: string) => void): Promise<Reply> {
    const w = await this.openWorker();
    const nonce = newNonce();
    const m = markers(nonce);
    w.ch.write(workerScript(cmd, nonce));
    return new Promise((resolve, reject) => {
      const check = () => {
        onOutput?.(w.out, w.err);
        const endOut = w.out.indexOf(m.end);
        const endErr = w.err.indexOf(m.end);
        if (endOut >= 0 && endErr >= 0 && w.out.indexOf('\n', endOut) >= 0 && w.err.indexOf('\n', endErr) >= 0) {
          const code = Number(w.out.slice(endOut + m.end.length, w.out.indexOf('\n', endOut)));
          const stdout = w.out.slice(0, endOut);
          const errAll = w.err.slice(0, endErr);
          w.out = w.out.slice(w.out.indexOf('\n', endOut) + 1);
          w.err = w.err.slice(w.err.indexOf('\n', endErr) + 1);
          const pidLine = new RegExp(`${m.pid}(\\d+)\\n`).exec(errAll);
          resolve({ stdout, stderr: errAll.replace(pidLine?.[0] ?? '', ''), code, pid: Number(pidLine?.[1] ?? -1) });
        } else if (this.closed || !this.worker) reject(new Error(`connection closed mid-command; got ${JSON.stringify(w.out.slice(0, 200))}`));
        else w.waiters.push(check);
      };
      check();
    });
  }

  /** The PID of the command now running on the worker, once its marker arrived. */
  async waitForPid(timeoutMs = 5000): Promise<number> {
    const w = await this.openWorker();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /:P(\d+)\n/.exec(w.err);
      if (m) return Number(m[1]);
      if (Date.now() > deadline) throw new Error('no PID marker');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Runs a command on its own exec channel (`execLine`), with stdin. */
  exec(cmd: Command): Promise<Reply & { signal?: string }> {
    return new Promise((resolve, reject) => {
      const nonce = newNonce();
      const { line, stdinPrefix } = execLine(cmd, nonce);
      this.conn.exec(line, (e, ch) => {
        if (e) return reject(e);
        let stdout = '';
        let stderr = '';
        let code = -1;
        let signal: string | undefined;
        ch.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
        ch.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
        ch.on('exit', (c: number | null, s?: string) => {
          if (c !== null) code = c;
          if (s) signal = s;
        });
        ch.on('close', () => {
          const pidLine = new RegExp(`${markers(nonce).pid}(\\d+)\\n`).exec(stderr);
          resolve({
            stdout,
            stderr: stderr.replace(pidLine?.[0] ?? '', ''),
            code,
            pid: Number(pidLine?.[1] ?? -1),
            ...(signal ? { signal } : {}),
          });
        });
        ch.write(stdinPrefix);
        if (cmd.stdin !== undefined) ch.write(cmd.stdin);
        ch.end();
      });
    });
  }

  /** A raw exec request (e.g. `kill -TERM -- -123`, or `zpool status` as OpenSSH's client sends it). */
  execRaw(line: string): Promise<{ stdout: string; stderr: string; code: number }> {
    return new Promise((resolve, reject) => {
      this.conn.exec(line, (e, ch) => {
        if (e) return reject(e);
        let stdout = '';
        let stderr = '';
        let code = -1;
        ch.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
        ch.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
        ch.on('exit', (c: number | null) => (code = c ?? -1));
        ch.on('close', () => resolve({ stdout, stderr, code }));
        ch.end();
      });
    });
  }

  close(): void {
    this.conn.end();
  }
}
