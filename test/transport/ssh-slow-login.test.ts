/**
 * Hosts whose login shell sources a heavy rc file (pyenv, conda): every SSH
 * session, worker shells included, takes a lock and 0.7 s before it answers,
 * so sessions started together queue. Real sshd, real bash reading ~/.bashrc.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Command } from '../../src/transport/command.js';
import { LocalRunner, SshRunner, TransportError, type Runner } from '../../src/transport/index.js';
import { mostAtOnce, slowLogin, type SlowLogin } from '../helpers/slow-login.js';
import { processArgs, startSshd, type SshdHost } from '../helpers/sshd.js';
import { describeWithTools } from '../helpers/tools.js';

const LOGIN_SEC = 0.7;
/** The collector's default per-probe timeout. */
const PROBE_TIMEOUT_MS = 20_000;

async function rejection(p: Promise<unknown>): Promise<TransportError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof TransportError)) throw new Error(`expected a TransportError, got ${String(e)}`);
  return e;
}

describeWithTools(['sshd'], 'hosts with a slow login (an rc file that holds a lock for 0.7 s)', () => {
  let dir: string;
  let login: SlowLogin;
  const hosts: SshdHost[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-slow-login-'));
    login = slowLogin(dir, { sleepSec: LOGIN_SEC });
    // Four hosts sharing one HOME, as hosts that are all this machine's root share its pyenv lock.
    for (const name of ['pve1', 'pve2', 'pbs1', 'nas1']) hosts.push(await startSshd({ name, env: login.env(name) }));
  });
  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('the rc file really costs every session its 0.7 s: a command over plain OpenSSH takes that long', async () => {
    login.setTag('plain-ssh');
    const h = hosts[0]!;
    const started = performance.now();
    const r = await execa('ssh', [
      '-i', h.clientKeyPath, '-o', `UserKnownHostsFile=${h.knownHostsFile}`, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-F', '/dev/null',
      '-p', String(h.port), `${h.user}@${h.host}`, 'echo', 'hi',
    ]);
    expect(r.stdout).toBe('hi');
    expect(performance.now() - started).toBeGreaterThanOrEqual(LOGIN_SEC * 1000);
    const logged = login.sessions().filter((s) => s.tag === 'plain-ssh');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.readyMs! - logged[0]!.startMs).toBeGreaterThanOrEqual(LOGIN_SEC * 1000 - 5);
  });

  it('20 rounds of 20 commands at once on 4 such hosts sharing the lock, a cold runner per host each round: no command fails', async () => {
    const failures: string[] = [];
    const startTimes: number[] = [];
    // Quick probes, like `date` and `zpool list`, a few a little slower.
    const probe = (i: number): Command =>
      i % 5 === 0 ? { argv: ['sh', '-c', 'sleep 0.05; echo "$0"', String(i)], timeoutMs: PROBE_TIMEOUT_MS } : { argv: ['echo', String(i)], timeoutMs: PROBE_TIMEOUT_MS };
    for (let round = 0; round < 20; round++) {
      login.setTag(`round-${round}`);
      // As `strata status` does each time it runs: new runners, every probe of a host at once.
      const runners = hosts.map((h) => new SshRunner(h.sshTarget()));
      await Promise.all(
        runners.map(async (runner) => {
          const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => runner.run(probe(i))));
          results.forEach((r, i) => {
            if (r.status === 'rejected') failures.push(`round ${round} ${runner.host} #${i}: ${(r.reason as Error).message}`);
            else if (r.value.stdout !== `${i}\n`) failures.push(`round ${round} ${runner.host} #${i}: printed ${JSON.stringify(r.value.stdout)}`);
          });
          if (runner.sessionStartMs !== undefined) startTimes.push(runner.sessionStartMs);
        }),
      );
      await Promise.all(runners.map((r) => r.close()));
    }
    expect(failures).toEqual([]);
    expect(startTimes).toHaveLength(80);

    // Shells of the last rounds may still be in their rc file: wait for them to end before counting.
    await expect.poll(() => login.sessions().every((s) => s.readyMs !== undefined), { timeout: 30_000, interval: 200 }).toBe(true);
    const sessions = login.sessions();
    const starts = [];
    for (let round = 0; round < 20; round++) {
      for (const h of hosts) {
        const name = h.sshTarget().name;
        const [first, ...rest] = sessions.filter((s) => s.tag === `round-${round}` && s.host === name);
        if (!first) throw new Error(`no session logged for ${name} in round ${round}`);
        starts.push({
          round,
          host: name,
          // The first shell opened alone: every other one began after it had started.
          firstAlone: rest.every((s) => s.startMs >= first.readyMs!),
          atOnce: mostAtOnce([first, ...rest]),
        });
      }
    }
    expect(starts.filter((s) => !s.firstAlone || s.atOnce > 2)).toEqual([]);
  }, 300_000);

  it('opens more shells while long commands wait, never more than 2 at a time', async () => {
    login.setTag('long-commands');
    const runner = new SshRunner(hosts[2]!.sshTarget());
    try {
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) => runner.run({ argv: ['sh', '-c', 'sleep 1; echo "$0"', String(i)], timeoutMs: PROBE_TIMEOUT_MS })),
      );
      expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 16 }, (_, i) => `${i}\n`));
    } finally {
      await runner.close();
    }
    await expect.poll(() => login.sessions().every((s) => s.readyMs !== undefined), { timeout: 30_000, interval: 200 }).toBe(true);
    const [first, ...rest] = login.sessions().filter((s) => s.tag === 'long-commands');
    expect(rest.length).toBeGreaterThanOrEqual(3);
    expect(rest.every((s) => s.startMs >= first!.readyMs!)).toBe(true);
    // Exactly 2: more than one was wanted at once, and the bound held.
    expect(mostAtOnce([first!, ...rest])).toBe(2);
  });

  it('measures how long a session takes to start: the rc file\'s 0.7 s and more, far above a host without one', async () => {
    login.setTag('measure');
    const slow = new SshRunner(hosts[1]!.sshTarget());
    const fastHost = await startSshd({ name: 'fast' });
    const fast = new SshRunner(fastHost.sshTarget());
    try {
      expect(slow.sessionStartMs).toBeUndefined();
      await slow.run({ argv: ['true'] });
      await fast.run({ argv: ['true'] });
      expect(slow.sessionStartMs).toBeGreaterThanOrEqual(LOGIN_SEC * 1000);
      expect(slow.sessionStartMs).toBeLessThan(10_000);
      expect(fast.sessionStartMs).toBeGreaterThan(0);
      expect(fast.sessionStartMs!).toBeLessThan(slow.sessionStartMs!);
      const local: Runner = new LocalRunner('here');
      expect(local.sessionStartMs).toBeUndefined();
    } finally {
      await slow.close();
      await fast.close();
      await fastHost.stop();
    }
  });
});

