/**
 * Fault matrix, the connection dies while a read runs: sshd killed (the host
 * crashes), and the link cut in a network namespace (packets silently lost,
 * as on a pulled cable). That host's layers are UNKNOWN, "connection lost",
 * within 6 s of the fault, the other hosts are read as healthy, and the next
 * reading once the host is back is healthy again. The real `strata status
 * --json` in a child process against real sshd hosts.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/domain/status-report.js';
import { createNetns, type Netns } from '../../helpers/netns.js';
import { describeWithTools } from '../../helpers/tools.js';
import { startEstate, type Estate, type StatusRun } from './helpers/estate.js';
import { expectFault, expectNormalEnd, healthyReading, seedLastReading } from './helpers/expect-fault.js';

/** From the fault to the status in the operator's hands. */
const DETECTED_WITHIN_MS = 6000;

async function until(test: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function expectHealthy(run: StatusRun, baseline: StatusReport): void {
  const report = expectNormalEnd(run);
  expect([...report.hosts, ...report.layers, ...report.assets].filter((x) => x.health !== 'ok').map((x) => [('id' in x ? x.id : x.name), x.reasons])).toEqual([]);
  expect(report.assets.map((a) => a.id).sort()).toEqual(baseline.assets.map((a) => a.id).sort());
  expect(run.code).toBe(0);
}

describeWithTools(['sshd', 'restic', 'rclone'], 'fault matrix: the connection dies during a read', () => {
  let estate: Estate;
  let baseline: StatusReport;

  beforeAll(async () => {
    estate = await startEstate();
    baseline = await healthyReading(estate);
  }, 120_000);
  afterAll(async () => {
    await estate?.stop();
  });

  async function prepared(name: string, replace: Parameters<Estate['inventory']>[0]) {
    const config = estate.writeInventory(name, estate.inventory(replace));
    const stateDir = estate.stateDir();
    await seedLastReading(config, stateDir, baseline);
    return { config, stateDir };
  }

  it.concurrent('sshd killed while PBS lists its snapshots: that layer UNKNOWN "connection lost" within 6 s; healthy again once sshd is back', async () => {
    const pbs1 = await estate.addHost('pbs1');
    pbs1.scenario('pbs1-slow'); // snapshot list answers after 30 s: the read is in flight when sshd dies
    const c = await prepared('sshd-killed', { pbs1: pbs1.entry() });
    let killedAt = 0;
    const run = await estate.status(c.config, {
      stateDir: c.stateDir,
      during: async () => {
        await until(() => pbs1.calls().some((call) => call[0] === 'proxmox-backup-client' && call[1] === 'snapshot'), 'pbs1 to list its snapshots');
        killedAt = Date.now();
        await pbs1.sshd.crash();
      },
    });
    expectFault(run, baseline, { broken: 'pbs1', reason: /connection to pbs1 was lost/ });
    expect(run.endedAtMs - killedAt).toBeLessThanOrEqual(DETECTED_WITHIN_MS);

    await pbs1.sshd.restart();
    pbs1.scenario('pbs1-healthy');
    expectHealthy(await estate.status(c.config, { stateDir: c.stateDir }), baseline);
  });

  describeWithTools(['netns'], 'in a network namespace', () => {
    let ns: Netns | undefined;
    afterAll(() => ns?.destroy());

    it.concurrent('the link to docker1 cut while restic and rclone read: its layers UNKNOWN "connection lost" within 6 s; healthy again once the link is back', async () => {
      ns = createNetns();
      const docker1 = await estate.addHost('docker1', { netns: ns });
      const started = (tool: string) => join(docker1.home, `${tool}-started`);
      const slow = join(docker1.home, 'slow');
      for (const tool of ['restic', 'rclone']) {
        // While the case wants it, each read says it began, then takes 30 s: it is in flight when the link goes.
        docker1.tool(tool, ['#!/bin/sh', `touch ${started(tool)}`, `if [ -f ${slow} ]; then sleep 30; fi`, 'PATH=${PATH#*:}', `exec ${tool} "$@"`].join('\n'));
      }
      writeFileSync(slow, '');
      const c = await prepared('link-cut', { docker1: docker1.entry() });
      let cutAt = 0;
      const run = await estate.status(c.config, {
        stateDir: c.stateDir,
        during: async () => {
          await until(() => existsSync(started('restic')) && existsSync(started('rclone')), 'restic and rclone to start on docker1');
          cutAt = Date.now();
          ns!.cut();
        },
      });
      expectFault(run, baseline, { broken: 'docker1', reason: /connection to docker1 was lost/ });
      expect(run.endedAtMs - cutAt).toBeLessThanOrEqual(DETECTED_WITHIN_MS);

      ns.restore();
      rmSync(slow);
      expectHealthy(await estate.status(c.config, { stateDir: c.stateDir }), baseline);
    });
  });
});
