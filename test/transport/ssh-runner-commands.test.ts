import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Command } from '../../src/transport/command.js';
import { LocalRunner, RunnerPool, SshRunner, STREAM_TAIL_BYTES } from '../../src/transport/index.js';
import { startSshd, type SshdHost } from '../helpers/sshd.js';
import { describeWithTools } from '../helpers/tools.js';

/** A command printing exactly `out` on stdout and `err` on stderr, then exiting with `code`. */
const emit = (out: string, err: string, code: number): Command => ({
  argv: ['sh', '-c', 'printf "%s" "$1"; printf "%s" "$2" >&2; exit "$3"', 'sh', out, err, String(code)],
});

describeWithTools(['sshd'], 'SshRunner against a real OpenSSH sshd', () => {
  let sshd: SshdHost;
  let runner: SshRunner;

  beforeAll(async () => {
    sshd = await startSshd();
    runner = new SshRunner(sshd.sshTarget());
  });
  afterAll(async () => {
    await runner?.close();
    await sshd?.stop();
  });

  it('returns stdout, stderr and exit code exactly for many commands at once, over one TCP connection', async () => {
    const cases = Array.from({ length: 40 }, (_, i) => ({
      out: [`line ${i}\n`, `no newline ${i}`, '', `two\nlines ${i}\n`, `ünïcødé 日本 🙂 ${i}\r\n`][i % 5]!,
      err: i % 3 === 0 ? '' : `warning ${i}\n`,
      code: [0, 1, 2, 3, 42, 255][i % 6]!,
    }));
    const big = runner.run({ argv: ['sh', '-c', 'head -c 300000 /dev/zero | tr "\\0" x; head -c 70000 /dev/zero | tr "\\0" e >&2'] });
    const results = await Promise.all(cases.map((c) => runner.run(emit(c.out, c.err, c.code))));
    const b = await big;
    expect([b.stdout.length, b.stderr.length, b.exitCode]).toEqual([300_000, 70_000, 0]);
    expect(b.stdout === 'x'.repeat(300_000) && b.stderr === 'e'.repeat(70_000)).toBe(true);
    results.forEach((r, i) => {
      expect({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }).toEqual({
        stdout: cases[i]!.out,
        stderr: cases[i]!.err,
        exitCode: cases[i]!.code,
      });
    });
    expect(sshd.connectionCount()).toBe(1);
    expect(runner.connectCount).toBe(1);
  });

  it('reuses its worker shells instead of starting an SSH session per command', async () => {
    const before = sshd.sessionCount();
    for (let i = 0; i < 20; i++) expect((await runner.run({ argv: ['echo', String(i)] })).stdout).toBe(`${i}\n`);
    expect(sshd.sessionCount()).toBe(before);
    expect(sshd.connectionCount()).toBe(1);
  });

  it('sends stdin (after the secrets) on an exec channel and returns the exit code', async () => {
    const r = await runner.run({
      argv: ['sh', '-c', 'cat; printf "[%s]" "$PW"; exit 7'],
      stdin: 'first line\nsecond ünï line\nno newline',
      secrets: { PW: 'p a s s' },
    });
    expect(r).toMatchObject({ stdout: 'first line\nsecond ünï line\nno newline[p a s s]', stderr: '', exitCode: 7 });
  });


  it('keeps the exit status of a command that ends before its channel is handed over (output, exit and close in one read)', async () => {
    // A command that fails at once used to lose its exit-status about once in 80 runs and
    // come back as connection-lost: ssh2 emitted 'exit' before any listener was attached.
    const codes = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const r = await runner.run({ argv: ['strata-no-such-command'], stdin: 'x' }).then(
        (res) => String(res.exitCode),
        (e: Error) => e.message,
      );
      codes.set(r, (codes.get(r) ?? 0) + 1);
    }
    expect(Object.fromEntries(codes)).toEqual({ '127': 300 });
  });
  it('passes env and cwd', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata cwd '));
    try {
      const r = await runner.run({ argv: ['sh', '-c', 'printf "%s|%s" "$A" "$(pwd)"'], env: { A: "it's $HOME" }, cwd: dir });
      expect(r.stdout).toBe(`it's $HOME|${dir}`);
      const missing = await runner.run({ argv: ['true'], cwd: join(dir, 'nope') });
      expect(missing.exitCode).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('streams a line before the command has ended', async () => {
    const out: string[] = [];
    const err: string[] = [];
    let resolved = false;
    const p = runner
      .stream({ argv: ['sh', '-c', 'echo first; echo to-stderr >&2; sleep 2; printf second'] }, {
        onStdout: (line) => out.push(line),
        onStderr: (line) => err.push(line),
      })
      .then((r) => {
        resolved = true;
        return r;
      });
    await expect.poll(() => [...out, ...err], { timeout: 1500, interval: 20 }).toEqual(['first', 'to-stderr']);
    expect(resolved).toBe(false);
    const r = await p;
    expect(out).toEqual(['first', 'second']);
    expect(err).toEqual(['to-stderr']);
    expect(r).toMatchObject({ stdout: 'first\nsecond', stderr: 'to-stderr\n', exitCode: 0 });
  });

  it('keeps only a bounded tail of a streamed command while delivering every line', async () => {
    let lines = 0;
    let last = '';
    const r = await runner.stream({ argv: ['seq', '1', '200000'] }, { onStdout: (l) => ((lines += 1), (last = l)) });
    expect(lines).toBe(200000);
    expect(last).toBe('200000');
    expect(r.stdout.length).toBeLessThanOrEqual(STREAM_TAIL_BYTES);
    expect(r.stdout.endsWith('199999\n200000\n')).toBe(true);
  });

  it('never runs more than maxConcurrent commands at once on the host, worker and exec commands together', async () => {
    const bounded = new SshRunner(sshd.sshTarget({ maxConcurrent: 3 }));
    const dir = mkdtempSync(join(tmpdir(), 'strata-conc-'));
    try {
      const probe = 'mkdir "$1/$$"; ls "$1" | wc -l; sleep 0.3; rmdir "$1/$$"';
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          bounded.run({ argv: ['sh', '-c', probe, 'sh', dir], ...(i % 3 === 0 ? { stdin: '' } : {}) }),
        ),
      );
      const counts = results.map((r) => Number(r.stdout.trim()));
      expect(Math.max(...counts)).toBeLessThanOrEqual(3);
      expect(Math.max(...counts)).toBeGreaterThanOrEqual(2);
    } finally {
      await bounded.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a closed runner connects again on the next command', async () => {
    const r = new SshRunner(sshd.sshTarget());
    expect((await r.run({ argv: ['echo', 'one'] })).stdout).toBe('one\n');
    await r.close();
    expect((await r.run({ argv: ['echo', 'two'] })).stdout).toBe('two\n');
    expect(r.connectCount).toBe(2);
    await r.close();
  });

  it('RunnerPool keeps one runner per host name and closes them all', async () => {
    const pool = new RunnerPool([sshd.sshTarget({ name: 'pve1' }), { kind: 'local', name: 'here' }]);
    const pve1 = pool.get('pve1');
    expect(pve1).toBeInstanceOf(SshRunner);
    expect(pool.get('pve1')).toBe(pve1);
    expect(pool.get('here')).toBeInstanceOf(LocalRunner);
    expect(() => pool.get('unknown')).toThrow(/no transport target/);
    const disconnects = () => (sshd.log().match(/^Disconnected from user /gm) ?? []).length;
    // Earlier tests' connections may still be ending: count from a quiet moment.
    let before = disconnects();
    for (let quiet = 0; quiet < 5; ) {
      await new Promise((r) => setTimeout(r, 100));
      const now = disconnects();
      quiet = now === before ? quiet + 1 : 0;
      before = now;
    }
    await Promise.all([pve1.run({ argv: ['true'] }), pve1.run({ argv: ['true'] })]);
    expect((pve1 as SshRunner).connectCount).toBe(1);
    await pool.closeAll();
    expect(pool.has('pve1')).toBe(false);
    // sshd logs the disconnect when it gets to it: on a loaded machine that can take seconds.
    await expect.poll(disconnects, { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 1);
  });
});
