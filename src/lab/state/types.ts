/**
 * The simulated homelab's state: plain, serialisable data. Simulated tools read
 * it to answer and change it when they act (a vzdump run adds an archive and a
 * task, a rollback removes newer snapshots). Times are epoch seconds of the
 * real clock; each host adds its own skew when it reports time.
 */

export interface LabState {
  readonly version: 1;
  /** Real time (epoch seconds) at which the history was generated: it ends here. */
  readonly createdAt: number;
  readonly hosts: Record<string, HostState>;
  /** What lives outside every host: S3 buckets and the restic repositories in them. */
  readonly cloud: CloudState;
}

/** Software installed on a host; decides which programs exist there. */
export type HostPackage = 'pve' | 'pbs' | 'pbs-client' | 'zfs' | 'sanoid' | 'restic' | 'rclone' | 'pass';

export interface HostState {
  /** Inventory name. */
  readonly name: string;
  /** What `hostname` prints. */
  hostname: string;
  /** IANA zone of the host's local time (archive names, sanoid names, `date +%z`). */
  timeZone: string;
  /** Host clock minus real clock, in seconds. */
  clockSkewSeconds: number;
  packages: HostPackage[];
  fs: SimFs;
  pve?: PveState;
  pbs?: PbsState;
  zfs?: ZfsState;
  /** restic repositories on a local path of this host, by absolute path. */
  resticRepos?: Record<string, ResticRepo>;
  /** Remotes of this host's rclone.conf, by name. */
  rcloneRemotes?: Record<string, RcloneRemote>;
  /** Versions of the tools whose behaviour changes between versions (defaults in state/tool-versions.ts). */
  tools?: HostTools;
  /** Snapshots whose VM images proxmox-file-restore has booted its helper VM for (later calls are quick). */
  fileRestoreVms?: string[];
  /** Next PID handed to a simulated process. */
  nextPid: number;
  /** Network links as `ip link` lists them (a default set when absent). */
  links?: HostLink[];
  /** A freshly installed node that stands in for the lost host of this name (the disaster scenario's rebuild target). */
  replaces?: string;
}

export interface HostLink {
  readonly ifname: string;
  readonly mac: string;
  readonly mtu: number;
  readonly up: boolean;
  /** A bridge's port (`master` in `ip link`). */
  readonly master?: string;
  /** `ether` or `loopback`. */
  readonly linkType: 'ether' | 'loopback';
  readonly address?: string;
}

/** `0.14.0`, `1.60.1`, `3.2.7`: a host's tools, switchable per host so each version's output is exercised. */
export interface HostTools {
  restic?: string;
  rclone?: string;
  /** proxmox-backup-client and proxmox-file-restore. */
  pbsClient?: string;
  /** The PBS server (proxmox-backup-manager). */
  pbsServer?: string;
}

// ---------------------------------------------------------------------------
// Files

export interface SimFile {
  size: number;
  /** Modification time, epoch seconds (fractional allowed). */
  mtime: number;
  /** Text content, when it matters (secrets, configs). */
  content?: string;
  /** Permission bits (`chmod`, `stat -c %a`); 0644 when absent. */
  mode?: number;
  /** For archives made by `tar`: the paths inside. */
  members?: string[];
  /** The MD5 of an object this file was copied from (rclone keeps the object's hash). */
  md5?: string;
  /** `user:group` (`chown`); root:root when absent. */
  owner?: string;
}

/** A file tree by absolute path inside the tree (`/etc/hosts`): what a snapshot or an archive holds. */
export type FileSet = Record<string, SimFile>;

export interface SimFs {
  /** Absolute path -> file. */
  files: Record<string, SimFile>;
  /** Directories that exist even when empty (parents of files exist implicitly). */
  dirs: string[];
  /** `user:group` of directories `chown` gave away (root:root when absent). */
  dirOwners?: Record<string, string>;
}

// ---------------------------------------------------------------------------
// Proxmox VE

export interface PveState {
  node: string;
  guests: Record<string, PveGuest>;
  storages: Record<string, PveStorage>;
  backupJobs: PveBackupJob[];
  /** Oldest first. */
  tasks: PveTask[];
  /** `systemctl stop pve-cluster`: /etc/pve is unmounted and the PVE tools cannot reach pmxcfs. */
  pmxcfsStopped?: boolean;
}

