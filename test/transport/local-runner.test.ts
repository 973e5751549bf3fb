import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRunner, LocalRunner, runChecked, STREAM_TAIL_BYTES } from '../../src/transport/index.js';
import { nastyStrings } from '../helpers/nasty-strings.js';
import { processArgs } from '../helpers/sshd.js';

const runner = new LocalRunner('here');
const dir = mkdtempSync(join(tmpdir(), 'strata-local-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let seq = 0;
const uniqueSleep = () => `${200 + (seq += 1)}.${process.pid}${String(Date.now() % 1000).padStart(3, '0')}`;
const running = (needle: string) => processArgs().some((a) => a.includes(needle));

describe('LocalRunner', () => {
  it('is what createRunner gives for a local target', () => {
    expect(createRunner({ kind: 'local', name: 'here' })).toBeInstanceOf(LocalRunner);
  });

  it('returns stdout, stderr and any exit code exactly', async () => {
    const r = await runner.run({ argv: ['sh', '-c', 'printf "out\\nno eol"; printf "ünï err\\n" >&2; exit 42'] });
    expect(r).toMatchObject({ stdout: 'out\nno eol', stderr: 'ünï err\n', exitCode: 42 });
  });

  it('passes argv straight to the program, with no shell in between', async () => {
    const args = nastyStrings(500, 9);
    const r = await runner.run({ argv: ['printf', '%s\\0', ...args] });
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(args);
  });

  it('resolves a missing program with exit 127 and a command-not-found line; runChecked types it', async () => {
    const r = await runner.run({ argv: ['strata-no-such-program'] });
    expect(r).toMatchObject({ exitCode: 127, stderr: 'strata-no-such-program: command not found\n' });
    await expect(runChecked(runner, { argv: ['strata-no-such-program'] })).rejects.toMatchObject({ kind: 'command-not-found' });
    await expect(runChecked(runner, { argv: ['false'] })).rejects.toMatchObject({ kind: 'non-zero-exit', exitCode: 1 });
  });

  it('passes stdin, env and cwd', async () => {
    const r = await runner.run({ argv: ['sh', '-c', 'cat; printf "|%s|%s" "$A" "$(pwd)"'], stdin: 'in put', env: { A: 'a b' }, cwd: dir });
    expect(r.stdout).toBe(`in put|a b|${dir}`);
  });

  it('cancel ends the process and its children, and rejects with cancelled', async () => {
    const [a, b] = [uniqueSleep(), uniqueSleep()];
    const ac = new AbortController();
    const p = runner.run({ argv: ['sh', '-c', 'sleep "$1" & sleep "$2"; wait', 'sh', a, b] }, { signal: ac.signal });
    await expect.poll(() => running(`sleep ${a}`) && running(`sleep ${b}`), { timeout: 5000, interval: 25 }).toBe(true);
    const abortedAt = Date.now();
    ac.abort();
    await expect(p).rejects.toMatchObject({ kind: 'cancelled' });
    await expect.poll(() => running(`sleep ${a}`) || running(`sleep ${b}`), { timeout: 2000, interval: 25 }).toBe(false);
    expect(Date.now() - abortedAt).toBeLessThan(2000);
  });

  it('timeout ends the process (SIGKILL when it ignores SIGTERM) and rejects with timeout', async () => {
    const tag = uniqueSleep();
    const started = Date.now();
    await expect(
      runner.run({ argv: ['sh', '-c', 'trap "" TERM; sleep "$1"', 'sh', tag], timeoutMs: 300 }),
    ).rejects.toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(running(`sleep ${tag}`)).toBe(false);
  });

  it('gives secrets and secretsFrom (file, command) to the program, never in an argument list', async () => {
    const id = randomBytes(6).toString('hex');
    const file = join(dir, 'secret');
    writeFileSync(file, `file-${id}\n`);
    const cmdFile = join(dir, 'secret-for-command');
    writeFileSync(cmdFile, `command-${id}\nsecond line\n`);
    const tag = `tag-${id}`;
    let snapshot: string[] = [];
    const r = await runner.stream(
      {
        argv: ['sh', '-c', 'printf "%s|%s|%s\\n" "$S1" "$S2" "$S3"; sleep 1', tag],
        secrets: { S1: `inline-${id}` },
        secretsFrom: { S2: { file }, S3: { command: `cat ${cmdFile}` } },
      },
      { onStdout: () => (snapshot = processArgs()) },
    );
    // The command's whole output, trailing newlines dropped, as the remote shell's $(...) gives it.
    expect(r.stdout).toBe(`inline-${id}|file-${id}|command-${id}\nsecond line\n`);
    expect(snapshot.some((a) => a.includes(tag))).toBe(true);
    expect(snapshot.filter((a) => [`inline-${id}`, `file-${id}`, `command-${id}`].some((v) => a.includes(v)))).toEqual([]);
  });

  it('does not run the program when a secret cannot be read, and exits 1 with the reason', async () => {
    const marker = join(dir, `ran-${randomBytes(4).toString('hex')}`);
    const missing = await runner.run({ argv: ['touch', marker], secretsFrom: { S: { file: join(dir, 'no-such-secret') } } });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('could not read secret S');
    const failing = await runner.run({ argv: ['touch', marker], secretsFrom: { S: { command: 'echo nope >&2; exit 3' } } });
    expect(failing.exitCode).toBe(1);
    expect(failing.stderr).toContain('nope');
    expect(existsSync(marker)).toBe(false);
  });

  it('ends a program that prints more than maxOutputBytes and rejects with output-too-large', async () => {
    const tag = `strata-local-yes-${process.pid}-${Date.now()}`;
    const started = Date.now();
    await expect(runner.run({ argv: ['yes', tag], maxOutputBytes: 1024 * 1024 })).rejects.toMatchObject({
      kind: 'output-too-large',
      message: expect.stringContaining('output too large: more than 1 MB from yes on here'),
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(running(tag)).toBe(false);
    // Under the bound, the output is whole.
    expect((await runner.run({ argv: ['head', '-c', '1048576', '/dev/zero'], maxOutputBytes: 1024 * 1024 })).stdout.length).toBe(1048576);
  });

  it('streams lines before the program ends and keeps only a bounded tail', async () => {
    const out: string[] = [];
    let resolved = false;
    const p = runner
      .stream({ argv: ['sh', '-c', 'echo first; sleep 2; echo second'] }, { onStdout: (l) => out.push(l) })
      .then((r) => ((resolved = true), r));
    await expect.poll(() => out, { timeout: 1500, interval: 20 }).toEqual(['first']);
    expect(resolved).toBe(false);
    expect((await p).stdout).toBe('first\nsecond\n');

    let count = 0;
    const big = await runner.stream({ argv: ['seq', '1', '200000'] }, { onStdout: () => (count += 1) });
    expect(count).toBe(200000);
    expect(big.stdout.length).toBeLessThanOrEqual(STREAM_TAIL_BYTES);
    expect(big.stdout.endsWith('200000\n')).toBe(true);
  });
});
