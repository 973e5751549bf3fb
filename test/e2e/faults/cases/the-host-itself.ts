/**
 * The host itself: authentication refused, a changed host key (the
 * fingerprint it offered is shown), a clock ten minutes ahead (a `date` on
 * that host's PATH).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { makeKeyPair } from '../../../helpers/sshd.js';
import { expectFault, expectNormalEnd } from '../helpers/expect-fault.js';
import type { Matrix } from '../helpers/matrix.js';

export function theHostItself(m: Matrix): void {
  it('authentication refused: the host and its layers UNKNOWN with the reason; its workloads, even one only the last reading knew, still listed', async () => {
    const estate = m.estate();
    const stranger = makeKeyPair(join(estate.dir, 'stranger-key'));
    const c = await m.prepare('auth', estate.inventory({ docker1: estate.hosts.docker1.entry({ identityFile: stranger }) }));
    const run = await estate.status(c.config, { stateDir: c.stateDir });
    const report = expectFault(run, m.baseline(), { broken: 'docker1', reason: /authentication to docker1 failed/, hostReason: /authentication to docker1 failed/ });
    // Nothing but restic's snapshots names this directory: the last reading keeps it listed.
    expect(report.assets.find((a) => a.id === `files/docker1:${estate.appConfigDir}`)).toMatchObject({
      health: 'unknown',
      reasons: [expect.stringMatching(/cannot tell: layer restic-usb could not be read/), expect.anything(), expect.anything()],
    });
  });

  it('a changed host key: refused, with the fingerprint the host offered', async () => {
    const estate = m.estate();
    const pve1 = estate.hosts.pve1;
    const oldKey = makeKeyPair(join(estate.dir, 'old-pve1-host-key'));
    const [type, key] = readFileSync(`${oldKey}.pub`, 'utf8').trim().split(' ');
    const knownHosts = join(estate.dir, 'known_hosts-old-pve1');
    writeFileSync(knownHosts, `[${pve1.sshd.host}]:${pve1.sshd.port} ${type} ${key}\n`);
    const c = await m.prepare('host-key', estate.inventory({ pve1: pve1.entry({ knownHostsFile: knownHosts }) }));
    const run = await estate.status(c.config, { stateDir: c.stateDir });
    const offered = new RegExp(`HOST KEY OF pve1 HAS CHANGED \\(offered ${pve1.sshd.hostKeyFingerprint.replace(/[+/]/g, '\\$&')}\\)`);
    expectFault(run, m.baseline(), { broken: 'pve1', reason: offered, hostReason: offered });
  });

  it('a host clock 10 min ahead: the skew reported and WARN (exit 1), everything else read as healthy', async () => {
    const estate = m.estate();
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
    const c = await m.prepare('clock', estate.inventory({ pbs2: pbs2.entry() }));
    const run = await estate.status(c.config, { stateDir: c.stateDir });
    const report = expectNormalEnd(run);
    const host = report.hosts.find((h) => h.name === 'pbs2')!;
    expect(host).toMatchObject({ reachable: true, error: null, health: 'warn', reasons: ['pbs2: clock is 10 min ahead of this host (more than 1 min)'] });
    expect(Math.abs(host.clockSkewSeconds! - 600)).toBeLessThanOrEqual(5);
    expect([...report.layers, ...report.assets].filter((x) => x.health !== 'ok').map((x) => [x.id, x.reasons])).toEqual([]);
    expect(report.assets.map((a) => a.id).sort()).toEqual(m.baseline().assets.map((a) => a.id).sort());
    expect([report.overall, run.code]).toEqual(['warn', 1]);
  });
}
