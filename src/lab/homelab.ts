/**
 * The simulated homelab: the hosts and layers of examples/homelab.json with
 * ninety days of history replayed under a scenario, plus optional extra PVE
 * nodes for scale. `buildHomelabState` makes the state; `homelabInventory`
 * the inventory file pointing Strata at the lab's SSH servers.
 */
import type { InventoryFile, LayerFile } from '../domain/inventory-file.js';
import { generateConfigArchives, generateConfigCopies, generateHostBackups, writeEtc, writeStorageSecrets } from './history/config.js';
import type { HistoryContext } from './history/context.js';
import { HISTORY_DAYS } from './history/context.js';
import { PBS_COPY_REMOTE, type DatastoreCopy } from './history/datastore-rclone.js';
import { generateDockerHistory } from './history/docker.js';
import { generateNasHistory } from './history/nas.js';
import { generatePbsHistory, JOB_IDS } from './history/pbs.js';
import { generateGuestSnapshots, generatePveHistory, jobConfig, makeGuests } from './history/pve.js';
import { freshPveNode, LOST_NODE_LINKS } from './homelab/fresh-node.js';
import { PBS_CERT_FINGERPRINT, PVE1_GUESTS, PVE1_JOBS, PVE1_KEY, SCHEDULES, SECRETS, WAN_EXCLUDED_GROUP, type GuestSpec, type JobSpec } from './homelab/topology.js';
import { SCENARIO_PLANS, type ScenarioName } from './scenarios/index.js';
import { DAY, HOUR } from './state/clock.js';
import { emptyFs, mkdirs, writeFile } from './state/fs.js';
import { CONFIG_DB, writeConfigDb } from './state/pmxcfs.js';
import { Rng } from './state/ids.js';
import { newPbsTask, finishTask, verifySnapshots } from './state/pbs.js';
import type { HostPackage, HostState, LabState, PbsState, PveState } from './state/types.js';

export interface BuildOptions {
  readonly scenario: ScenarioName;
  readonly extraPveNodes: number;
  /** End of the history (epoch seconds); the real clock by default. */
  readonly now: number;
  readonly seed: number;
  /** Every host's time zone. */
  readonly timeZone: string;
  /** Which copy carries pbs1's datastore directory off-site: restic-cloud (default) or an rclone copy in DEEP_ARCHIVE. */
  readonly datastoreCopy?: DatastoreCopy;
}

const GiB = 2 ** 30;

function host(name: string, packages: HostPackage[], timeZone: string, pidBase: number): HostState {
  return { name, hostname: name, timeZone, clockSkewSeconds: 0, packages, fs: emptyFs(), nextPid: pidBase };
}

function emptyPbs(cert: string, credentials: Record<string, string>): PbsState {
  return { datastores: {}, verifyJobs: [], syncJobs: [], pruneJobs: [], remotes: {}, credentials, certFingerprint: cert, tasks: [], nextTaskId: 1 };
}

function pveState(node: string, guests: readonly GuestSpec[], now: number, withPbs: boolean): PveState {
  const made = makeGuests(guests, now);
  // Thin volumes: a storage holds what its guests wrote, not their disks' sizes.
  const written = (storage: string) =>
    Object.values(made).reduce((n, g) => n + (g.disks.some((d) => d.volume.startsWith(`${storage}:`)) ? g.usedDisk : 0), 0);
  return {
    node,
    guests: made,
    storages: {
      local: { id: 'local', type: 'dir', content: ['iso', 'vztmpl'], path: '/var/lib/vz', total: 100_861_726_720, used: 23_622_320_128, shared: 0 },
      'local-lvm': { id: 'local-lvm', type: 'lvmthin', content: ['images', 'rootdir'], total: 1_798_651_625_472, used: written('local-lvm'), shared: 0 },
      'local-zfs': { id: 'local-zfs', type: 'zfspool', pool: 'rpool/data', content: ['images', 'rootdir'], total: 1_888_946_495_488, used: written('local-zfs'), shared: 0 },
      'local-backup': { id: 'local-backup', type: 'dir', content: ['backup'], path: '/mnt/backup', total: 3_936_914_984_960, used: 180_000_000_000, shared: 0, archives: [] },
      ...(withPbs
        ? { pbs1: { id: 'pbs1', type: 'pbs' as const, content: ['backup'], total: 0, used: 0, shared: 1 as const, pbs: { host: 'pbs1', datastore: 'usb', username: 'root@pam' } } }
        : {}),
    },
    backupJobs: [],
    tasks: [],
  };
}