export type GuestType = 'qemu' | 'lxc';

export interface PveGuest {
  vmid: number;
  type: GuestType;
  name: string;
  status: 'running' | 'stopped';
  template: boolean;
  tags?: string;
  maxcpu: number;
  maxmem: number;
  /** Bytes of the boot disk (what /cluster/resources reports as maxdisk). */
  maxdisk: number;
  /** Used bytes inside the guest (what compresses into the archive). */
  usedDisk: number;
  /** scsi0, scsi1 (VMs) or rootfs, mp0 (containers), then unusedN, in config order. */
  disks: GuestDisk[];
  /** netN -> the property string (`virtio=BC:24:11:00:7A:01,bridge=vmbr0,firewall=1`). */
  nets: Record<string, string>;
  /** VMs: the QEMU guest agent is configured and installed in the guest. */
  agent?: boolean;
  /** `protection: 1`: PVE refuses to remove it or restore over it. */
  protection?: boolean;
  /** Epoch when it was started, when running. */
  startedAt?: number;
  lock?: string;
  /** Every backup of this guest fails with this message (a failing disk). */
  backupError?: string;
  snapshots: PveSnapshot[];
  /** Name of the snapshot the running state descends from (the `current` entry's parent). */
  current?: string;
  /**
   * What a failed restore left instead of a config (restore-formats §2.3):
   * `{}` or `{memory: '128'}`. The guest exists, without disks or NICs.
   */
  stubConfig?: Record<string, string>;
}

export interface GuestDisk {
  /** scsi0, rootfs, mp0, unused0 */
  key: string;
  /** `local-lvm:vm-100-disk-0` */
  volume: string;
  size: number;
}

export interface PveSnapshot {
  name: string;
  snaptime: number;
  description: string;
  parent?: string;
  vmstate?: 0 | 1;
  snapstate?: 'prepare' | 'delete';
}

export interface PveStorage {
  id: string;
  type: 'dir' | 'pbs' | 'zfspool' | 'lvmthin';
  content: string[];
  /** Directory storages: their path; archives live in `<path>/dump`. */
  path?: string;
  total: number;
  used: number;
  shared: 0 | 1;
  /** `disable` in storage.cfg: listed, never activated. */
  disabled?: boolean;
  archives?: VzdumpArchive[];
  /** PBS storages: the lab host serving the datastore; `server` as storage.cfg names it (default the host's name). */
  pbs?: { host: string; datastore: string; username: string; server?: string; namespace?: string; fingerprint?: string };
  /** zfspool storages: the dataset holding the volumes. */
  pool?: string;
}

export interface VzdumpArchive {
  /** `vzdump-qemu-100-2024_01_31-02_00_01.vma.zst` (node local time in the name). */
  filename: string;
  vmid: number;
  subtype: GuestType;
  format: string;
  size: number;
  ctime: number;
  notes?: string;
  protected?: boolean;
  /** The file is damaged: `zstd -t` fails on it. */
  corrupt?: boolean;
  /** The guest as it was when backed up (what a restore creates). */
  guest: GuestTemplate;
}

/** Enough of a guest to recreate it on restore. */
export interface GuestTemplate {
  type: GuestType;
  name: string;
  maxcpu: number;
  maxmem: number;
  maxdisk: number;
  usedDisk: number;
  tags?: string;
  /** The disks as they were backed up (a restore without --storage puts each back on its storage). */
  disks: GuestDisk[];
  nets: Record<string, string>;
  agent?: boolean;
}

export interface PveBackupJob {
  id: string;
  schedule: string;
  enabled: 0 | 1;
  storage: string;
  mode: 'snapshot' | 'suspend' | 'stop';
  compress: string;
  vmid?: string;
  all?: 0 | 1;
  exclude?: string;
  'prune-backups'?: Record<string, string>;
  'notes-template'?: string;
  comment?: string;
  'repeat-missed'?: 0 | 1;
  'notification-mode'?: string;
  /** Hour and minute (node local) the scheduler starts it; derived from schedule. */
  at: { hour: number; minute: number };
}

