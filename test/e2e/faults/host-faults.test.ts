/**
 * Fault matrix, the host itself: authentication refused, a changed host key
 * (the fingerprint it offered is shown), a clock ten minutes ahead (a `date`
 * on that host's PATH). The real `strata status --json` in a child process
 * against real sshd hosts; cases run at once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/domain/status-report.js';
import { makeKeyPair } from '../../helpers/sshd.js';
import { describeWithTools } from '../../helpers/tools.js';
import { startEstate, type Estate } from './helpers/estate.js';
import { expectFault, expectNormalEnd, healthyReading, seedLastReading } from './helpers/expect-fault.js';

describeWithTools(['sshd', 'restic', 'rclone'], 'fault matrix: the host itself', () => {
  let estate: Estate;
  let baseline: StatusReport;

  beforeAll(async () => {
    estate = await startEstate();
    baseline = await healthyReading(estate);
  }, 120_000);
  afterAll(async () => {
    await estate?.stop();
  });

  async function prepared(name: string, inventory: ReturnType<Estate['inventory']>) {
    const config = estate.writeInventory(name, inventory);
    const stateDir = estate.stateDir();
    await seedLastReading(config, stateDir, baseline);
    return { config, stateDir };
  }

  it.concurrent('authentication refused: the host and its layers UNKNOWN with the reason; its workloads, even one only the last reading knew, still listed', async () => {
    const stranger = makeKeyPair(join(estate.dir, 'stranger-key'));
    const c = await prepared('auth', estate.inventory({ docker1: estate.hosts.docker1.entry({ identityFile: stranger }) }));
    const run = await estate.status(c.config, { stateDir: c.stateDir });
    const report = expectFault(run, baseline, { broken: 'docker1', reason: /authentication to docker1 failed/, hostReason: /authentication to docker1 failed/ });
    // Nothing but restic's snapshots names this directory: the last reading keeps it listed.
    expect(report.assets.find((a) => a.id === `files/docker1:${estate.appConfigDir}`)).toMatchObject({ health: 'unknown', reasons: [expect.stringMatching(/cannot tell: layer restic-usb could not be read/), expect.anything(), expect.anything()] });
  });

  it.concurrent('a changed host key: refused, with the fingerprint the host offered', async () => {
    const pve1 = estate.hosts.pve1;
    const otherKey = makeKeyPair(join(estate.dir, 'old-pve1-host-key'));
    const pub = readFileSync(`${otherKey}.pub`, 'utf8').trim().split(' ');
    const knownHosts = join(estate.dir, 'known_hosts-old-pve1');
    writeFileSync(knownHosts, `[${pve1.sshd.host}]:${pve1.sshd.port} ${pub[0]} ${pub[1]}\n`);
    const c = await prepared('host-key', estate.inventory({ pve1: pve1.entry({ knownHostsFile: knownHosts }) }));
    const run = await estate.status(c.config, { stateDir: c.stateDir });
    const offered = new RegExp(`HOST KEY OF pve1 HAS CHANGED \\(offered ${pve1.sshd.hostKeyFingerprint.replace(/[+/]/g, '\\$&')}\\)`);
    expectFault(run, baseline, { broken: 'pve1', reason: offered, hostReason: offered });
  });

  it.concurrent('a host clock 10 min ahead: the skew reported and WARN (exit 1), everything else read as healthy', async () => {
    const pbs2 = await estate.addHost('pbs2');
    pbs2.tool(
      'date',
      [
        '#!/bin/sh',
        '# This host keeps its time 10 minutes ahead; a date given explicitly (-d, -r) is printed as asked.',
        'for a in "$@"; do case "$a" in -d*|--date*|-r*|--reference*) exec /bin/date "$@" ;; esac; done',
        'exec /bin/date -d "@$(( $(/bin/date +%s) + 600 ))" "$@"',
      ].join('\n'),
    );
    const c = await prepared('clock', estate.inventory({ pbs2: pbs2.entry() }));
    const run = await estate.status(c.config, { stateDir: c.stateDir });
    const report = expectNormalEnd(run);
    const host = report.hosts.find((h) => h.name === 'pbs2')!;
    expect(host).toMatchObject({ reachable: true, error: null, health: 'warn', reasons: ['pbs2: clock is 10 min ahead of this host (more than 1 min)'] });
    expect(Math.abs(host.clockSkewSeconds! - 600)).toBeLessThanOrEqual(5);
    expect([...report.layers, ...report.assets].filter((x) => x.health !== 'ok').map((x) => [x.id, x.reasons])).toEqual([]);
    expect(report.assets.map((a) => a.id).sort()).toEqual(baseline.assets.map((a) => a.id).sort());
    expect([report.overall, run.code]).toEqual(['warn', 1]);
  });
});
