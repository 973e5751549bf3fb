/**
 * A real OpenSSH sshd for tests and benchmarks: its own config, host key,
 * client key and authorized_keys in a temporary directory, listening on a free
 * port of 127.0.0.1 (or inside a network namespace). Stand-in tools can be put
 * on the sessions' PATH through `env`.
 *
 *   const sshd = await startSshd();
 *   const runner = createRunner(sshd.sshTarget());
 *   ...
 *   await sshd.stop();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { SshTarget } from '../../src/transport/index.js';
import type { Netns } from './netns.js';

export interface SshdOptions {
  /** Run sshd inside this namespace, listening on its address. */
  readonly netns?: Netns;
  /** Environment of every session (sshd `SetEnv`), e.g. a PATH with stand-in tools first. */
  readonly env?: Readonly<Record<string, string>>;
  /** More sshd_config lines. sshd keeps the first value of a keyword: these cannot change the ones set here. */
  readonly extraConfig?: readonly string[];
  /** Sessions (channels) sshd allows on one connection; default 10, OpenSSH's own default. */
  readonly maxSessions?: number;
  /** Name used in `sshTarget()` (the inventory host name). */
  readonly name?: string;
}

export interface SshdHost {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly dir: string;
  /** Private key (ed25519, no passphrase) whose public half is in authorized_keys. */
  readonly clientKeyPath: string;
  /** `SHA256:...` of the host key, as `ssh-keygen -lf` prints it. */
  readonly hostKeyFingerprint: string;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA...`. */
  readonly knownHostsLine: string;
  /** A known_hosts file holding `knownHostsLine`. */
  readonly knownHostsFile: string;
  /** A target for this host: key, known_hosts, no ssh-agent and no ~/.ssh/config of the machine. */
  sshTarget(overrides?: Partial<SshTarget>): SshTarget;
  /** Everything sshd logged so far (LogLevel VERBOSE, to a file so a busy test process cannot block sshd). */
  log(): string;
  /** How many connections logged in so far (the harness's own readiness probe does not). */
  connectionCount(): number;
  /** How many sessions (exec channels) sshd started so far. */
  sessionCount(): number;
  /** Kills sshd and every session process at once (SIGKILL), as a host that dies: its clients' connections drop. */
  crash(): Promise<void>;
  /** Starts sshd again after `crash()`, with the same port, host key and keys. */
  restart(): Promise<void>;
  /** Kills sshd and every session process it started. */
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

export function sshKeygen(args: string[]): string {
  const r = spawnSync('ssh-keygen', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** A new ed25519 key pair without passphrase; returns the private key path (`.pub` beside it). */
export function makeKeyPair(path: string, comment = 'strata-test'): string {
  sshKeygen(['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  return path;
}

/** The fingerprint ssh-keygen prints for a public key file. */
export function keygenFingerprint(pubPath: string): string {
  const out = sshKeygen(['-l', '-E', 'sha256', '-f', pubPath]);
  const fp = out.split(' ')[1];
  if (!fp?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -l output: ${out}`);
  return fp;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves once `host:port` answers with an SSH banner. */
export async function waitForSsh(host: string, port: number, timeoutMs: number, alive = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive()) throw new Error('sshd exited');
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect({ host, port });
      const done = (v: boolean) => {
        sock.destroy();
        resolve(v);
      };
      sock.setTimeout(500, () => done(false));
      sock.once('error', () => done(false));
      sock.once('data', (d) => done(d.toString('latin1').startsWith('SSH-')));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`no SSH banner from ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** PIDs of `pid` and all its descendants, read from /proc. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const p of pids) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
}

function killTree(pid: number): void {
  signalAll(processTree(pid), 'SIGKILL');
}

const alive = (p: number) => {
  try {
    return !/^\d+ \([^]*\) Z/.test(readFileSync(`/proc/${p}/stat`, 'latin1'));
  } catch {
    return false;
  }
};

/** SIGTERM first, so shells can run their exit traps (and release locks); SIGKILL what is left. */
async function endTree(pid: number): Promise<void> {
  const tree = processTree(pid);
  signalAll(tree, 'SIGTERM');
  const deadline = Date.now() + 1000;
  while (Date.now() < deadline && tree.some(alive)) await new Promise((r) => setTimeout(r, 20));
  signalAll([...new Set([...tree, ...processTree(pid)])].filter(alive), 'SIGKILL');
}

/** The argument lists of every process on this machine (`ps -eo args`). */
export function processArgs(): string[] {
  const r = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ps failed: ${r.stderr}`);
  return r.stdout.split('\n').slice(1);
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) if (child.pid) killTree(child.pid);
});