export interface PveTask {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  endtime?: number;
  /** `OK`, `WARNINGS: N`, or the error text; absent while running. */
  status?: string;
  /** Lines of the task log; for history tasks, produced on demand from `guests`. */
  log?: string[];
  /** For vzdump tasks of the history: what happened per guest (compact). */
  guests?: TaskGuestResult[];
  storage?: string;
  /** Set while the task runs. */
  running?: boolean;
}

export interface TaskGuestResult {
  vmid: number;
  ok: boolean;
  error?: string;
  /** Volid or archive path written. */
  target?: string;
  sizeBytes?: number;
  seconds: number;
}

// ---------------------------------------------------------------------------
// Proxmox Backup Server

export interface PbsState {
  datastores: Record<string, PbsDatastore>;
  verifyJobs: PbsVerifyJob[];
  syncJobs: PbsSyncJob[];
  pruneJobs: PbsPruneJob[];
  /** Remotes (for sync jobs): name -> the lab host and its auth id. */
  remotes: Record<string, { host: string; authId: string }>;
  /** API token secrets by auth id (`user@realm!name`) and user passwords by user id. */
  credentials: Record<string, string>;
  /** SHA-256 fingerprint of the server certificate, `aa:bb:...`. */
  certFingerprint: string;
  /** acl.cfg: who may do what where (root@pam may do everything); absent, the lab does not check. */
  acl?: PbsAclEntry[];
  /** Oldest first. */
  tasks: PbsTask[];
  nextTaskId: number;
}

export type PbsBackupType = 'vm' | 'ct' | 'host';

/** One line of acl.cfg, as `acl list` prints it. */
export interface PbsAclEntry {
  path: string;
  /** A user (`strata@pbs`) or an API token (`strata@pbs!ro`). */
  ugid: string;
  propagate: boolean;
  roleid: string;
}

export interface PbsDatastore {
  name: string;
  path: string;
  total: number;
  used: number;
  comment?: string;
  gcSchedule?: string;
  snapshots: PbsSnapshot[];
  lastGc?: PbsGcStatus;
}

export interface PbsSnapshot {
  type: PbsBackupType;
  id: string;
  time: number;
  files: { filename: string; size: number; cryptMode: 'none' | 'encrypt' | 'sign-only' }[];
  owner: string;
  protected: boolean;
  comment?: string;
  verification?: { state: 'ok' | 'failed'; upid: string };
  /** Chunks are damaged: the next verify fails. */
  corrupt?: boolean;
  /** Still being written. */
  partial?: boolean;
  /** What a restore of this snapshot creates. */
  guest?: GuestTemplate;
  /** The files of each pxar archive (`root.pxar.didx`); history snapshots without it get a generated tree. */
  archives?: Record<string, FileSet>;
}

export interface PbsGcStatus {
  upid: string;
  'index-file-count': number;
  'index-data-bytes': number;
  'disk-bytes': number;
  'disk-chunks': number;
  'removed-bytes': number;
  'removed-chunks': number;
  'pending-bytes': number;
  'pending-chunks': number;
  'removed-bad': number;
  'still-bad': number;
}

export interface PbsVerifyJob {
  id: string;
  store: string;
  schedule: string;
  'ignore-verified': boolean;
  'outdated-after'?: number;
  comment?: string;
}

export interface PbsSyncJob {
  id: string;
  store: string;
  remote: string;
  'remote-store': string;
  schedule: string;
  'remove-vanished': boolean;
  owner?: string;
  comment?: string;
  /** PBS 3.3 group filters as sync.cfg holds them (`exclude:group:vm/111`, `type:ct`, `regex:...`). */
  'group-filter'?: string[];
}

export interface PbsPruneJob {
  id: string;
  store: string;
  schedule: string;
  keep: Record<string, number>;
  disable?: boolean;
  comment?: string;
}

export interface PbsTask {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  taskId: number;
  starttime: number;
  workerType: string;
  workerId?: string;
  user: string;
  endtime?: number;
  status?: string;
  log?: string[];
  running?: boolean;
}

// ---------------------------------------------------------------------------
// ZFS

export interface ZfsState {
  pools: Record<string, ZfsPool>;
  datasets: Record<string, ZfsDataset>;
  nextTxg: number;
  /** Pools on the host's disks that are not imported (`zpool import` lists them), with their datasets. */
  exported?: Record<string, { pool: ZfsPool; datasets: Record<string, ZfsDataset> }>;
}