function writeSecretFile(h: HostState, path: string, value: string): void {
  mkdirs(h.fs, path.slice(0, path.lastIndexOf('/')));
  writeFile(h.fs, path, { size: value.length + 1, mtime: 1_700_000_000, content: `${value}\n` });
}

function extraGuests(k: number): GuestSpec[] {
  const roles = ['web', 'db', 'cache', 'queue', 'api', 'worker', 'proxy', 'mon', 'log', 'auth', 'ci', 'files'];
  return roles.map((role, i) => ({
    vmid: k * 100 + i,
    type: i % 3 === 2 ? ('lxc' as const) : ('qemu' as const),
    name: `${role}-${String(k).padStart(2, '0')}`,
    cores: 2 + (i % 3) * 2,
    memory: (2 + (i % 4) * 2) * GiB,
    disk: (16 + (i % 5) * 16) * GiB,
    used: (6 + ((k * 7 + i * 5) % 30)) * GiB,
    running: i !== 11,
  }));
}

/** The whole lab state for a scenario, history ending at `now`. */
export function buildHomelabState(o: BuildOptions): LabState {
  const plan = SCENARIO_PLANS[o.scenario];
  const rng = new Rng(o.seed);
  const tz = o.timeZone;
  const state: LabState = { version: 1, createdAt: o.now, hosts: {}, cloud: { buckets: {}, resticRepos: {} } };
  const goneSince = plan.gone ? o.now - plan.gone.hoursAgo * HOUR : Infinity;
  const h: HistoryContext = {
    now: o.now,
    start: o.now - HISTORY_DAYS * DAY,
    rng,
    plan,
    state,
    pbsEvents: [],
    goneAt: (name) => (plan.gone?.hosts.includes(name) ? goneSince : Infinity),
  };

  const pve1 = host('pve1', ['pve', 'pbs-client', 'rclone'], tz, 2_000_000);
  pve1.links = [...LOST_NODE_LINKS];
  const pbs1 = host('pbs1', ['pbs', 'pbs-client'], tz, 41_000);
  // restic (rclone) too: the DR chain restores the copy of pbs1's datastore directory onto pbs2 (chain-commands.md).
  const pbs2 = host('pbs2', ['pbs', 'pbs-client', 'restic', ...(o.datastoreCopy === 'rclone-cold' ? ['rclone' as const] : [])], tz, 52_000);
  const docker1 = host('docker1', ['restic', 'rclone', 'pass'], tz, 310_000);
  const nas1 = host('nas1', ['zfs', 'sanoid', 'rclone'], tz, 18_000);
  for (const x of [pve1, pbs1, pbs2, docker1, nas1]) state.hosts[x.name] = x;

  pbs1.pbs = emptyPbs(PBS_CERT_FINGERPRINT.pbs1, { 'strata@pbs!ro': SECRETS.pbs1Token, 'root@pam': SECRETS.pbs1Root, 'sync@pbs!pull': SECRETS.syncToken });
  pbs1.pbs.datastores.usb = { name: 'usb', path: '/mnt/usb/pbs', total: 2_000_398_934_016, used: 0, comment: 'USB SSD', gcSchedule: '07:00', snapshots: [] };
  pbs1.pbs.verifyJobs.push({ id: JOB_IDS.localVerify, store: 'usb', schedule: 'sun 05:00', 'ignore-verified': true, 'outdated-after': 30, comment: 'weekly re-verification' });
  // Strata's user may read every datastore; its ro token only the one it watches (the chain grants it the restored one).
  pbs1.pbs.acl = [
    { path: '/datastore', ugid: 'strata@pbs', propagate: true, roleid: 'DatastoreReader' },
    { path: '/datastore/usb', ugid: 'strata@pbs!ro', propagate: true, roleid: 'DatastoreReader' },
    { path: '/datastore/usb', ugid: 'sync@pbs', propagate: true, roleid: 'DatastoreReader' },
    { path: '/datastore/usb', ugid: 'sync@pbs!pull', propagate: true, roleid: 'DatastoreReader' },
  ];
  writeSecretFile(pbs1, '/root/.strata-pbs-token', SECRETS.pbs1Token);

  pbs2.pbs = emptyPbs(PBS_CERT_FINGERPRINT.pbs2, { 'strata@pbs!ro': SECRETS.pbs2Token, 'root@pam': SECRETS.pbs1Root });
  pbs2.pbs.datastores.offsite = { name: 'offsite', path: '/mnt/datastore/offsite', total: 8_001_563_222_016, used: 0, comment: 'off-site copy of pbs1', gcSchedule: '07:30', snapshots: [] };
  pbs2.pbs.remotes.pbs1 = { host: 'pbs1', authId: 'sync@pbs!pull' };
  pbs2.pbs.syncJobs.push({ id: JOB_IDS.sync, store: 'offsite', remote: 'pbs1', 'remote-store': 'usb', schedule: `${SCHEDULES.syncFirstHour}/${SCHEDULES.syncEveryHours}:${SCHEDULES.syncMinute}`, 'remove-vanished': false, owner: 'root@pam', comment: 'pull from pbs1', 'group-filter': [`exclude:group:${WAN_EXCLUDED_GROUP}`] });
  pbs2.pbs.verifyJobs.push({ id: JOB_IDS.remoteVerify, store: 'offsite', schedule: `${SCHEDULES.syncFirstHour}/${SCHEDULES.syncEveryHours}:${SCHEDULES.remoteVerifyMinute}`, 'ignore-verified': true, 'outdated-after': 30, comment: 'verify what arrived' });
  pbs2.pbs.pruneJobs.push({ id: JOB_IDS.remotePrune, store: 'offsite', schedule: '06:00', keep: { 'keep-daily': 14, 'keep-weekly': 8, 'keep-monthly': 6 }, comment: 'off-site retention' });
  pbs2.pbs.acl = [
    { path: '/datastore', ugid: 'strata@pbs', propagate: true, roleid: 'DatastoreReader' },
    { path: '/datastore/offsite', ugid: 'strata@pbs!ro', propagate: true, roleid: 'DatastoreReader' },
  ];
  writeSecretFile(pbs2, '/root/.strata-pbs-token', SECRETS.pbs2Token);

  pve1.pve = pveState('pve1', PVE1_GUESTS, o.now, true);
  pve1.pve.backupJobs = PVE1_JOBS.map((j) => jobConfig(h, j));
  generatePveHistory(h, pve1, { jobs: PVE1_JOBS, pbsStorage: { id: 'pbs1', host: 'pbs1', datastore: 'usb' } });
  generateGuestSnapshots(h, pve1, {
    daily: [100, 101, 102],
    keep: 3,
    manual: [
      { vmid: 104, name: 'before_upgrade', daysAgo: 40, description: 'pre-upgrade state (grafana 10 -> 11)' },
      { vmid: 110, name: 'pre_gitlab_17_5', daysAgo: 12, description: 'before GitLab 17.5 upgrade', vmstate: 1 },
      { vmid: 105, name: 'nextcloud_29', daysAgo: 5, description: 'before Nextcloud 29' },
    ],
  });
  writeEtc(h, pve1);
  writeStorageSecrets(h, pve1, { storage: 'pbs1', password: SECRETS.pbs1Root, key: PVE1_KEY });
  writeConfigDb(pve1, h.now - 3_600);
  mkdirs(pve1.fs, '/var/backups/strata');
  generateConfigArchives(h, pve1, '/var/backups/strata');
  generateConfigCopies(h, pve1, '/var/backups/strata', { bucket: 'strata-config', prefix: 'pve1' });
  generateHostBackups(h, pve1, pbs1, 'usb');

  generatePbsHistory(h, pbs1, pbs2);
  generateDockerHistory(h, docker1, h.goneAt('pbs1'), o.datastoreCopy);
  generateNasHistory(h, nas1);

  for (let k = 2; k < 2 + o.extraPveNodes; k++) {
    const node = `pve${k}`;
    const x = host(node, ['pve', 'pbs-client'], tz, 1_000_000 + k * 10_000);
    state.hosts[node] = x;
    x.pve = pveState(node, extraGuests(k), o.now, false);
    const minute = (k % 4) * 15;
    const job: JobSpec = { id: 'backup-local-nightly', storage: 'local-backup', at: [[1, minute]], schedule: `01:${String(minute).padStart(2, '0')}`, all: true, prune: 'keep-daily=7,keep-weekly=4', comment: 'nightly archives' };
    x.pve.backupJobs = [jobConfig({ ...h, plan: SCENARIO_PLANS.healthy }, job)];
    generatePveHistory({ ...h, plan: SCENARIO_PLANS.healthy }, x, { jobs: [job] });
    generateGuestSnapshots(h, x, {
      daily: [],
      keep: 0,
      manual: Object.values(x.pve.guests)
        .filter((g) => g.vmid % 3 === 0)
        .map((g) => ({ vmid: g.vmid, name: 'before_update', daysAgo: (g.vmid % 20) + 1, description: 'before apt full-upgrade' })),
    });
    writeEtc(h, x);
  }

  applyFinalState(h, o.now);
  if (plan.freshNodeFor) {
    const lost = state.hosts[plan.freshNodeFor]!;
    const fresh = freshPveNode(lost, o.now - 1_800, 5_000);
    stageArchivedConfig(fresh, lost, o.now - 600);
    state.hosts[fresh.name] = fresh;
  }
  return state;
}

