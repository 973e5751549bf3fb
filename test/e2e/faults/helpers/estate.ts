/**
 * A small estate of throwaway real OpenSSH hosts for the fault matrix:
 * `pve1` (stand-in pvesh, real config archives read by the real `find`),
 * `pbs1` and `pbs2` (stand-in PBS, local and off-site) and `docker1` (a real
 * restic repository and a real rclone copy of one directory; restic records
 * this machine's hostname, not "docker1"). Each host has a directory of its
 * own programs first on its PATH, where a case puts what misbehaves (a `date`
 * ten minutes ahead, a client printing without end), and its own HOME (a slow
 * ~/.bashrc). `status()` runs the real CLI, `node bin/strata.js status
 * --json`, in a child process and measures its peak memory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { archiveName } from '../../../../src/adapters/config-backup/commands.js';
import type { HostFile, InventoryFile } from '../../../../src/domain/inventory-file.js';
import type { StatusReport } from '../../../../src/domain/status-report.js';
import { startSshd, type SshdHost, type SshdOptions } from '../../../helpers/sshd.js';
import { statusContract } from '../../../helpers/status/run-strata.js';
import { HEALTHY, hostEntry, STANDINS } from '../../../helpers/status/standin-lab.js';

export const ROOT = resolve(import.meta.dirname, '../../../..');

export const ESTATE_HOSTS = ['pve1', 'pbs1', 'pbs2', 'docker1'] as const;
export type EstateHostName = (typeof ESTATE_HOSTS)[number];

/**
 * The estate's probe timeout (the inventory's probeTimeoutSeconds), longer
 * than the 20 s default. Every case requires the hosts it does not break to be
 * read within one round. Real restic on docker1 must finish within it while the
 * ten cases and other test files load two cores: at 20 s, a CI run once saw
 * restic-usb time out. Cases that end sooner wait no longer for it.
 */
export const ESTATE_PROBE_TIMEOUT_SECONDS = 45;

/** Which host each layer of the estate is read on. */
export const LAYER_HOSTS: Readonly<Record<string, EstateHostName>> = {
  'pve1-snap': 'pve1',
  'pve1-dump': 'pve1',
  'pve1-config': 'pve1',
  'pbs-local': 'pbs1',
  'pbs-remote': 'pbs2',
  'restic-usb': 'docker1',
  'app-copy': 'docker1',
};

export interface EstateHost {
  readonly name: EstateHostName;
  readonly sshd: SshdHost;
  /** Programs first on the host's PATH. */
  readonly bin: string;
  /** The HOME of the host's sessions. */
  readonly home: string;
  /** Answers from this stand-in scenario (a name under test/fixtures/standins/scenarios, or a directory). */
  scenario(name: string): void;
  /** Stand-in calls so far, each as [tool, ...args]. */
  calls(): string[][];
  /** Puts an executable shell script on the host's PATH, before the stand-ins and the system's tools. */
  tool(name: string, script: string): void;
  /** The inventory entry of this host. */
  entry(more?: Partial<HostFile>): HostFile;
}

export interface StatusRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
  /** When the process ended (epoch ms). */
  readonly endedAtMs: number;
  /** Peak resident memory of the strata process (MiB), from /usr/bin/time; null where it is missing. */
  readonly peakRssMiB: number | null;
  /** The report, checked against the v1 JSON contract (throws when stdout is not one). */
  report(): StatusReport;
}

export interface StatusOptions {
  /** The state directory (saved status, journal): one per case, so each case knows only its own last reading. */
  readonly stateDir: string;
  /** Called once the child runs, e.g. to break a host while it reads. */
  readonly during?: () => Promise<void>;
  readonly timeoutMs?: number;
}

export interface Estate {
  readonly dir: string;
  readonly hosts: Readonly<Record<EstateHostName, EstateHost>>;
  /** The directory restic and rclone protect on docker1. */
  readonly appDir: string;
  /** A directory only restic's snapshots name. */
  readonly appConfigDir: string;
  /** The estate's inventory, with host entries replaced where given. */
  inventory(replace?: Partial<Record<EstateHostName, HostFile>>): InventoryFile;
  writeInventory(name: string, inv: InventoryFile): string;
  /** A scenario directory: `base`'s replies, with these files (e.g. `proxmox-backup-client/snapshot-list.stdout`) instead. */
  scenario(name: string, base: string, files: Record<string, string | Buffer>): string;
  /**
   * One more host answering as `name`, with its own sshd, PATH, HOME and
   * scenario: a case breaks it, and points its inventory's `name` at it, while
   * cases that run at the same time share the healthy hosts.
   */
  addHost(name: EstateHostName, sshd?: Pick<SshdOptions, 'netns'>): Promise<EstateHost>;
  /** A fresh state directory. */
  stateDir(): string;
  status(config: string, opts: StatusOptions): Promise<StatusRun>;
  stop(): Promise<void>;
}

