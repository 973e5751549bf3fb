/**
 * The lab's SSH servers speak the transport's protocol exactly as a real host
 * with OpenSSH and a POSIX sh would: worker hello and scripts with their
 * markers, exec lines with secrets on stdin, kill of a process group, plain
 * command lines, pinned host keys and the one client key.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, fingerprintOf } from '../../src/lab/keys.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { markers, newNonce, workerHello, workerScript, WORKER_SHELL_LINE } from '../../src/transport/shell-script.js';
import { validateInventory } from '../../src/domain/inventory.js';
import { LabClient } from '../helpers/lab/lab-client.js';
import { LabRunners } from '../helpers/lab/lab-runner.js';
import { nastyStrings } from '../helpers/nasty-strings.js';
import ssh2 from 'ssh2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let lab: Lab;
let client: LabClient;
let runners: LabRunners;

const host = (name: string) => lab.hosts.find((h) => h.name === name)!;

beforeAll(async () => {
  lab = await startLab({ scenario: 'healthy', timeScale: 0.05 });
  client = await LabClient.connect({ port: host('pve1').port, identityFile: lab.identityFile, fingerprint: host('pve1').fingerprint });
  runners = new LabRunners(lab);
});

afterAll(async () => {
  client?.close();
  await runners?.close();
  await lab?.stop();
});

describe('the lab config', () => {
  it('is a valid inventory whose hosts point at the lab with pinned keys and the lab client key (0600)', () => {
    const v = validateInventory(JSON.parse(readFileSync(lab.configPath, 'utf8')));
    expect(v.ok).toBe(true);
    for (const h of lab.config.hosts) {
      expect(h).toMatchObject({ address: '127.0.0.1', user: 'root', identityFile: lab.identityFile });
      expect(h.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      expect(h.port).toBe(host(h.name).port);
    }
    expect(lab.config.hosts.find((h) => h.name === 'pve1')?.node).toBe('pve1');
    expect(readFileSync(lab.identityFile, 'utf8')).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(statSync(lab.identityFile).mode & 0o777).toBe(0o600);
  });

  it('pins the key the server really presents (as ssh-keygen -lf prints its fingerprint)', async () => {
    expect(client.offered).toBe(host('pve1').fingerprint);
    const k = generateKeyPair('x');
    expect(fingerprintOf(k.publicKey)).toBe(k.fingerprint);
  });
});

describe('worker channel', () => {
  it('answers the hello with READY and each script with the PID marker first and the end marker on both streams', async () => {
    const raw = await new Promise<{ out: string; err: string }>((resolve, reject) => {
      client.conn.exec(WORKER_SHELL_LINE, (e, ch) => {
        if (e) return reject(e);
        let out = '';
        let err = '';
        const n1 = newNonce();
        const n2 = newNonce();
        ch.on('data', (d: Buffer) => (out += d.toString()));
        ch.stderr.on('data', (d: Buffer) => (err += d.toString()));
        ch.on('close', () => resolve({ out, err }));
        ch.write(workerHello(n1));
        ch.write(workerScript({ argv: ['hostname'] }, n2));
        ch.end();
        ch.on('exit', () => undefined);
        (ch as unknown as { n: string[] }).n = [n1, n2];
      });
    });
    const readyLine = /(__strata_[0-9a-f]+):READY\n/.exec(raw.out);
    expect(readyLine).not.toBeNull();
    const m = /(__strata_[0-9a-f]+):P(\d+)\n/.exec(raw.err);
    expect(m).not.toBeNull();
    const n2 = m![1]!;
    expect(raw.err.startsWith(`${markers(n2).pid}`)).toBe(true);
    expect(raw.out).toBe(`${markers(readyLine![1]!).ready}\npve1\n${markers(n2).end}0\n`);
    expect(raw.err).toBe(`${markers(n2).pid}${m![2]}\n${markers(n2).end}0\n`);
  });

  it('runs commands on several channels of one connection at once', async () => {
    const others = await Promise.all([1, 2, 3].map(() => LabClient.connect({ port: host('pve1').port, identityFile: lab.identityFile })));
    try {
      const started = Date.now();
      const results = await Promise.all(others.map((c) => c.run({ argv: ['sleep', '0.8'] })));
      expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
      // Three 0.8 s sleeps on three connections take about 0.8 s; one after another they would take 2.4 s.
      expect(Date.now() - started).toBeLessThan(2000);
      const sameConn = await Promise.all([runners.get('pve1').run({ argv: ['sleep', '0.3'] }), runners.get('pve1').run({ argv: ['sleep', '0.3'] }), runners.get('pve1').run({ argv: ['hostname'] })]);
      expect(sameConn.map((r) => r.exitCode)).toEqual([0, 0, 0]);
    } finally {
      others.forEach((c) => c.close());
    }
  });

  it('passes argv, env, cwd and secrets through byte for byte', async () => {
    const args = nastyStrings(300, 5).filter((s) => !s.includes('\0'));
    const r = await client.run({ argv: ['printf', '%s\\n', ...args] });
    expect(r.stdout).toBe(args.map((a) => `${a}\n`).join(''));
    const e = await client.run({ argv: ['sh', '-c', 'echo "$A|$B"'], env: { A: "it's $(x)" }, secrets: { B: 'hunter2 "quoted"' } });
    expect(e.stdout).toBe(`it's $(x)|hunter2 "quoted"\n`);
  });

  it('stops a command whose secret cannot be read, like `NAME=$(cat -- FILE) || exit 1`', async () => {
    const e = await client.run({ argv: ['sh', '-c', 'echo ran "$C"'], secretsFrom: { C: { file: '/root/.nonexistent' } } });
    expect(e).toMatchObject({ code: 1, stdout: '', stderr: 'cat: /root/.nonexistent: No such file or directory\n' });
  });

  it('answers a missing program, exit 127, in the words of what starts it on a Debian host', async () => {
    // `ssh host X`: sshd runs the line with root's login shell.
    expect(await client.execRaw('apt-get install x')).toMatchObject({ code: 127, stdout: '', stderr: 'bash: apt-get: command not found\n' });
    // Strata's exec line ends in bash's `exec`; its worker starts each command with setsid; `sh -c` is dash.
    expect(await client.exec({ argv: ['apt-get', 'install', 'x'], stdin: '' })).toMatchObject({ code: 127, stderr: 'bash: line 1: exec: apt-get: not found\n' });
    expect(await client.run({ argv: ['apt-get', 'install', 'x'] })).toMatchObject({ code: 127, stdout: '', stderr: 'setsid: failed to execute apt-get: No such file or directory\n' });
    expect(await client.run({ argv: ['sh', '-c', 'apt-get'] })).toMatchObject({ code: 127, stderr: 'sh: 1: apt-get: not found\n' });
    const via = await runners.get('docker1').run({ argv: ['pvesh', 'get', '/version'] });
    expect(via).toMatchObject({ exitCode: 127, stderr: 'setsid: failed to execute pvesh: No such file or directory\n' });
  });

  it('fails a cwd that does not exist like `cd -- DIR || exit 1`', async () => {
    const r = await client.run({ argv: ['hostname'], cwd: '/no/such/dir' });
    expect(r).toMatchObject({ code: 1, stderr: "sh: 1: cd: can't cd to /no/such/dir\n" });
  });
});

describe('exec channel and cancellation', () => {
  it('reads secrets from the first stdin lines, then the command input', async () => {
    const r = await client.exec({ argv: ['sh', '-c', 'echo "$S"; cat'], secrets: { S: 'first line secret' }, stdin: 'data\nmore' });
    expect(r.stdout).toBe('first line secret\ndata\nmore');
    expect(r.code).toBe(0);
    expect(r.pid).toBeGreaterThan(0);
  });

  it('ends a process group with kill -TERM -- -PID: its output stops, exit 143, gone from the process table', async () => {
    const running = client.run({ argv: ['sleep', '30'] });
    const pid = await client.waitForPid();
    expect(lab.running('pve1').some((p) => p.pid === pid && p.argv[0] === 'sleep')).toBe(true);
    const k = await client.execRaw(`kill -TERM -- -${pid}`);
    expect(k.code).toBe(0);
    const r = await running;
    expect(r.code).toBe(143);
    expect(lab.running('pve1').some((p) => p.pid === pid)).toBe(false);
  });

  it('ends a process with kill -KILL PID (exit 137), and reports an unknown PID as procps does', async () => {
    const running = client.run({ argv: ['sleep', '30'] });
    const pid = await client.waitForPid();
    expect((await client.execRaw(`kill -KILL ${pid}`)).code).toBe(0);
    expect((await running).code).toBe(137);
    expect(await client.execRaw(`kill -TERM -- -${pid}`)).toEqual({ stdout: '', stderr: `kill: (-${pid}): No such process\n`, code: 1 });
  });

  it('reports a signalled exec command as the exit signal, as sshd does', async () => {
    const p = client.exec({ argv: ['sleep', '30'], stdin: '' });
    await new Promise((r) => setTimeout(r, 150));
    const pid = lab.running('pve1').find((x) => x.argv[0] === 'sleep')!.pid;
    await client.execRaw(`kill -TERM ${pid}`);
    const r = await p;
    expect(r.signal).toMatch(/^(SIG)?TERM$/);
  });

  it('cancels through the real runner: the remote process is ended', async () => {
    const ac = new AbortController();
    const r = runners.get('nas1');
    const p = r.run({ argv: ['sleep', '20'] }, { signal: ac.signal });
    await new Promise((res) => setTimeout(res, 200));
    expect(lab.running('nas1').some((x) => x.argv[0] === 'sleep')).toBe(true);
    ac.abort();
    await expect(p).rejects.toMatchObject({ kind: 'cancelled' });
    await new Promise((res) => setTimeout(res, 100));
    expect(lab.running('nas1').some((x) => x.argv[0] === 'sleep')).toBe(false);
  });

  it('runs a plain command line (what `ssh host zpool status` sends) through a shell', async () => {
    const c = await LabClient.connect({ port: host('nas1').port, identityFile: lab.identityFile });
    try {
      const r = await c.execRaw('zpool list -H -o name | head -1; hostname');
      expect(r).toEqual({ stdout: 'backup\nnas1\n', stderr: '', code: 0 });
    } finally {
      c.close();
    }
  });
});

describe('authentication', () => {
  it('accepts only the lab client key', async () => {
    const other = generateKeyPair('intruder');
    const dir = mkdtempSync(join(tmpdir(), 'lab-key-'));
    writeFileSync(join(dir, 'k'), other.privateKey, { mode: 0o600 });
    await expect(LabClient.connect({ port: host('pbs1').port, identityFile: join(dir, 'k') })).rejects.toThrow(/authentication methods failed/);
  });

  it('offers only publickey', async () => {
    const methods = await new Promise<string[]>((resolve, reject) => {
      const c = new ssh2.Client();
      c.on('error', reject);
      c.connect({
        host: '127.0.0.1',
        port: host('pbs1').port,
        username: 'root',
        authHandler: (methodsLeft, _partial, next) => {
          if (methodsLeft === null) return next({ type: 'none', username: 'root' });
          c.end();
          resolve(methodsLeft);
          return false;
        },
      });
    });
    expect(methods).toEqual(['publickey']);
  });
});
