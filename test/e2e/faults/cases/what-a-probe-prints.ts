/**
 * What one probe prints: it hangs, prints garbage bytes, JSON cut in the
 * middle of an object, or 300 MB. Each case breaks PBS's `snapshot list` on a
 * pbs1 of its own.
 */
import { expect, it } from 'vitest';
import { ESTATE_PROBE_TIMEOUT_SECONDS, type EstateHost } from '../helpers/estate.js';
import { expectFault } from '../helpers/expect-fault.js';
import type { Matrix } from '../helpers/matrix.js';

/** The estate's probe timeout: the hang case runs beside the 80 s slow-login case, so waiting it out costs no wall time. */
const PROBE_TIMEOUT_MS = ESTATE_PROBE_TIMEOUT_SECONDS * 1000;

export function whatAProbePrints(m: Matrix): void {
  /** A pbs1 of the case's own, an inventory pointing at it, and the healthy reading as the last one. */
  async function caseWith(name: string, setup: (pbs1: EstateHost) => void) {
    const pbs1 = await m.estate().addHost('pbs1');
    setup(pbs1);
    return { pbs1, ...(await m.prepare(name, m.estate().inventory({ pbs1: pbs1.entry() }))) };
  }

  it('a probe that hangs: bounded by the probe timeout, the layer UNKNOWN "timed out", the other hosts read', async () => {
    const c = await caseWith('hang', (pbs1) =>
      pbs1.scenario(m.estate().scenario('pbs1-hangs', 'pbs1-healthy', { 'proxmox-backup-client/snapshot-list.delay': '3600\n', 'proxmox-backup-client/snapshot-list.stdout': '[]\n' })),
    );
    const run = await m.estate().status(c.config, { stateDir: c.stateDir });
    expectFault(run, m.baseline(), { broken: 'pbs1', reason: /snapshots of store1: command on pbs1 timed out/ });
    // The probe timeout ended it (not the child's own limit), with room for a loaded machine.
    expect(run.elapsedMs).toBeGreaterThanOrEqual(PROBE_TIMEOUT_MS - 1000);
    expect(run.elapsedMs).toBeLessThan(PROBE_TIMEOUT_MS + 25_000);
  });

  it('garbage bytes: the layer UNKNOWN with the parse error, never OK', async () => {
    const garbage = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919 + 13) % 256));
    const c = await caseWith('garbage', (pbs1) => pbs1.scenario(m.estate().scenario('pbs1-garbage', 'pbs1-healthy', { 'proxmox-backup-client/snapshot-list.stdout': garbage })));
    const run = await m.estate().status(c.config, { stateDir: c.stateDir });
    expectFault(run, m.baseline(), { broken: 'pbs1', reason: /snapshots of store1: .*(JSON|parse)/i });
  });

  it('JSON cut in the middle of an object: the layer UNKNOWN with the parse error, never OK', async () => {
    const c = await caseWith('truncated', (pbs1) => pbs1.scenario('pbs1-truncated'));
    const run = await m.estate().status(c.config, { stateDir: c.stateDir });
    expectFault(run, m.baseline(), { broken: 'pbs1', reason: /snapshots of store1: .*(JSON|parse)/i });
  });

  it('300 MB from one probe: the layer says "output too large", the process stays under 400 MB and does not crash', async () => {
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
    const run = await m.estate().status(c.config, { stateDir: c.stateDir, timeoutMs: 120_000 });
    expectFault(run, m.baseline(), { broken: 'pbs1', reason: /snapshots of store1: output too large: more than 64 MB/ });
    expect(run.peakRssMiB).not.toBeNull();
    expect(run.peakRssMiB!).toBeLessThan(400);
  });
}