function run(argv: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

export async function startEstate(): Promise<Estate> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-faults-'));
  const now = Math.floor(Date.now() / 1000);

  // pve1's configuration archives, 6 and 2 days old.
  const configDir = join(dir, 'pve1-config');
  mkdirSync(configDir);
  for (const age of [6 * 86_400, 2 * 86_400]) run(['tar', '-czf', join(configDir, archiveName('pve1', now - age)), '-C', STANDINS, 'lib']);
  writeFileSync(join(dir, 'pbs1.token'), 'pbs1-token-secret\n');
  writeFileSync(join(dir, 'pbs2.token'), 'pbs2-token-secret\n');

  // docker1's directories, backed up by real restic as it runs by default (under this machine's hostname):
  // the app, which rclone copies too and a tier names, and its configuration, which nothing but
  // restic's snapshots names (a workload known from the last reading only, when docker1 is down).
  const appDir = join(dir, 'srv/app');
  const appConfigDir = join(dir, 'etc/app');
  mkdirSync(appDir, { recursive: true });
  mkdirSync(appConfigDir, { recursive: true });
  writeFileSync(join(appDir, 'data.txt'), 'the data docker1 serves\n');
  writeFileSync(join(appConfigDir, 'app.conf'), 'listen 8080\n');
  writeFileSync(join(dir, 'restic-pass'), 'correct horse battery staple\n');
  const resticEnv = { RESTIC_REPOSITORY: join(dir, 'restic'), RESTIC_PASSWORD_FILE: join(dir, 'restic-pass'), RESTIC_CACHE_DIR: join(dir, 'restic-cache') };
  run(['restic', 'init', '-q'], resticEnv);
  run(['restic', 'backup', '-q', appDir], resticEnv);
  run(['restic', 'backup', '-q', appConfigDir], resticEnv);
  writeFileSync(join(dir, 'rclone.conf'), '');
  run(['rclone', 'copy', appDir, join(dir, 'app-copy')], { RCLONE_CONFIG: join(dir, 'rclone.conf') });

  let started = 0;
  const extras: EstateHost[] = [];
  const start = async (name: EstateHostName, sshdOpts: Pick<SshdOptions, 'netns'> = {}): Promise<EstateHost> => {
    const hostDir = join(dir, `${name}-${++started}`);
    const bin = join(hostDir, 'bin');
    mkdirSync(bin, { recursive: true });
    const scenarioFile = join(hostDir, 'scenario');
    const logFile = join(hostDir, 'calls');
    writeFileSync(scenarioFile, `${name === 'docker1' ? HEALTHY.pve1 : HEALTHY[name]}\n`);
    writeFileSync(logFile, '');
    const sshd = await startSshd({
      name,
      ...sshdOpts,
      env: {
        PATH: `${bin}:${join(STANDINS, 'bin')}:/usr/bin:/bin`,
        STRATA_STANDIN_SCENARIO_FILE: scenarioFile,
        STRATA_STANDIN_LOG: logFile,
      },
    });
    return {
      name,
      sshd,
      bin,
      home: join(sshd.dir, 'home'),
      scenario: (s) => writeFileSync(scenarioFile, `${s}\n`),
      calls: () =>
        readFileSync(logFile, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => l.split('\t')),
      tool(tool, script) {
        writeFileSync(join(bin, tool), script);
        chmodSync(join(bin, tool), 0o755);
      },
      entry: (more = {}) => hostEntry(name, sshd, { ...(name === 'pve1' ? { node: 'pve1' } : {}), ...more }),
    };
  };
  const first = await Promise.all(ESTATE_HOSTS.map((h) => start(h)));
  const hosts = Object.fromEntries(first.map((h) => [h.name, h])) as Record<EstateHostName, EstateHost>;
  let states = 0;

  const inventory = (replace: Partial<Record<EstateHostName, HostFile>> = {}): InventoryFile => ({
    version: 1,
    probeTimeoutSeconds: ESTATE_PROBE_TIMEOUT_SECONDS,
    hosts: ESTATE_HOSTS.map((h) => replace[h] ?? hosts[h].entry()),
    layers: [
      { id: 'pve1-snap', kind: 'pve-snapshots', host: 'pve1', media: 'nvme' },
      { id: 'pve1-dump', kind: 'vzdump', host: 'pve1', storage: 'local-backup', media: 'hdd', rpo: '1d' },
      { id: 'pve1-config', kind: 'config-backup', host: 'pve1', paths: ['/etc/pve', '/etc/network'], directory: configDir, media: 'nvme', rpo: '7d' },
      {
        id: 'pbs-local',
        kind: 'pbs',
        host: 'pbs1',
        repository: 'strata@pbs!ro@127.0.0.1:store1',
        secret: { file: join(dir, 'pbs1.token') },
        media: 'usb-ssd',
        rpo: '1d',
        verifyMaxAge: '30d',
      },
      {
        id: 'pbs-remote',
        kind: 'pbs',
        host: 'pbs2',
        repository: 'strata@pbs!ro@127.0.0.1:offsite',
        secret: { command: `cat ${join(dir, 'pbs2.token')}` },
        media: 'hdd',
        offsite: true,
        rpo: '2d',
        copyOf: ['pbs-local'],
      },
      {
        id: 'restic-usb',
        kind: 'restic',
        host: 'docker1',
        repository: resticEnv.RESTIC_REPOSITORY,
        secret: { file: resticEnv.RESTIC_PASSWORD_FILE },
        env: { RESTIC_CACHE_DIR: resticEnv.RESTIC_CACHE_DIR },
        media: 'usb-ssd',
        rpo: '1d',
      },
      { id: 'app-copy', kind: 'rclone', host: 'docker1', source: appDir, remote: join(dir, 'app-copy'), configFile: join(dir, 'rclone.conf'), media: 'hdd', rpo: '1d' },
    ],
    tiers: [
      { name: 'tier0', rpo: '1d', copies: 3, media: 2, offsite: 1, assets: ['vm/100'] },
      { name: 'tier1', rpo: '1d', copies: 3, media: 2, offsite: 0, assets: [`files/docker1:${appDir}`] },
    ],
  });

  return {
    dir,
    hosts,
    appDir,
    appConfigDir,
    inventory,
    writeInventory(name, inv) {
      const path = join(dir, `${name}.json`);
      writeFileSync(path, JSON.stringify(inv, null, 2));
      return path;
    },
    scenario(name, base, files) {
      const path = join(dir, 'scenarios', name);
      mkdirSync(path, { recursive: true });
      writeFileSync(join(path, 'base'), `${base}\n`);
      for (const [file, body] of Object.entries(files)) {
        mkdirSync(join(path, file, '..'), { recursive: true });
        writeFileSync(join(path, file), body);
      }
      return path;
    },
    async addHost(name, sshdOpts) {
      const h = await start(name, sshdOpts);
      extras.push(h);
      return h;
    },
    stateDir: () => mkdtempSync(join(dir, `state-${++states}-`)),
    status: (config, o) => runStatus(config, o, dir),
    async stop() {
      await Promise.all([...first, ...extras].map((h) => h.sshd.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const TIME = '/usr/bin/time';

/** `node bin/strata.js status --json --config F` in a child process, as cron or a monitoring agent runs it. */
async function runStatus(config: string, o: StatusOptions, dir: string): Promise<StatusRun> {
  const rssFile = join(mkdtempSync(join(dir, 'rss-')), 'max-rss');
  const strata = [process.execPath, join(ROOT, 'bin/strata.js'), 'status', '--json', '--config', config];
  const argv = existsSync(TIME) ? [TIME, '-f', '%M', '-o', rssFile, ...strata] : strata;
  const started = Date.now();
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: ROOT,
    env: { ...process.env, STRATA_STATE_DIR: o.stateDir, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a run that overstays is ended whole (time and node).
    detached: true,
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const exited = new Promise<number | null>((res) => child.once('close', (code) => res(code)));
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const limit = setTimeout(killGroup, o.timeoutMs ?? 90_000);
  try {
    if (o.during) await o.during();
    const code = await exited;
    const endedAtMs = Date.now();
    const elapsedMs = endedAtMs - started;
    const stdout = Buffer.concat(out).toString('utf8');
    const stderr = Buffer.concat(err).toString('utf8');
    const rss = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) : NaN;
    return {
      code,
      stdout,
      stderr,
      elapsedMs,
      endedAtMs,
      peakRssMiB: Number.isFinite(rss) ? Math.round(rss / 1024) : null,
      report() {
        const value: unknown = JSON.parse(stdout);
        statusContract.parse(value);
        return value as StatusReport;
      },
    };
  } finally {
    clearTimeout(limit);
    if (child.exitCode === null) killGroup();
  }
}