export async function startSshd(opts: SshdOptions = {}): Promise<SshdHost> {
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'strata-sshd-'));
  const hostKey = makeKeyPair(join(dir, 'host_key'), 'strata-test-host');
  const clientKeyPath = makeKeyPair(join(dir, 'client_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKeyPath}.pub`));
  const hostKeyFingerprint = keygenFingerprint(`${hostKey}.pub`);
  const host = opts.netns?.nsAddress ?? '127.0.0.1';
  const user = userInfo().username;
  // Sessions get a HOME of their own: bash run by sshd sources ~/.bashrc, and the
  // machine's (pyenv, cargo, ...) would slow down or lock up every session.
  const home = join(dir, 'home');
  mkdirSync(home);
  const env = { HOME: home, ...opts.env };

  for (let attempt = 1; ; attempt++) {
    const port = opts.netns ? 2200 : await freePort(host);
    const config = [
      `Port ${port}`,
      `ListenAddress ${host}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile none`,
      'StrictModes no',
      'UsePAM no',
      'PrintMotd no',
      'PrintLastLog no',
      `MaxSessions ${opts.maxSessions ?? 10}`,
      'MaxStartups 100',
      'PermitRootLogin yes',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'LogLevel VERBOSE',
      // sshd keeps only the first SetEnv directive: every variable goes on one line.
      `SetEnv ${Object.entries(env).map(([k, v]) => `"${k}=${v.replace(/["\\]/g, '\\$&')}"`).join(' ')}`,
      ...(opts.extraConfig ?? []),
    ];
    const configPath = join(dir, 'sshd_config');
    writeFileSync(configPath, `${config.join('\n')}\n`);
    const logPath = join(dir, `sshd-${attempt}.log`);
    writeFileSync(logPath, '');
    const argv = [SSHD, '-D', '-E', logPath, '-f', configPath];
    const log = () => {
      try {
        return readFileSync(logPath, 'utf8');
      } catch {
        return '';
      }
    };
    let child!: ChildProcess;
    let exited = false;
    const launch = async () => {
      const c = opts.netns
        ? spawn('ip', ['netns', 'exec', opts.netns.name, ...argv], { stdio: 'ignore' })
        : spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
      child = c;
      exited = false;
      live.add(c);
      c.once('exit', () => {
        if (child === c) exited = true;
        live.delete(c);
      });
      await waitForSsh(host, port, 10_000, () => !exited);
    };
    try {
      await launch();
    } catch (e) {
      if (child.pid) killTree(child.pid);
      if (attempt < 5 && /Address already in use/.test(log())) continue;
      throw new Error(`sshd did not start: ${(e as Error).message}\n${log()}`);
    }

    const pub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ');
    const knownHostsLine = `${port === 22 ? host : `[${host}]:${port}`} ${pub[0]} ${pub[1]}`;
    const knownHostsFile = join(dir, 'known_hosts');
    writeFileSync(knownHostsFile, `${knownHostsLine}\n`);
    const name = opts.name ?? 'testhost';

    return {
      host,
      port,
      user,
      dir,
      clientKeyPath,
      hostKeyFingerprint,
      knownHostsLine,
      knownHostsFile,
      sshTarget: (overrides = {}) => ({
        name,
        address: host,
        port,
        user,
        identityFile: clientKeyPath,
        knownHostsFile,
        sshConfigFile: join(dir, 'no-ssh-config'),
        agentSocket: false,
        ...overrides,
      }),
      log,
      connectionCount: () => (log().match(/^Accepted \S+ for /gm) ?? []).length,
      sessionCount: () => (log().match(/^Starting session: /gm) ?? []).length,
      crash: async () => {
        if (!child.pid || exited) return;
        const gone = new Promise((r) => child.once('exit', r));
        killTree(child.pid);
        await gone;
      },
      restart: async () => {
        if (!exited) throw new Error('sshd is still running');
        await launch();
      },
      stop: async () => {
        if (child.pid && !exited) {
          const gone = new Promise((r) => child.once('exit', r));
          await endTree(child.pid);
          await gone;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