describeWithTools(['sshd'], 'a host that lets only one session start', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-one-session-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Every session asked of sshd: started, or refused for MaxSessions. */
  const asked = (sshd: SshdHost) => (sshd.log().match(/^(Starting session: |no more sessions)/gm) ?? []).length;
  const cases: [string, (sub: string) => Promise<SshdHost>][] = [
    ['sshd refuses a second session on the connection (MaxSessions 1)', (sub) => startSshd({ env: slowLogin(join(dir, sub), { sleepSec: 0.2 }).env('one'), maxSessions: 1 })],
    [
      'the login shell of every session after the first exits at once',
      (sub) =>
        startSshd({
          env: slowLogin(join(dir, sub), { sleepSec: 0.2, extraRc: 'if [ -e "$HOME/first" ]; then exit 1; fi; touch "$HOME/first"' }).env('one'),
        }),
    ],
  ];
  for (const [name, start] of cases) {
    it(`${name}: every command still runs, on the one shell`, async () => {
      const sshd = await start(name.replace(/\W+/g, '-'));
      const runner = new SshRunner(sshd.sshTarget());
      try {
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) => runner.run({ argv: ['sh', '-c', 'sleep 0.05; echo "$0"', String(i)], timeoutMs: PROBE_TIMEOUT_MS })),
        );
        expect(results.map((r) => (r.status === 'fulfilled' ? r.value.stdout : (r.reason as Error).message))).toEqual(
          Array.from({ length: 20 }, (_, i) => `${i}\n`),
        );
        // More shells were asked for, and none but the first ever served.
        expect(asked(sshd)).toBeGreaterThan(1);
        if (name.includes('MaxSessions')) expect(sshd.sessionCount()).toBe(1);
        // Later commands do not ask again and again: the pool has shrunk to the one shell.
        const before = asked(sshd);
        for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: 5 }, () => runner.run({ argv: ['sh', '-c', 'sleep 0.05'] })));
        expect(asked(sshd)).toBe(before);
      } finally {
        await runner.close();
        await sshd.stop();
      }
    });
  }
});

