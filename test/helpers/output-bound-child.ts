/**
 * Run in a child process by test/transport/ssh-output-bound.test.ts, so the
 * memory it measures is the runner's alone: runs commands that print far more
 * than their bound over SSH, and prints one JSON line with what each run did
 * and the process's peak resident memory (VmHWM).
 *
 *   node --import tsx output-bound-child.ts '<SshTarget as JSON>' '<tag>'
 */
import { readFileSync } from 'node:fs';
import { SshRunner, type SshTarget } from '../../src/transport/index.js';

const [targetJson, tag] = process.argv.slice(2);
const runner = new SshRunner(JSON.parse(targetJson!) as SshTarget);
const MB = 1024 * 1024;

const outcome = (p: Promise<{ stdout: string }>) =>
  p.then(
    (r) => ({ ok: true, bytes: r.stdout.length }),
    (e: { kind?: string; message?: string }) => ({ ok: false, kind: e.kind, message: e.message }),
  );

const peakKb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

const baselineKb = peakKb();
const results = {
  // No bound given: run's default applies.
  defaultBound: await outcome(runner.run({ argv: ['head', '-c', '300000000', '/dev/zero'] })),
  // Endless output, on a worker shell and on an exec channel (stdin).
  worker: await outcome(runner.run({ argv: ['yes', `${tag}-worker`], maxOutputBytes: MB })),
  exec: await outcome(runner.run({ argv: ['sh', '-c', 'cat >/dev/null; exec yes "$0"', `${tag}-exec`], stdin: 'x', maxOutputBytes: MB })),
  after: await outcome(runner.run({ argv: ['echo', 'still usable'] })),
};
process.stdout.write(`${JSON.stringify({ results, baselineKb, peakKb: peakKb() })}\n`);
await runner.close();