/**
 * What the operator brought to the new node before the rebuild (docs/disaster-recovery.md):
 * config.db, the interfaces file and the /etc/pve files of the newest config archive,
 * fetched off-site and taken out of the archive, under /root/strata-restore. The lab's
 * archives list their members without content, so this is where the lab hands the files over.
 */
function stageArchivedConfig(fresh: HostState, lost: HostState, at: number): void {
  const staged = (from: string, to: string) => {
    const file = lost.fs.files[from];
    if (!file) return;
    mkdirs(fresh.fs, to.slice(0, to.lastIndexOf('/')));
    writeFile(fresh.fs, to, { ...file, mtime: at, mode: 0o600 });
  };
  staged(CONFIG_DB, '/root/strata-restore/config.db');
  staged('/etc/network/interfaces', '/root/strata-restore/etc/network/interfaces');
  for (const path of Object.keys(lost.fs.files)) if (path.startsWith('/etc/pve/')) staged(path, `/root/strata-restore${path}`);
}

/** What the scenario changes at the end of the history: fill levels, a failed verification, clocks. */
function applyFinalState(h: HistoryContext, now: number): void {
  const { state, plan } = h;
  const usb = state.hosts.pbs1!.pbs!.datastores.usb!;
  usb.used = Math.round((usb.total * plan.usbDatastoreUsedPercent) / 100);
  const offsite = state.hosts.pbs2!.pbs!.datastores.offsite!;
  offsite.used = Math.round(offsite.total * 0.41);
  if (plan.corruptNewestOf !== undefined) {
    const newest = usb.snapshots.filter((s) => s.id === String(plan.corruptNewestOf)).sort((a, b) => b.time - a.time)[0];
    if (newest) {
      newest.corrupt = true;
      // An operator's manual verify found it, between the backup and now.
      const pbs1 = state.hosts.pbs1!;
      const at = Math.floor((newest.time + now) / 2);
      const t = newPbsTask(pbs1.pbs!, pbs1.hostname, { starttime: at, workerType: 'verify', workerId: 'usb' });
      const r = verifySnapshots(usb, [newest], t.upid);
      finishTask(t, at + 95, 'verification failed - please check the log for details', [`verify datastore usb`, ...r.log.slice(2)]);
      pbs1.pbs!.tasks.sort((a, b) => a.starttime - b.starttime || a.taskId - b.taskId);
    }
  }
  if (plan.failingGuest) {
    const g = state.hosts.pve1!.pve!.guests[String(plan.failingGuest.vmid)];
    if (g) g.backupError = plan.failingGuest.error;
  }
  for (const [name, skew] of Object.entries(plan.clockSkew)) {
    const x = state.hosts[name];
    if (x) x.clockSkewSeconds = skew;
  }
}

