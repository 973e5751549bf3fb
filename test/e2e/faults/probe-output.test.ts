/**
 * Fault matrix, what one probe prints: a probe that hangs, garbage bytes,
 * JSON cut in the middle of an object, 300 MB. Each case breaks PBS's
 * `snapshot list` on its own pbs1 (real sshd, stand-in client), runs the
 * real `strata status --json` in a child process, and holds it to the
 * contract of helpers/expect-fault.ts. Cases run at once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/domain/status-report.js';
import { RunnerPool, isTransportError } from '../../../src/transport/index.js';
import { describeWithTools } from '../../helpers/tools.js';
import { startEstate, type Estate, type EstateHost } from './helpers/estate.js';
import { expectFault, healthyReading, seedLastReading } from './helpers/expect-fault.js';

/** The CLI's probe timeout (collector DEFAULT_PROBE_TIMEOUT_MS). */
const PROBE_TIMEOUT_MS = 20_000;
const MiB = 1024 * 1024;

describeWithTools(['sshd', 'restic', 'rclone'], 'fault matrix: what a probe prints', () => {
  let estate: Estate;
  let baseline: StatusReport;

  beforeAll(async () => {
    estate = await startEstate();
    baseline = await healthyReading(estate);
  }, 120_000);
  afterAll(async () => {
    await estate?.stop();
  });

  /** A case of its own: a pbs1 answering from `scenario`, an inventory pointing at it, and the healthy reading as the last one. */
  async function caseWith(name: string, setup: (pbs1: EstateHost) => void) {
    const pbs1 = await estate.addHost('pbs1');
    setup(pbs1);
    const config = estate.writeInventory(name, estate.inventory({ pbs1: pbs1.entry() }));
    const stateDir = estate.stateDir();
    await seedLastReading(config, stateDir, baseline);
    return { pbs1, config, stateDir };
  }

  it.concurrent('a probe that hangs: bounded by the probe timeout, the layer UNKNOWN "timed out", the other hosts read', async () => {
    const c = await caseWith('hang', (pbs1) =>
      pbs1.scenario(estate.scenario('pbs1-hangs', 'pbs1-healthy', { 'proxmox-backup-client/snapshot-list.delay': '3600\n', 'proxmox-backup-client/snapshot-list.stdout': '[]\n' })),
    );
    const run = await estate.status(c.config, { stateDir: c.stateDir });
    expectFault(run, baseline, { broken: 'pbs1', reason: /snapshots of store1: command on pbs1 timed out/ });
    // The probe timeout bounds the read, with room for a loaded machine; it is not the child's own limit that ended it.
    expect(run.elapsedMs).toBeGreaterThanOrEqual(PROBE_TIMEOUT_MS - 1000);
    expect(run.elapsedMs).toBeLessThan(PROBE_TIMEOUT_MS + 25_000);
  });

  it.concurrent('garbage bytes: the layer UNKNOWN with the parse error, never OK', async () => {
    const garbage = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919 + 13) % 256));
    const c = await caseWith('garbage', (pbs1) => pbs1.scenario(estate.scenario('pbs1-garbage', 'pbs1-healthy', { 'proxmox-backup-client/snapshot-list.stdout': garbage })));
    const run = await estate.status(c.config, { stateDir: c.stateDir });
    expectFault(run, baseline, { broken: 'pbs1', reason: /snapshots of store1: .*(JSON|parse)/i });
  });

  it.concurrent('JSON cut in the middle of an object: the layer UNKNOWN with the parse error, never OK', async () => {
    const c = await caseWith('truncated', (pbs1) => pbs1.scenario('pbs1-truncated'));
    const run = await estate.status(c.config, { stateDir: c.stateDir });
    expectFault(run, baseline, { broken: 'pbs1', reason: /snapshots of store1: .*(JSON|parse)/i });
  });

  it.concurrent('300 MB from one probe: the layer says "output too large", the process stays under 400 MB and does not crash', async (ctx) => {
    const c = await caseWith('flood', (pbs1) =>
      pbs1.tool(
        'proxmox-backup-client',
        [
          '#!/bin/sh',
          '# 300 MiB of one JSON-looking line for `snapshot list`; anything else goes to the stand-in further down the PATH.',
          'if [ "$1 $2" = "snapshot list" ]; then head -c 314572800 /dev/zero | tr "\\000" "["; exit 0; fi',
          'PATH=${PATH#*:}',
          'exec proxmox-backup-client "$@"',
        ].join('\n'),
      ),
    );
    if (!(await transportBoundsOutput(c.pbs1))) {
      process.stderr.write('AWAITING the transport branch: run() does not enforce Command.maxOutputBytes yet, so the 300 MB case cannot pass\n');
      ctx.skip('awaits the transport branch (Command.maxOutputBytes not enforced by run())');
    }
    const run = await estate.status(c.config, { stateDir: c.stateDir, timeoutMs: 120_000 });
    expectFault(run, baseline, { broken: 'pbs1', reason: /snapshots of store1: output too large/ });
    expect(run.peakRssMiB).not.toBeNull();
    expect(run.peakRssMiB!).toBeLessThan(400);
  });
});

/** Whether the SSH runner ends a command that prints more than its maxOutputBytes (the transport branch's work). */
async function transportBoundsOutput(host: EstateHost): Promise<boolean> {
  const pool = new RunnerPool([host.sshd.sshTarget({ name: 'probe' })]);
  try {
    await pool.get('probe').run({ argv: ['head', '-c', String(4 * MiB), '/dev/zero'], maxOutputBytes: MiB, timeoutMs: 20_000 });
    return false;
  } catch (e) {
    return isTransportError(e) && (e.kind as string) === 'output-too-large';
  } finally {
    await pool.closeAll();
  }
}
