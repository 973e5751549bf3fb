/**
 * Real OpenSSH sshd hosts whose PATH starts with the stand-in pvesh and PBS
 * tools of test/fixtures/standins: `pve1` (a PVE node, with a real directory
 * of config archives read by the real `find`), `pbs1` (the local PBS) and
 * `pbs2` (the off-site PBS). Each host reads its scenario from a file, so a
 * test switches scenarios between runs without restarting anything, and logs
 * every stand-in call.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { archiveName } from '../../../src/adapters/config-backup/commands.js';
import type { HostFile, InventoryFile, LayerFile } from '../../../src/domain/inventory-file.js';
import { freePort, startSshd, type SshdHost } from '../sshd.js';

export const STANDINS = resolve(import.meta.dirname, '../../fixtures/standins');

export type StandinHost = 'pve1' | 'pbs1' | 'pbs2';
export const STANDIN_HOSTS: readonly StandinHost[] = ['pve1', 'pbs1', 'pbs2'];

export const HEALTHY: Readonly<Record<StandinHost, string>> = { pve1: 'pve1-healthy', pbs1: 'pbs1-healthy', pbs2: 'pbs2-healthy' };

/** Ages of the config archives written on pve1 (seconds before the lab started). */
export const CONFIG_ARCHIVE_AGES = [6 * 86_400, 2 * 86_400];

export interface StandinLab {
  readonly dir: string;
  readonly hosts: Readonly<Record<StandinHost, SshdHost>>;
  readonly configDir: string;
  /** Chooses the scenario each host answers from (missing hosts: healthy). */
  setScenarios(s?: Partial<Record<StandinHost, string>>): void;
  /** Stand-in calls on a host since the last `clearCalls`, each as [tool, ...args]. */
  calls(host: StandinHost): string[][];
  clearCalls(): void;
  /** Starts one more stand-in host (for a test that stops it), with its own scenario and call log. */
  startExtra(name: string, scenario: string): Promise<{ sshd: SshdHost; calls(): string[][] }>;
  /** Writes an inventory file and returns its path. */
  writeInventory(name: string, inv: InventoryFile): string;
  stop(): Promise<void>;
}

function readCalls(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

export function hostEntry(name: string, sshd: Pick<SshdHost, 'host' | 'port' | 'user' | 'clientKeyPath' | 'knownHostsFile'>, more: Partial<HostFile> = {}): HostFile {
  return {
    name,
    address: sshd.host,
    port: sshd.port,
    user: sshd.user,
    identityFile: sshd.clientKeyPath,
    knownHostsFile: sshd.knownHostsFile,
    ...more,
  };
}

export async function startStandinLab(): Promise<StandinLab> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-standins-'));
  const configDir = join(dir, 'pve1-config');
  mkdirSync(configDir);
  const now = Math.floor(Date.now() / 1000);
  for (const age of CONFIG_ARCHIVE_AGES) {
    const r = spawnSync('tar', ['-czf', join(configDir, archiveName('pve1', now - age)), '-C', STANDINS, 'lib'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
  }
  writeFileSync(join(dir, 'pbs1.token'), 'pbs1-token-secret\n');
  writeFileSync(join(dir, 'pbs2.token'), 'pbs2-token-secret\n');

  const scenarioFile = (key: string) => join(dir, `${key}.scenario`);
  const logFile = (key: string) => join(dir, `${key}.calls`);
  /** `key` names the host's scenario and log files; `name` is its inventory name. */
  const start = (key: string, name: string, scenario: string) => {
    writeFileSync(scenarioFile(key), `${scenario}\n`);
    writeFileSync(logFile(key), '');
    return startSshd({
      name,
      env: {
        PATH: `${join(STANDINS, 'bin')}:/usr/bin:/bin`,
        STRATA_STANDIN_SCENARIO_FILE: scenarioFile(key),
        STRATA_STANDIN_LOG: logFile(key),
      },
    });
  };
  const started = await Promise.all(STANDIN_HOSTS.map((h) => start(h, h, HEALTHY[h])));
  const hosts = Object.fromEntries(STANDIN_HOSTS.map((h, i) => [h, started[i]!])) as Record<StandinHost, SshdHost>;
  const extras: SshdHost[] = [];
  let extraCount = 0;

  return {
    dir,
    hosts,
    configDir,
    setScenarios(s = {}) {
      for (const h of STANDIN_HOSTS) writeFileSync(scenarioFile(h), `${s[h] ?? HEALTHY[h]}\n`);
    },
    calls: (host) => readCalls(logFile(host)),
    clearCalls() {
      for (const h of STANDIN_HOSTS) writeFileSync(logFile(h), '');
    },
    async startExtra(name, scenario) {
      const key = `extra-${++extraCount}`;
      const h = await start(key, name, scenario);
      extras.push(h);
      return { sshd: h, calls: () => readCalls(logFile(key)) };
    },
    writeInventory(name, inv) {
      const path = join(dir, `${name}.json`);
      writeFileSync(path, JSON.stringify(inv, null, 2));
      return path;
    },
    async stop() {
      await Promise.all([...Object.values(hosts), ...extras].map((h) => h.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function standinLayers(lab: Pick<StandinLab, 'dir' | 'configDir'>): LayerFile[] {
  return [
    { id: 'pve1-snap', kind: 'pve-snapshots', host: 'pve1', media: 'nvme' },
    { id: 'pve1-dump', kind: 'vzdump', host: 'pve1', storage: 'local-backup', media: 'hdd', rpo: '1d' },
    { id: 'pve1-config', kind: 'config-backup', host: 'pve1', paths: ['/etc/pve', '/etc/network'], directory: lab.configDir, media: 'nvme', rpo: '7d' },
    {
      id: 'pbs-local',
      kind: 'pbs',
      host: 'pbs1',
      repository: 'strata@pbs!ro@127.0.0.1:store1',
      secret: { file: join(lab.dir, 'pbs1.token') },
      media: 'usb-ssd',
      rpo: '1d',
      verifyMaxAge: '30d',
    },
    {
      id: 'pbs-remote',
      kind: 'pbs',
      host: 'pbs2',
      repository: 'strata@pbs!ro@127.0.0.1:offsite',
      secret: { command: `cat ${join(lab.dir, 'pbs2.token')}` },
      media: 'hdd',
      offsite: true,
      rpo: '2d',
      copyOf: ['pbs-local'],
    },
  ];
}

/** The homelab of the stand-ins: one PVE node, a local PBS and an off-site PBS; VM 100 and CT 101 in tier0. */
export function standinInventory(lab: StandinLab, replace: Partial<Record<StandinHost, HostFile>> = {}): InventoryFile {
  return {
    version: 1,
    hosts: STANDIN_HOSTS.map((h) => replace[h] ?? hostEntry(h, lab.hosts[h], h === 'pve1' ? { node: 'pve1' } : {})),
    layers: standinLayers(lab),
    tiers: [{ name: 'tier0', rpo: '1d', copies: 3, media: 2, offsite: 1, assets: ['vm/100', 'ct/101'] }],
  };
}

/** A host entry pointing at a port nobody listens on. */
export async function closedPortHost(name: string, like: SshdHost): Promise<HostFile> {
  return hostEntry(name, { ...like, port: await freePort() });
}