export interface HostEndpoint {
  readonly port: number;
  readonly fingerprint: string;
}

const HOMELAB_LAYERS: readonly LayerFile[] = [
  { id: 'pve1-snap', kind: 'pve-snapshots', host: 'pve1', media: 'nvme', description: 'Guest snapshots on local-lvm: rollback points before upgrades, not copies' },
  { id: 'pve1-dump', kind: 'vzdump', host: 'pve1', storage: 'local-backup', media: 'hdd', rpo: '26h', description: "Nightly vzdump archives on the node's backup disk" },
  {
    id: 'pbs-local',
    kind: 'pbs',
    host: 'pbs1',
    repository: 'strata@pbs!ro@127.0.0.1:usb',
    secret: { file: '/root/.strata-pbs-token' },
    media: 'usb-ssd',
    // A daily job's newest point is a day old plus the job's own run time when the next one starts:
    // an RPO of exactly a day would warn every day while it runs (as pve1-dump's 26 h allows for).
    rpo: '26h',
    verifyMaxAge: '30d',
    description: 'Local PBS, datastore usb on the USB SSD (/mnt/usb/pbs); also holds host/pve1 config archives',
  },
  {
    id: 'pbs-remote',
    kind: 'pbs',
    host: 'pbs2',
    repository: 'strata@pbs!ro@127.0.0.1:offsite',
    secret: { file: '/root/.strata-pbs-token' },
    media: 'hdd',
    offsite: true,
    rpo: '2d',
    copyOf: ['pbs-local'],
    description: 'Remote PBS; its sync job pulls from pbs1',
  },
  { id: 'restic-usb', kind: 'restic', host: 'docker1', repository: '/mnt/usb/restic', secret: { file: '/root/.restic-pass' }, media: 'usb-ssd', rpo: '26h', description: 'Docker volumes to the USB SSD' },
  {
    id: 'restic-cloud',
    kind: 'restic',
    host: 'docker1',
    repository: 's3:https://s3.example.com/strata-restic',
    secret: { file: '/root/.restic-cloud-pass' },
    secretEnv: { AWS_ACCESS_KEY_ID: { file: '/root/.s3-key-id' }, AWS_SECRET_ACCESS_KEY: { command: 'pass show s3/strata' } },
    env: { AWS_DEFAULT_REGION: 'eu-central-1' },
    media: 'cloud',
    offsite: true,
    rpo: '7d',
    copyOf: ['pbs-local'],
    carriers: ['files/docker1:/mnt/usb/pbs'],
    description: 'Docker volumes and the PBS datastore to S3, so PBS backups also go off-site',
  },
  { id: 'nas-snap', kind: 'zfs-snapshots', host: 'nas1', datasets: ['tank/data', 'tank/media'], media: 'nvme', rpo: '1h', description: 'Hourly and daily snapshots on the nvme pool: rollback points' },
  { id: 'nas-repl', kind: 'zfs-replication', host: 'nas1', source: { dataset: 'tank/data' }, target: { dataset: 'backup/data' }, media: 'hdd', rpo: '26h', description: 'zfs send/recv from the nvme pool to the hdd pool' },
  // Not in examples/homelab.json: without it tank/media (a dataset of nas-snap) has no copy, and a healthy lab would be red.
  { id: 'nas-media-repl', kind: 'zfs-replication', host: 'nas1', source: { dataset: 'tank/media' }, target: { dataset: 'backup/media' }, media: 'hdd', rpo: '26h', description: 'zfs send/recv of the media dataset to the hdd pool' },
  {
    id: 'nas-glacier',
    kind: 'rclone',
    host: 'nas1',
    source: '/backup/data',
    remote: 'glacier:strata-nas/data',
    media: 'cloud',
    offsite: true,
    rpo: '7d',
    copyOf: ['nas-repl'],
    description: 'rclone of the replica to S3 Glacier (objects need a thaw before restore)',
  },
  {
    id: 'pve1-config',
    kind: 'config-backup',
    host: 'pve1',
    // config.db is what the documented recovery swaps in (restore-formats §5); /etc/pve is its view, for picking single files.
    paths: ['/etc/pve', '/etc/network', '/var/lib/pve-cluster/config.db'],
    directory: '/var/backups/strata',
    media: 'nvme',
    rpo: '7d',
    description: 'Host configuration archives written by Strata',
  },
  {
    id: 'pve1-config-offsite',
    kind: 'rclone',
    host: 'pve1',
    source: '/var/backups/strata',
    remote: 'offsite:strata-config/pve1',
    media: 'cloud',
    offsite: true,
    rpo: '7d',
    copyOf: ['pve1-config'],
    description: 'The config archives synced to S3 after each archive: what survives the node',
  },
];

