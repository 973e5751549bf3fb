/**
 * A command that prints without end (a listing of millions of objects, a tool
 * gone wrong) is ended at its output bound, and the process running Strata
 * stays small: measured in a child process, from /proc/self/status.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { processArgs, startSshd, type SshdHost } from '../helpers/sshd.js';
import { describeWithTools } from '../helpers/tools.js';

const run = promisify(execFile);

describeWithTools(['sshd'], 'output bound over SSH', () => {
  let sshd: SshdHost;

  beforeAll(async () => {
    sshd = await startSshd({ name: 'pve1' });
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('a 300 MB probe fails with output-too-large at the 64 MB default, the process peaks under 400 MB, and endless output is ended on the host', async () => {
    const tag = `strata-bound-${process.pid}-${Date.now()}`;
    const child = join(import.meta.dirname, '../helpers/output-bound-child.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', child, JSON.stringify(sshd.sshTarget()), tag], { timeout: 60_000 });
    const report = JSON.parse(stdout) as {
      results: Record<string, { ok: boolean; kind?: string; message?: string; bytes?: number }>;
      baselineKb: number;
      peakKb: number;
    };
    expect(report.results).toEqual({
      defaultBound: { ok: false, kind: 'output-too-large', message: 'output too large: more than 64 MB from head on pve1; the command was ended' },
      worker: { ok: false, kind: 'output-too-large', message: expect.stringContaining('output too large: more than 1 MB from yes on pve1') },
      exec: { ok: false, kind: 'output-too-large', message: expect.stringContaining('output too large: more than 1 MB from sh on pve1') },
      after: { ok: true, bytes: 'still usable\n'.length },
    });
    expect(report.peakKb / 1024).toBeLessThan(400);
    expect(processArgs().filter((a) => a.includes(tag))).toEqual([]);
  });
});
