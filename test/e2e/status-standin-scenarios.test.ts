/**
 * `strata status --json` (in-process through main) against real OpenSSH sshd
 * hosts whose pvesh and PBS tools are stand-ins printing recorded real-format
 * outputs: a healthy estate, and each failure an operator must not miss. A
 * broken host or garbage output is UNKNOWN with a reason, never OK.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { composeServices } from '../../src/services/root.js';
import type { HostFile } from '../../src/domain/inventory-file.js';
import { validateInventory } from '../../src/domain/inventory.js';
import type { StatusReport } from '../../src/domain/status-report.js';
import { readStatus } from '../../src/services/status-service.js';
import { startSshd } from '../helpers/sshd.js';
import { describeWithTools } from '../helpers/tools.js';
import { assetOf, hostOf, layerOf, statusJson, strata } from '../helpers/status/run-strata.js';
import { closedPortHost, hostEntry, standinInventory, startStandinLab, type StandinLab } from '../helpers/status/standin-lab.js';

const HOUR = 3600;

describeWithTools(['sshd'], 'strata status against sshd hosts with stand-in Proxmox tools', () => {
  let lab: StandinLab;
  let inventory: string;

  beforeAll(async () => {
    lab = await startStandinLab();
    inventory = lab.writeInventory('homelab', standinInventory(lab));
  });
  afterAll(async () => {
    await lab?.stop();
  });
  beforeEach(() => {
    lab.setScenarios();
    lab.clearCalls();
  });

  async function status(config = inventory): Promise<{ code: number; report: StatusReport }> {
    const run = await strata(['status', '--json', '--config', config]);
    expect(run.stderr).toBe('');
    return { code: run.code, report: statusJson(run) };
  }

  const healthOf = (r: StatusReport) => ({
    hosts: Object.fromEntries(r.hosts.map((h) => [h.name, h.health])),
    layers: Object.fromEntries(r.layers.map((l) => [l.id, l.health])),
    assets: Object.fromEntries(r.assets.map((a) => [a.id, a.health])),
  });

  it('reports a healthy estate as ok everywhere (exit 0), with the points and ages the tools printed', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { code, report } = await status();
    const after = Math.ceil(Date.now() / 1000);
    expect(code).toBe(0);
    expect(report.overall).toBe('ok');
    expect(healthOf(report)).toEqual({
      hosts: { pve1: 'ok', pbs1: 'ok', pbs2: 'ok' },
      layers: { 'pve1-snap': 'ok', 'pve1-dump': 'ok', 'pve1-config': 'ok', 'pbs-local': 'ok', 'pbs-remote': 'ok' },
      assets: { 'host/pve1': 'ok', 'vm/100': 'ok', 'ct/101': 'ok' },
    });
    for (const h of report.hosts) expect(h).toMatchObject({ reachable: true, error: null });
    for (const h of report.hosts) expect(Math.abs(h.clockSkewSeconds!)).toBeLessThanOrEqual(2);
    // Each host's runner measured its session start during the host probe.
    for (const h of report.hosts) expect(h.sessionStartMs).toBeGreaterThan(0);

    // The stand-ins print times relative to the moment of the call: the newest vzdump archive (CT 101) is 299 min old.
    const dump = layerOf(report, 'pve1-dump');
    expect(dump).toMatchObject({ points: 3, rpoSeconds: 86_400, reasons: [] });
    const newest = Date.parse(dump.lastPointAt!) / 1000;
    expect(newest).toBeGreaterThanOrEqual(before - 299 * 60 - 1);
    expect(newest).toBeLessThanOrEqual(after - 299 * 60 + 1);
    expect(Math.abs(dump.ageSeconds! - 299 * 60)).toBeLessThanOrEqual(3);
    expect(layerOf(report, 'pbs-local')).toMatchObject({ points: 3, verification: { newestState: 'ok' }, capacity: { usedPercent: 25 } });
    expect(layerOf(report, 'pbs-remote')).toMatchObject({ points: 3, offsite: true, copyOf: ['pbs-local'] });
    expect(layerOf(report, 'pve1-snap').points).toBe(2);
    expect(layerOf(report, 'pve1-config').points).toBe(2);
    expect(Math.abs(layerOf(report, 'pve1-config').ageSeconds! - 2 * 86_400)).toBeLessThanOrEqual(120);

    expect(assetOf(report, 'vm/100')).toMatchObject({ name: 'web01', tier: 'tier0', copies: 4, media: 2, offsite: 1, reasons: [] });
    expect(Object.keys(assetOf(report, 'vm/100').newest).sort()).toEqual(['pbs-local', 'pbs-remote', 'pve1-dump', 'pve1-snap']);
    expect(assetOf(report, 'ct/101')).toMatchObject({ name: 'dns', copies: 4, media: 2, offsite: 1 });
    // The template VM 9000 is no workload.
    expect(report.assets.map((a) => a.id)).not.toContain('vm/9000');
  });

  it('warns about a guest in no backup job and calls the unprotected guest critical (exit 2)', async () => {
    lab.setScenarios({ pve1: 'pve1-no-job' });
    const { code, report } = await status();
    expect(code).toBe(2);
    const dump = layerOf(report, 'pve1-dump');
    expect(dump.health).toBe('warn');
    expect(dump.reasons).toEqual(['pve1-dump: vm/105 (test) is in no backup job']);
    expect(assetOf(report, 'vm/105')).toMatchObject({ name: 'test', health: 'crit', copies: 1 });
    expect(assetOf(report, 'vm/105').reasons).toContain('vm/105: no recovery point on any layer; 1 of 2 copies');
  });

  it('makes a failed vzdump task critical, quoting its error text as the status (exit 2)', async () => {
    lab.setScenarios({ pve1: 'pve1-failed-task' });
    const { code, report } = await status();
    expect(code).toBe(2);
    const dump = layerOf(report, 'pve1-dump');
    expect(dump.health).toBe('crit');
    expect(dump.reasons).toHaveLength(1);
    expect(dump.reasons[0]).toMatch(
      /^pve1-dump: last vzdump job for ct\/101 \(\d{4}-\d\d-\d\dT[\d:]+Z\) failed: unable to activate storage 'local-backup' - directory is expected to be a mount point but is not mounted: '\/mnt\/backup'$/,
    );
    expect(dump.lastJob).toMatchObject({ state: 'failed', type: 'vzdump' });
  });

  it('makes a PBS snapshot whose verification failed critical, naming the guest and the snapshot time (exit 2)', async () => {
    lab.setScenarios({ pbs1: 'pbs1-verify-failed' });
    const { code, report } = await status();
    expect(code).toBe(2);
    const pbs = layerOf(report, 'pbs-local');
    expect(pbs.health).toBe('crit');
    const failed = pbs.reasons.map((r) => /^pbs-local: newest point of vm\/100 \((\S+)\) failed verification$/.exec(r)?.[1]).find(Boolean);
    // The recorded snapshot list has VM 100's newest snapshot 5 h before the call.
    expect(Math.abs(Date.now() / 1000 - Date.parse(failed!) / 1000 - 5 * HOUR)).toBeLessThanOrEqual(5);
    expect(pbs.reasons.some((r) => /^pbs-local: last verificationjob job store1:v-3f2a1b0c-7d6e .* failed: verification failed - please check the log for details$/.test(r))).toBe(true);
    // The corrupt snapshot is no copy: VM 100 is left with the vzdump archive and the off-site PBS.
    expect(assetOf(report, 'vm/100')).toMatchObject({ health: 'warn', copies: 3, media: 1 });
  });

  it('warns about a stale off-site copy with its age and the RPO, on the layer and on each workload (exit 1)', async () => {
    lab.setScenarios({ pbs2: 'pbs2-stale' });
    const { code, report } = await status();
    expect(code).toBe(1);
    expect(report.overall).toBe('warn');
    const remote = layerOf(report, 'pbs-remote');
    expect(remote.health).toBe('warn');
    // Its newest snapshot (CT 101) is 73 h old; VM 100's 74 h.
    expect(remote.reasons).toEqual(['pbs-remote: newest point is 3 d 1 h old, RPO 2 d']);
    expect(Math.abs(remote.ageSeconds! - 73 * HOUR)).toBeLessThanOrEqual(3);
    expect(assetOf(report, 'vm/100')).toMatchObject({ health: 'warn', offsite: 0 });
    expect(assetOf(report, 'vm/100').reasons).toEqual(['vm/100: 0 of 1 off-site copies (pbs-remote newest 3 d 2 h old)']);
    expect(assetOf(report, 'ct/101').reasons).toEqual(['ct/101: 0 of 1 off-site copies (pbs-remote newest 3 d 1 h old)']);
  });

  it('makes a 93 % full datastore critical, with the numbers (exit 2)', async () => {
    lab.setScenarios({ pbs1: 'pbs1-full' });
    const { code, report } = await status();
    expect(code).toBe(2);
    const pbs = layerOf(report, 'pbs-local');
    expect(pbs.health).toBe('crit');
    expect(pbs.reasons).toEqual(['pbs-local: store1 is 93 % full (1.9 TiB of 2.0 TiB), over 90 %']);
    expect(pbs.capacity).toEqual({ totalBytes: 2199023255552, usedBytes: 2045091627663, availBytes: 153931627889, usedPercent: 93 });
  });

  it('reports a host on a closed port as unreachable and its layer UNKNOWN with the reason; the others are read (exit 3)', async () => {
    const config = lab.writeInventory('closed-port', standinInventory(lab, { pbs2: await closedPortHost('pbs2', lab.hosts.pbs2) }));
    const { code, report } = await status(config);
    expect(code).toBe(3);
    expect(report.overall).toBe('unknown');
    const host = hostOf(report, 'pbs2');
    expect(host).toMatchObject({ reachable: false, health: 'unknown', clockSkewSeconds: null });
    expect(host.error).toMatch(/^host pbs2 is unreachable: .*ECONNREFUSED/);
    const remote = layerOf(report, 'pbs-remote');
    expect(remote).toMatchObject({ health: 'unknown', lastPointAt: null, points: 0 });
    expect(remote.reasons).toEqual([expect.stringMatching(/^pbs-remote: host pbs2 (is )?unreachable: .*ECONNREFUSED/)]);
    // Without the off-site layer the workloads' 3-2-1 is not known, not "fine".
    expect(assetOf(report, 'vm/100').health).toBe('unknown');
    expect(assetOf(report, 'vm/100').reasons).toContain('vm/100: copies not known: pbs-remote could not be read');
    expect(healthOf(report).layers).toMatchObject({ 'pve1-dump': 'ok', 'pbs-local': 'ok' });
  });

  it("reports a layer UNKNOWN when its host's sshd is stopped mid-read; the other hosts' layers are still read (exit 3)", async () => {
    // pbs1-slow answers `snapshot list` only after 30 s: the host is stopped while the stand-in waits.
    const doomed = await lab.startExtra('pbs1', 'pbs1-slow');
    const config = lab.writeInventory('mid-run', standinInventory(lab, { pbs1: hostEntry('pbs1', doomed.sshd) }));
    const running = status(config);
    const deadline = Date.now() + 20_000;
    while (!doomed.calls().some((c) => c[0] === 'proxmox-backup-client' && c[1] === 'snapshot')) {
      if (Date.now() > deadline) throw new Error('the slow snapshot list never started');
      await new Promise((r) => setTimeout(r, 20));
    }
    await doomed.sshd.stop();
    const { code, report } = await running;
    expect(code).toBe(3);
    const pbs = layerOf(report, 'pbs-local');
    expect(pbs).toMatchObject({ health: 'unknown', points: 0 });
    expect(pbs.reasons).toEqual([expect.stringMatching(/^pbs-local: could not be read completely: snapshots of store1: connection to pbs1 was lost/)]);
    expect(healthOf(report).layers).toMatchObject({ 'pve1-dump': 'ok', 'pbs-remote': 'ok', 'pve1-snap': 'ok' });
    expect(assetOf(report, 'vm/100').health).toBe('unknown');
  });

  it('reports a changed host key, a refused client key and a tool missing on the host as UNKNOWN with the reason (exit 3)', async () => {
    const { pbs1, pbs2 } = lab.hosts;
    // pbs2's address with pbs1's host key: what a reinstalled (or impersonated) host looks like.
    const changed = join(lab.dir, 'known_hosts-changed');
    writeFileSync(changed, `${pbs1.knownHostsLine.replace(/^\S+/, `[${pbs2.host}]:${pbs2.port}`)}\n`);
    const bare = await startSshd({ name: 'pbs2' }); // no stand-ins on its PATH
    try {
      const cases: [string, HostFile, RegExp][] = [
        ['host-key', hostEntry('pbs2', pbs2, { knownHostsFile: changed }), /HOST KEY OF pbs2 HAS CHANGED \(offered SHA256:/],
        ['auth', hostEntry('pbs2', { ...pbs2, clientKeyPath: pbs1.clientKeyPath }), /authentication to pbs2 failed/],
      ];
      for (const [name, entry, why] of cases) {
        const { code, report } = await status(lab.writeInventory(name, standinInventory(lab, { pbs2: entry })));
        expect(code, name).toBe(3);
        expect(hostOf(report, 'pbs2'), name).toMatchObject({ reachable: false, health: 'unknown' });
        expect(hostOf(report, 'pbs2').error, name).toMatch(why);
        expect(layerOf(report, 'pbs-remote').health, name).toBe('unknown');
        expect(layerOf(report, 'pbs-remote').reasons[0], name).toMatch(why);
      }
      const { code, report } = await status(lab.writeInventory('missing-tool', standinInventory(lab, { pbs2: hostEntry('pbs2', bare) })));
      expect(code).toBe(3);
      expect(hostOf(report, 'pbs2')).toMatchObject({ reachable: true, health: 'ok' });
      const remote = layerOf(report, 'pbs-remote');
      expect(remote).toMatchObject({ health: 'unknown', points: 0 });
      expect(remote.reasons).toEqual([
        'pbs-remote: could not be read completely: snapshots of offsite: proxmox-backup-client: command not found on the host (exit 127); status of offsite: proxmox-backup-client: command not found on the host (exit 127); PBS task list: proxmox-backup-manager: command not found on the host (exit 127)',
      ]);
    } finally {
      await bare.stop();
    }
  });

  it('delivers the other hosts\' layers while a host that accepts connections but never answers waits out its probe timeout', async () => {
    // A TCP listener that never sends an SSH banner: the connection hangs, as to a frozen host.
    const sockets: Socket[] = [];
    const silent = createServer((sock) => sockets.push(sock));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    try {
      const file = standinInventory(lab, { pbs2: hostEntry('pbs2', { ...lab.hosts.pbs2, port }) });
      const parsed = validateInventory(file);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      const session = composeServices({ inventory: parsed.inventory, configPath: 'silent.json', env: {} });
      const arrivals: [string, number][] = [];
      const started = performance.now();
      try {
        const { report } = await readStatus(parsed.inventory, session.collector, {
          probeTimeoutMs: 1500,
          onLayer: (o) => arrivals.push([o.layerId, performance.now() - started]),
          onHost: (h) => arrivals.push([`host ${h.name}`, performance.now() - started]),
        });
        const at = (what: string) => arrivals.find(([w]) => w === what)![1];
        for (const id of ['pve1-snap', 'pve1-dump', 'pve1-config', 'pbs-local']) expect(at(id), id).toBeLessThan(at('host pbs2'));
        expect(arrivals.at(-1)![0]).toBe('pbs-remote');
        expect(hostOf(report, 'pbs2')).toMatchObject({ reachable: false, health: 'unknown' });
        expect(hostOf(report, 'pbs2').error).toMatch(/^command on pbs2 timed out: after 1500 ms/);
        expect(layerOf(report, 'pbs-remote').health).toBe('unknown');
        expect(layerOf(report, 'pbs-local').health).toBe('ok');
      } finally {
        await session.close();
      }
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('reports an HTML error page instead of JSON as UNKNOWN with what came back, never ok (exit 3)', async () => {
    lab.setScenarios({ pve1: 'pve1-html' });
    const { code, report } = await status();
    expect(code).toBe(3);
    const snap = layerOf(report, 'pve1-snap');
    expect(snap.health).toBe('unknown');
    expect(snap.reasons).toEqual([
      expect.stringMatching(/^pve1-snap: could not be read completely: guest list: pvesh \/cluster\/resources: got an HTML\/XML page instead of JSON \(<!DOCTYPE html>.*502 Bad Gateway/),
    ]);
    expect(snap.points).toBe(0);
  });

  it('reports truncated JSON as UNKNOWN with the parse error, and the workloads it may hold as not known (exit 3)', async () => {
    lab.setScenarios({ pbs1: 'pbs1-truncated' });
    const { code, report } = await status();
    expect(code).toBe(3);
    const pbs = layerOf(report, 'pbs-local');
    expect(pbs).toMatchObject({ health: 'unknown', points: 0, lastPointAt: null });
    expect(pbs.reasons).toEqual([expect.stringMatching(/^pbs-local: could not be read completely: snapshots of store1: proxmox-backup-client snapshot list: output is not valid JSON/)]);
    for (const id of ['vm/100', 'ct/101']) {
      expect(assetOf(report, id).health).toBe('unknown');
      expect(assetOf(report, id).reasons).toContain(`${id}: copies not known: pbs-local could not be read`);
    }
  });

  it('ran on each host only the probes of its own layers, with the secrets as the tools read them', async () => {
    await status();
    const tools = (h: 'pve1' | 'pbs1' | 'pbs2') => [...new Set(lab.calls(h).map((c) => c[0]))].sort();
    expect(tools('pve1')).toEqual(['pvesh']);
    expect(tools('pbs1')).toEqual(['proxmox-backup-client', 'proxmox-backup-manager']);
    expect(tools('pbs2')).toEqual(['proxmox-backup-client', 'proxmox-backup-manager']);
    // A wrong token would have failed `snapshot list` (the stand-in checks it): pbs1 reads a file, pbs2 a command.
    expect(lab.calls('pbs1').filter((c) => c[0] === 'proxmox-backup-client')).toHaveLength(2);
  });
});