/** restic-cloud without pbs1's datastore, and the rclone copy that carries it instead (the `rclone-cold` variant). */
function withRcloneDatastoreCopy(layers: readonly LayerFile[]): LayerFile[] {
  const r = PBS_COPY_REMOTE;
  return layers.flatMap((l): LayerFile[] => {
    if (l.id !== 'restic-cloud') return [l];
    const { copyOf: _copyOf, carriers: _carriers, ...resticCloud } = l;
    return [
      { ...resticCloud, description: 'Docker volumes to S3' },
      {
        id: 'pbs-deep',
        kind: 'rclone',
        host: 'docker1',
        source: '/mnt/usb/pbs',
        remote: `${r.name}:${r.bucket}/${r.prefix}`,
        media: 'cloud',
        offsite: true,
        rpo: '7d',
        copyOf: ['pbs-local'],
        carriers: ['files/docker1:/mnt/usb/pbs'],
        description: `The PBS datastore copied daily to S3 ${r.storageClass} (a thaw of hours before a restore)`,
      },
    ];
  });
}

/** The inventory file for the lab: the layers of examples/homelab.json, hosts on 127.0.0.1 with pinned keys. */
export function homelabInventory(state: LabState, endpoints: Readonly<Record<string, HostEndpoint>>, identityFile: string, datastoreCopy: DatastoreCopy = 'restic'): InventoryFile {
  const extra = Object.keys(state.hosts).filter((n) => /^pve\d+$/.test(n) && n !== 'pve1');
  return {
    version: 1,
    // A node that stands in for a lost one is not in the estate yet: the rebuild trusts it after comparing its key.
    hosts: Object.values(state.hosts).filter((x) => x.replaces === undefined).map((x) => ({
      name: x.name,
      address: '127.0.0.1',
      port: endpoints[x.name]!.port,
      user: 'root',
      identityFile,
      hostKeyFingerprint: endpoints[x.name]!.fingerprint,
      ...(x.pve ? { node: x.pve.node } : {}),
    })),
    layers: [
      ...(datastoreCopy === 'rclone-cold' ? withRcloneDatastoreCopy(HOMELAB_LAYERS) : HOMELAB_LAYERS),
      ...extra.flatMap((node): LayerFile[] => [
        { id: `${node}-snap`, kind: 'pve-snapshots', host: node, media: 'nvme', description: `Guest snapshots on ${node}` },
        { id: `${node}-dump`, kind: 'vzdump', host: node, storage: 'local-backup', media: 'hdd', rpo: '26h', description: `Nightly vzdump archives of ${node}` },
      ]),
    ],
    tiers: [
      { name: 'tier0', rpo: '1d', rto: '4h', copies: 3, media: 2, offsite: 1, retention: 'keep-daily=7,keep-weekly=4,keep-monthly=3', assets: ['host/pve1', 'vm/100', 'vm/101', 'ct/102'] },
      { name: 'tier1', rpo: '1d', rto: '8h', copies: 3, media: 2, offsite: 1, retention: 'keep-daily=7,keep-weekly=4,keep-monthly=2', assets: ['ct/103', 'vm/104', 'ct/105', 'dataset/tank/data', 'files/docker1:/srv/app'] },
      { name: 'tier2', rpo: '7d', rto: '1d', copies: 2, media: 1, offsite: 0, retention: 'keep-daily=5,keep-weekly=2,keep-monthly=0', assets: ['vm/110', 'vm/111'] },
      { name: 'tier3', rpo: '7d', rto: '3d', copies: 2, media: 1, offsite: 0, retention: 'keep-daily=2,keep-weekly=0,keep-monthly=0', assets: ['vm/120', 'vm/121', 'vm/122'] },
    ],
    defaultTier: { copies: 2, media: 1, offsite: 0, rpo: '1d' },
    thresholds: { rpoCritFactor: 2, capacityWarnPercent: 80, capacityCritPercent: 90, clockSkewWarnSeconds: 60 },
    refreshSeconds: 60,
  };
}