describeWithTools(['sshd'], 'a host whose sessions take 2 s to start', () => {
  let dir: string;
  let sshd: SshdHost;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-2s-login-'));
    sshd = await startSshd({ name: 'pve9', env: slowLogin(dir, { sleepSec: 2 }).env('pve9') });
  });
  afterAll(async () => {
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is reached although its first shell takes longer than the connect timeout: slowness is not a lost connection', async () => {
    const runner = new SshRunner(sshd.sshTarget({ connectTimeoutMs: 1000 }));
    try {
      const r = await runner.run({ argv: ['echo', 'slow but here'], timeoutMs: 15_000 });
      expect(r.stdout).toBe('slow but here\n');
      expect(runner.sessionStartMs).toBeGreaterThanOrEqual(2000);
    } finally {
      await runner.close();
    }
  });

  it('a command whose time runs out waiting for a session says so, apart from one that ran too long', async () => {
    const runner = new SshRunner(sshd.sshTarget());
    try {
      const cold = await rejection(runner.run({ argv: ['true'], timeoutMs: 1000 }));
      expect(cold.kind).toBe('session-timeout');
      expect(cold.message).toBe('timed out after 1 s waiting for a session on pve9; the first session there had not started yet');

      // The shell the first command asked for still starts, and is measured.
      await expect.poll(() => runner.sessionStartMs, { timeout: 10_000, interval: 50 }).toBeGreaterThanOrEqual(2000);
      // The one shell has been busy longer than a start takes: the next command waits for a second shell.
      const busy = runner.run({ argv: ['sleep', '5'] });
      await new Promise((r) => setTimeout(r, 3000));
      const waiting = await rejection(runner.run({ argv: ['true'], timeoutMs: 1000 }));
      expect(waiting.kind).toBe('session-timeout');
      expect(waiting.message).toMatch(/^timed out after 1 s waiting for a session on pve9; sessions there take about 2(\.\d)? s to start$/);
      expect((await busy).exitCode).toBe(0);

      const tooLong = await rejection(runner.run({ argv: ['sleep', '5'], timeoutMs: 500 }));
      expect(tooLong.kind).toBe('timeout');
      expect(tooLong.message).not.toMatch(/waiting for a session/);
    } finally {
      await runner.close();
    }
  });

  it('a cancelled command that ignores SIGTERM is still confirmed ended, though each signal waits for a session start', async () => {
    const runner = new SshRunner(sshd.sshTarget());
    try {
      await runner.run({ argv: ['true'], timeoutMs: 15_000 });
      const tag = `77.${process.pid}${Date.now() % 1000}`;
      const ac = new AbortController();
      const p = rejection(runner.run({ argv: ['sh', '-c', 'trap "" TERM; sleep "$1"', 'sh', tag] }, { signal: ac.signal }));
      await expect.poll(() => processArgs().some((a) => a.includes(`sleep ${tag}`)), { timeout: 5000, interval: 25 }).toBe(true);
      ac.abort();
      const e = await p;
      expect(e.kind).toBe('cancelled');
      // SIGTERM and then SIGKILL each took an exec channel, each 2 s to start: the end came, and was waited for.
      expect(e.message).toMatch(/the remote process was ended/);
      expect(processArgs().some((a) => a.includes(`sleep ${tag}`))).toBe(false);
    } finally {
      await runner.close();
    }
  });

  it('a command waiting behind the only session a host allows says that session was busy', async () => {
    const runner = new SshRunner(sshd.sshTarget({ maxConcurrent: 1 }));
    try {
      await runner.run({ argv: ['true'], timeoutMs: 15_000 });
      const busy = runner.run({ argv: ['sleep', '1.5'] });
      const waiting = await rejection(runner.run({ argv: ['true'], timeoutMs: 500 }));
      expect(waiting.kind).toBe('session-timeout');
      expect(waiting.message).toBe('timed out after 0.5 s waiting for a session on pve9; the only session there was busy');
      expect((await busy).exitCode).toBe(0);
    } finally {
      await runner.close();
    }
  });
});