export interface ZfsVdev {
  name: string;
  state: string;
  read: number;
  write: number;
  cksum: number;
  note?: string;
  children?: ZfsVdev[];
}

export interface ZfsScan {
  state: 'finished' | 'scanning' | 'canceled';
  start: number;
  end?: number;
  repairedBytes: number;
  errors: number;
}

export interface ZfsPool {
  name: string;
  size: number;
  alloc: number;
  frag: number;
  health: 'ONLINE' | 'DEGRADED' | 'FAULTED' | 'UNAVAIL';
  vdevs: ZfsVdev[];
  /** `status:` and `action:` texts for an unhealthy pool. */
  status?: string;
  action?: string;
  see?: string;
  dataErrors: number;
  scan?: ZfsScan;
}

export interface ZfsDataset {
  name: string;
  type: 'filesystem' | 'volume';
  used: number;
  referenced: number;
  mountpoint?: string;
  creation: number;
  guid: string;
  snapshots: ZfsSnapshot[];
  /** A clone: the snapshot it was made from (`tank/data@daily`). */
  origin?: string;
  /** `zfs clone -o readonly=on` / `zfs set readonly=on`. */
  readonly?: boolean;
}

export interface ZfsSnapshot {
  /** The part after `@`. */
  name: string;
  creation: number;
  used: number;
  referenced: number;
  guid: string;
  createtxg: number;
  /** The dataset's files at the snapshot, relative to its mountpoint (`/documents/x.ods`). */
  files?: FileSet;
}

// ---------------------------------------------------------------------------
// restic and rclone

export interface ResticRepo {
  id: string;
  password: string;
  chunkerPolynomial: string;
  snapshots: ResticSnapshot[];
  /** Bytes stored (packed). */
  storedBytes: number;
  /** A lock held by another process. */
  lock?: { pid: number; host: string; user: string; time: number; exclusive: boolean };
  /** Packs are damaged: `check` fails. */
  corrupt?: boolean;
  /** Cloud repositories: credentials the backend wants (AWS_ACCESS_KEY_ID -> secret). */
  s3Credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface ResticSnapshot {
  id: string;
  /** RFC 3339 with the creating host's offset. */
  time: string;
  parent?: string;
  tree: string;
  paths: string[];
  hostname: string;
  username: string;
  tags?: string[];
  program_version?: string;
  summary?: ResticSummary;
  /** Files in the snapshot: path -> size (for restore and stats). */
  fileCount: number;
  totalBytes: number;
  /** The files the snapshot holds, by absolute path (what `ls` lists and `restore` writes). */
  files?: FileSet;
}

export interface ResticSummary {
  backup_start: string;
  backup_end: string;
  files_new: number;
  files_changed: number;
  files_unmodified: number;
  dirs_new: number;
  dirs_changed: number;
  dirs_unmodified: number;
  data_blobs: number;
  tree_blobs: number;
  data_added: number;
  data_added_packed: number;
  total_files_processed: number;
  total_bytes_processed: number;
}

export interface RcloneRemote {
  type: 's3' | 'local';
  provider?: string;
  /** S3: storage class new objects get (GLACIER, DEEP_ARCHIVE, STANDARD). */
  storageClass?: string;
}

export interface CloudObject {
  size: number;
  /** Modification time of the source file, epoch seconds (fractional allowed). */
  modTime: number;
  tier: string;
  md5: string;
  /** What the file held, when the lab keeps it (a PBS manifest): a download writes it back. */
  content?: string;
  /** Glacier objects: readable until this time after a restore request completed. */
  restoredUntil?: number;
  /** Glacier objects: a restore request is in progress until this time. */
  restoreReadyAt?: number;
  /** The priority the pending or done restore was asked with. */
  restorePriority?: string;
}

export interface CloudState {
  /** Bucket name -> object key -> object. */
  buckets: Record<string, Record<string, CloudObject>>;
  /** The keys a bucket answers to (S3 refuses others); a bucket without takes any request. */
  bucketKeys?: Record<string, { accessKeyId: string; secretAccessKey: string }>;
  /** restic repositories on object storage, by repository string (`s3:https://.../bucket`). */
  resticRepos: Record<string, ResticRepo>;
}
