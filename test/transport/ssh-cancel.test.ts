import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Command } from '../../src/transport/command.js';
import { SshRunner } from '../../src/transport/index.js';
import { processArgs, startSshd, type SshdHost } from '../helpers/sshd.js';
import { describeWithTools } from '../helpers/tools.js';

let seq = 0;
/** A sleep duration no other process on the machine has: the sleep's argument identifies it in `ps`. */
const uniqueSleep = () => `${100 + (seq += 1)}.${process.pid}${String(Date.now() % 1000).padStart(3, '0')}`;
const running = (needle: string) => processArgs().some((a) => a.includes(needle));

/**
 * Starts `cmd`, waits until `needle` shows in `ps`, aborts, and returns how
 * long after the abort the rejection came and the process was gone.
 */
async function cancelAndWatch(runner: SshRunner, cmd: Command, needles: string[]) {
  const ac = new AbortController();
  const p = runner.run(cmd, { signal: ac.signal });
  const rejection = p.then(
    () => null,
    (e: unknown) => e,
  );
  await expect.poll(() => needles.every(running), { timeout: 5000, interval: 25 }).toBe(true);
  const abortedAt = Date.now();
  ac.abort();
  const err = await rejection;
  const rejectedAfter = Date.now() - abortedAt;
  await expect.poll(() => needles.some(running), { timeout: 2000, interval: 25 }).toBe(false);
  return { err, rejectedAfter, goneAfter: Date.now() - abortedAt };
}

describeWithTools(['sshd'], 'cancelling a command ends the remote process', () => {
  let sshd: SshdHost;
  let noSetsid: SshdHost;
  let runner: SshRunner;

  beforeAll(async () => {
    sshd = await startSshd();
    runner = new SshRunner(sshd.sshTarget());
    // A host whose PATH has a shell and a few tools, but no setsid.
    const bin = join(sshd.dir, 'bin-without-setsid');
    mkdirSync(bin);
    for (const tool of ['sh', 'sleep', 'kill', 'echo', 'true']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    noSetsid = await startSshd({ env: { PATH: bin } });
  });
  afterAll(async () => {
    await runner?.close();
    await sshd?.stop();
    await noSetsid?.stop();
  });

  it('a running remote sleep is gone within 2 s of the cancel, and the call rejects with cancelled', async () => {
    const tag = uniqueSleep();
    const r = await cancelAndWatch(runner, { argv: ['sleep', tag] }, [`sleep ${tag}`]);
    expect(r.err).toMatchObject({ kind: 'cancelled' });
    expect(r.goneAfter).toBeLessThan(2000);
    expect((await runner.run({ argv: ['echo', 'still usable'] })).stdout).toBe('still usable\n');
  });

  it('ends the whole process group: children of the command too', async () => {
    const [a, b] = [uniqueSleep(), uniqueSleep()];
    const r = await cancelAndWatch(runner, { argv: ['sh', '-c', 'sleep "$1" & sleep "$2"; wait', 'sh', a, b] }, [`sleep ${a}`, `sleep ${b}`]);
    expect(r.err).toMatchObject({ kind: 'cancelled' });
    expect(r.goneAfter).toBeLessThan(2000);
  });

  it('escalates to SIGKILL when the command ignores SIGTERM', async () => {
    const tag = uniqueSleep();
    const r = await cancelAndWatch(runner, { argv: ['sh', '-c', 'trap "" TERM; sleep "$1"; echo survived', 'sh', tag] }, [`sleep ${tag}`]);
    expect(r.err).toMatchObject({ kind: 'cancelled' });
    expect(r.goneAfter).toBeLessThan(2000);
    expect(r.goneAfter).toBeGreaterThanOrEqual(900);
  });

  it('ends a command with stdin (its own exec channel) too', async () => {
    const tag = uniqueSleep();
    const r = await cancelAndWatch(runner, { argv: ['sleep', tag], stdin: 'unused' }, [`sleep ${tag}`]);
    expect(r.err).toMatchObject({ kind: 'cancelled' });
    expect(r.goneAfter).toBeLessThan(2000);
  });

  it('a queued command leaves the queue at once and never runs', async () => {
    const bounded = new SshRunner(sshd.sshTarget({ maxConcurrent: 1 }));
    try {
      const first = uniqueSleep();
      const second = uniqueSleep();
      const blocker = bounded.run({ argv: ['sleep', first], timeoutMs: 1500 });
      const ac = new AbortController();
      const queued = bounded.run({ argv: ['sleep', second] }, { signal: ac.signal });
      await expect.poll(() => running(`sleep ${first}`), { timeout: 5000, interval: 25 }).toBe(true);
      ac.abort();
      await expect(queued).rejects.toMatchObject({ kind: 'cancelled', message: expect.stringContaining('before it started') });
      await expect(blocker).rejects.toMatchObject({ kind: 'timeout' });
      expect(running(`sleep ${second}`)).toBe(false);
    } finally {
      await bounded.close();
    }
  });

  it('cancels many running commands at once without exceeding the host session limit', async () => {
    const tags = Array.from({ length: 8 }, uniqueSleep);
    const ac = new AbortController();
    const all = tags.map((t) => runner.run({ argv: ['sleep', t] }, { signal: ac.signal }).catch((e: unknown) => e));
    await expect.poll(() => tags.every((t) => running(`sleep ${t}`)), { timeout: 5000, interval: 25 }).toBe(true);
    const abortedAt = Date.now();
    ac.abort();
    for (const e of await Promise.all(all)) expect(e).toMatchObject({ kind: 'cancelled' });
    await expect.poll(() => tags.some((t) => running(`sleep ${t}`)), { timeout: 2000, interval: 25 }).toBe(false);
    expect(Date.now() - abortedAt).toBeLessThan(2000);
  });

  it('on a host without setsid, signals the command PID itself', async () => {
    const plain = new SshRunner(noSetsid.sshTarget());
    try {
      const tag = uniqueSleep();
      const r = await cancelAndWatch(plain, { argv: ['sleep', tag] }, [`sleep ${tag}`]);
      expect(r.err).toMatchObject({ kind: 'cancelled' });
      expect(r.goneAfter).toBeLessThan(2000);
      expect((await plain.run({ argv: ['echo', 'ok'] })).stdout).toBe('ok\n');
    } finally {
      await plain.close();
    }
  });

  it('on a host without setsid, a stopped pipeline whose other half lives on cannot write into the next command', async () => {
    const plain = new SshRunner(noSetsid.sshTarget());
    try {
      const ac = new AbortController();
      // The sh is the PID that gets the signal; the background child keeps the channel's stdout.
      const stopped = plain
        .run({ argv: ['sh', '-c', '(sleep 0.8; echo LEAKED) & sleep 30'] }, { signal: ac.signal })
        .catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 300));
      ac.abort();
      expect(await stopped).toMatchObject({ kind: 'cancelled' });
      const next = await plain.run({ argv: ['sh', '-c', 'sleep 1.5; echo next'] });
      expect(next.stdout).toBe('next\n');
    } finally {
      await plain.close();
    }
  });
});
