/**
 * `npm run bench -- transport [count]`: 50 short commands (`date +%s`) against a
 * real OpenSSH sshd, three ways: Strata's SshRunner as the collector uses it
 * (all submitted at once, bounded at 8), SshRunner one after another, and the
 * way a shell script does it (`ssh host cmd` with the OpenSSH client, one after
 * another). Then the same 50 commands on a host whose sessions take 1 s to
 * start (its ~/.bashrc sleeps 1 s holding a lock, as `pyenv init` does), Strata
 * cold against the script. Target: Strata at least 10x faster than the script,
 * on both hosts. Prints, does not assert.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { SshRunner } from '../src/transport/index.js';
import { slowLogin } from '../test/helpers/slow-login.js';
import { startSshd, type SshdHost } from '../test/helpers/sshd.js';

const ms = (t: number) => `${t.toFixed(0).padStart(6)} ms`;

/** `ssh host cmd` with the OpenSSH client, as a shell script does it. */
function sshArgs(sshd: SshdHost, argv: readonly string[]): string[] {
  return [
    '-i', sshd.clientKeyPath,
    '-o', `UserKnownHostsFile=${sshd.knownHostsFile}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'IdentitiesOnly=yes',
    '-F', '/dev/null',
    '-p', String(sshd.port),
    `${sshd.user}@${sshd.host}`,
    ...argv,
  ];
}

async function scriptMs(sshd: SshdHost, argv: readonly string[], count: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < count; i++) {
    const r = await execa('ssh', sshArgs(sshd, argv), { reject: false, stdin: 'ignore' });
    if (r.exitCode !== 0) throw new Error(`ssh failed (exit ${r.exitCode ?? r.signal}): ${r.stderr}`);
  }
  return performance.now() - t;
}

/** The same commands all at once on a cold runner (bound 8), as the collector submits a host's probes. */
async function pooledColdMs(sshd: SshdHost, cmd: { argv: string[] }, count: number): Promise<{ ms: number; sessionStartMs: number | undefined }> {
  const runner = new SshRunner(sshd.sshTarget({ maxConcurrent: 8 }));
  try {
    const t = performance.now();
    const all = await Promise.all(Array.from({ length: count }, () => runner.run(cmd)));
    const took = performance.now() - t;
    if (all.some((r) => r.exitCode !== 0 || !/^\d+\n$/.test(r.stdout))) throw new Error('a pooled command failed');
    return { ms: took, sessionStartMs: runner.sessionStartMs };
  } finally {
    await runner.close();
  }
}

export async function run(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 50);
  const sshd = await startSshd();
  const cmd = { argv: ['date', '+%s'] };
  try {
    // Bounded at 8, all at once, on a cold runner: connecting and opening workers are part of the figure.
    const pooled = new SshRunner(sshd.sshTarget({ maxConcurrent: 8 }));
    let t = performance.now();
    const all = await Promise.all(Array.from({ length: count }, () => pooled.run(cmd)));
    const concurrent = performance.now() - t;
    if (all.some((r) => r.exitCode !== 0 || !/^\d+\n$/.test(r.stdout))) throw new Error('a pooled command failed');
    // The collector's steady state: the connection and its workers are already open.
    t = performance.now();
    await Promise.all(Array.from({ length: count }, () => pooled.run(cmd)));
    const warm = performance.now() - t;
    await pooled.close();

    const serialRunner = new SshRunner(sshd.sshTarget());
    t = performance.now();
    for (let i = 0; i < count; i++) {
      const r = await serialRunner.run(cmd);
      if (r.exitCode !== 0) throw new Error('a sequential command failed');
    }
    const sequential = performance.now() - t;
    await serialRunner.close();

    const script = await scriptMs(sshd, cmd.argv, count);

    process.stdout.write(
      [
        `${count} x \`${cmd.argv.join(' ')}\` on a real sshd (127.0.0.1), ${spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim()}`,
        `  SshRunner, all at once (bound 8, cold):  ${ms(concurrent)}  (${(concurrent / count).toFixed(1)} ms/command)`,
        `  SshRunner, all at once (bound 8, warm):  ${ms(warm)}  (${(warm / count).toFixed(1)} ms/command)`,
        `  SshRunner, one after another (cold):     ${ms(sequential)}  (${(sequential / count).toFixed(1)} ms/command)`,
        `  ssh host cmd, one after another:         ${ms(script)}  (${(script / count).toFixed(1)} ms/command)`,
        `  ratio script / SshRunner all at once:    ${(script / concurrent).toFixed(1)}x  (target >= 10x)`,
        `  ratio script / SshRunner sequential:     ${(script / sequential).toFixed(1)}x`,
        '',
      ].join('\n'),
    );
  } finally {
    await sshd.stop();
  }

  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-slow-'));
  const slow = await startSshd({ name: 'slow', env: slowLogin(dir, { sleepSec: 1 }).env('slow') });
  try {
    const pooled = await pooledColdMs(slow, cmd, count);
    const script = await scriptMs(slow, cmd.argv, count);
    process.stdout.write(
      [
        `${count} x \`${cmd.argv.join(' ')}\` on a host whose sessions take 1 s to start (~/.bashrc: flock + sleep 1)`,
        `  SshRunner, all at once (bound 8, cold):  ${ms(pooled.ms)}  (${(pooled.ms / count).toFixed(1)} ms/command; session start measured ${pooled.sessionStartMs ?? '?'} ms)`,
        `  ssh host cmd, one after another:         ${ms(script)}  (${(script / count).toFixed(1)} ms/command)`,
        `  ratio script / SshRunner all at once:    ${(script / pooled.ms).toFixed(1)}x  (target >= 10x)`,
        '',
      ].join('\n'),
    );
  } finally {
    await slow.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
