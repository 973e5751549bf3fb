/**
 * The connection dies while a read runs: sshd killed (the host crashes), and
 * the link cut in a network namespace (packets silently lost, as on a pulled
 * cable). That host's layers are UNKNOWN, "connection lost", within 6 s of
 * the fault, the other hosts are read as healthy, and the next reading once
 * the host is back is healthy again.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { StatusReport } from '../../../../src/domain/status-report.js';
import { createNetns, type Netns } from '../../../helpers/netns.js';
import { describeWithTools } from '../../../helpers/tools.js';
import type { StatusRun } from '../helpers/estate.js';
import { expectFault, expectNormalEnd } from '../helpers/expect-fault.js';
import { until, type Matrix } from '../helpers/matrix.js';

/** From the fault to the status in the operator's hands. */
const DETECTED_WITHIN_MS = 6000;

function expectHealthy(run: StatusRun, baseline: StatusReport): void {
  const report = expectNormalEnd(run);
  expect([...report.hosts, ...report.layers, ...report.assets].filter((x) => x.health !== 'ok').map((x) => ['id' in x ? x.id : x.name, x.reasons])).toEqual([]);
  expect(report.assets.map((a) => a.id).sort()).toEqual(baseline.assets.map((a) => a.id).sort());
  expect(run.code).toBe(0);
}

export function connectionDies(m: Matrix): void {
  it('sshd killed while PBS lists its snapshots: that layer UNKNOWN "connection lost" within 6 s; healthy again once sshd is back', async () => {
    const estate = m.estate();
    const pbs1 = await estate.addHost('pbs1');
    pbs1.scenario('pbs1-slow'); // snapshot list answers after 30 s: the read is in flight when sshd dies
    const c = await m.prepare('sshd-killed', estate.inventory({ pbs1: pbs1.entry() }));
    let killedAt = 0;
    const run = await estate.status(c.config, {
      stateDir: c.stateDir,
      during: async () => {
        await until(() => pbs1.calls().some((call) => call[0] === 'proxmox-backup-client' && call[1] === 'snapshot'), 'pbs1 to list its snapshots');
        killedAt = Date.now();
        await pbs1.sshd.crash();
      },
    });
    expectFault(run, m.baseline(), { broken: 'pbs1', reason: /connection to pbs1 was lost/ });
    expect(run.endedAtMs - killedAt).toBeLessThanOrEqual(DETECTED_WITHIN_MS);

    await pbs1.sshd.restart();
    pbs1.scenario('pbs1-healthy');
    expectHealthy(await estate.status(c.config, { stateDir: c.stateDir }), m.baseline());
  });

  describeWithTools(['netns'], 'in a network namespace', () => {
    let ns: Netns | undefined;
    afterAll(() => ns?.destroy());

    it('the link to docker1 cut while restic and rclone read: its layers UNKNOWN "connection lost" within 6 s; healthy again once the link is back', async () => {
      const estate = m.estate();
      ns = createNetns();
      const docker1 = await estate.addHost('docker1', { netns: ns });
      const started = (tool: string) => join(docker1.home, `${tool}-started`);
      const slow = join(docker1.home, 'slow');
      for (const tool of ['restic', 'rclone']) {
        // While the case wants it, each read says it began, then takes 30 s: it is in flight when the link goes.
        docker1.tool(tool, ['#!/bin/sh', `touch ${started(tool)}`, `if [ -f ${slow} ]; then sleep 30; fi`, 'PATH=${PATH#*:}', `exec ${tool} "$@"`].join('\n'));
      }
      writeFileSync(slow, '');
      const c = await m.prepare('link-cut', estate.inventory({ docker1: docker1.entry() }));
      let cutAt = 0;
      const run = await estate.status(c.config, {
        stateDir: c.stateDir,
        during: async () => {
          await until(() => existsSync(started('restic')) && existsSync(started('rclone')), 'restic and rclone to start on docker1');
          cutAt = Date.now();
          ns!.cut();
        },
      });
      expectFault(run, m.baseline(), { broken: 'docker1', reason: /connection to docker1 was lost/ });
      expect(run.endedAtMs - cutAt).toBeLessThanOrEqual(DETECTED_WITHIN_MS);

      ns.restore();
      rmSync(slow);
      expectHealthy(await estate.status(c.config, { stateDir: c.stateDir }), m.baseline());
    });
  });
}
