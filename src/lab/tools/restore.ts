/**
 * `qmrestore ARCHIVE VMID` and `pct restore CTID ARCHIVE` as qemu-server and
 * pve-container run them (restore-formats §0, §2): the checks before the
 * task (id in use, lock, storage), then a task that streams its log:
 * - VMA archives: one progress stream over all disks, a line per percent;
 * - PBS snapshots: each disk restored by pbs-restore, progress restarting at 1 %;
 * - containers: no percentage, tar's byte total at the end.
 * Refusals and failures print the tools' own words; a failure after the VM's
 * config was created leaves a stub config (`VM N state is NOT cleaned up`),
 * a failed container is removed. TERM/INT end the data phase; the clean-up
 * ignores them (`got interrupt - ignored`).
 */
import type { ToolContext } from '../shell/types.js';
import { strftime } from '../state/clock.js';
import {
  guestOfTemplate,
  newVolume,
  randomMac,
  storageOf,
  volumeCreated,
  volumeRemoved,
  withMac,
} from '../state/guest-config.js';
import { snapshotByPath } from '../state/pbs.js';
import type { GuestDisk, GuestTemplate, PbsSnapshot, PveGuest, PveState, PveStorage, VzdumpArchive } from '../state/types.js';
import { binaryUnits } from './format.js';
import { has, isArgError, last, parseArgs } from './args.js';
import { paramError, runPveWorker, TaskError, type WorkerRun } from './pve-task.js';

type Source =
  | { kind: 'dir'; storage: PveStorage; archive: VzdumpArchive; path: string; volid: string }
  | { kind: 'pbs'; storage: PveStorage; volid: string; snapPath: string };

const MiB = 2 ** 20;
const NOT_CLEANED = (vmid: number) => `error before or during data restore, some or all disks were not completely restored. VM ${vmid} state is NOT cleaned up.`;
const NOT_CLEANED_AFTER = (vmid: number) => `error after data was restored, VM disks should be OK but config may require adaptions. VM ${vmid} state is NOT cleaned up.`;
const CONNECT_ERROR = 'Error: error trying to connect: tcp connect error: Connection refused (os error 111)';

function resolveArchive(pve: PveState, archive: string): Source | string {
  const volid = /^([a-z][a-z0-9_.-]*[a-z0-9]):backup\/(.+)$/i.exec(archive);
  if (volid) {
    const storage = pve.storages[volid[1]!];
    if (!storage) return `storage '${volid[1]}' does not exist`;
    if (storage.type === 'pbs' && storage.pbs) return { kind: 'pbs', storage, volid: archive, snapPath: volid[2]! };
    const a = storage.archives?.find((x) => x.filename === volid[2]);
    const path = `${storage.path ?? '/var/lib/vz'}/dump/${volid[2]}`;
    if (!a) return `can't find archive file '${path}'`;
    return { kind: 'dir', storage, archive: a, path, volid: archive };
  }
  if (archive.startsWith('/')) {
    for (const storage of Object.values(pve.storages)) {
      const dir = `${storage.path ?? '/var/lib/vz'}/dump/`;
      if (storage.type !== 'dir' || !archive.startsWith(dir)) continue;
      const a = storage.archives?.find((x) => x.filename === archive.slice(dir.length));
      if (a) return { kind: 'dir', storage, archive: a, path: archive, volid: `${storage.id}:backup/${a.filename}` };
    }
    return `can't find archive file '${archive}'`;
  }
  return `unable to parse volume ID '${archive}'`;
}

/** The PBS snapshot behind a source, or why the client could not read it (printed as the client prints it). */
function pbsSnapshot(ctx: ToolContext, src: Extract<Source, { kind: 'pbs' }>): PbsSnapshot | { error: string } {
  const p = src.storage.pbs!;
  if (!ctx.lab.isReachable(p.host)) return { error: CONNECT_ERROR };
  const ds = ctx.lab.state.hosts[p.host]?.pbs?.datastores[p.datastore];
  const snap = ds ? snapshotByPath(ds, src.snapPath) : undefined;
  return snap ?? { error: `Error: unable to find snapshot '${src.snapPath}'` };
}

const repository = (s: PveStorage) => `${s.pbs?.username ?? 'root@pam'}@${s.pbs?.host}:${s.pbs?.datastore}`;

/** Where a volume's block device is (for the log's map and pbs-restore lines). */
function devicePath(pve: PveState, volume: string): string {
  const s = pve.storages[storageOf(volume)];
  const name = volume.split(':')[1] ?? '';
  return s?.type === 'zfspool' ? `/dev/zvol/${s.pool ?? 'rpool/data'}/${name}` : `/dev/pve/${name}`;
}

/** parse_backup_hints: every disk's target storage must exist and hold images (or container dirs). */
function checkTargets(pve: PveState, t: GuestTemplate, chosen: string | undefined, content: 'images' | 'rootdir'): string[] {
  return t.disks.map((d) => {
    const id = chosen ?? (storageOf(d.volume) || 'local');
    const s = pve.storages[id];
    if (!s) throw new TaskError(`storage '${id}' does not exist`);
    if (!s.content.includes(content)) throw new TaskError(`Content type '${content}' is not available on storage '${id}'`);
    return id;
  });
}

/** Thin storages grow by what the guest wrote, shared over its volumes by size. */
function charge(pve: PveState, disks: readonly GuestDisk[], usedBytes: number, sign: 1 | -1): void {
  const total = disks.reduce((n, d) => n + d.size, 0) || 1;
  for (const d of disks) {
    const s = pve.storages[storageOf(d.volume)];
    if (s && s.type !== 'pbs') s.used = Math.max(0, s.used + sign * Math.round((usedBytes * d.size) / total));
  }
}

function allocate(w: WorkerRun, pve: PveState, t: GuestTemplate, vmid: number, targets: readonly string[]): GuestDisk[] {
  const made: GuestDisk[] = [];
  t.disks.forEach((d, i) => {
    const storage = pve.storages[targets[i]!]!;
    const volume = newVolume(pve, storage, t.type, vmid, made.map((m) => m.volume));
    for (const l of volumeCreated(storage, volume)) w.log(l);
    if (t.type === 'qemu') w.log(`new volume ID is '${volume}'`);
    made.push({ key: d.key, volume, size: d.size });
  });
  return made;
}

/** vdisk_free of each volume; it takes a moment (lvremove), during which a signal is only logged. */
async function free(w: WorkerRun, pve: PveState, volumes: readonly GuestDisk[], temporary: boolean): Promise<void> {
  for (const d of volumes) {
    await w.pace(150);
    for (const l of volumeRemoved(pve.storages[storageOf(d.volume)], d.volume)) w.log(l);
    if (temporary) w.log(`temporary volume '${d.volume}' successfully removed`);
  }
}

/** What the restore writes as the guest's config: the backup's, on the new volumes, old disks not in the backup kept as unused. */
function restoredGuest(ctx: ToolContext, vmid: number, t: GuestTemplate, disks: GuestDisk[], kept: readonly GuestDisk[], unique: boolean): PveGuest {
  const g = guestOfTemplate(vmid, t);
  g.disks = disks;
  kept.forEach((d, i) => g.disks.push({ key: `unused${i}`, volume: d.volume, size: d.size }));
  if (unique) for (const k of Object.keys(g.nets)) g.nets[k] = withMac(g.nets[k]!, randomMac(() => ctx.lab.rng.next()));
  return g;
}

interface VmRestore {
  readonly vmid: number;
  readonly src: Source;
  readonly storage?: string;
  readonly unique: boolean;
  readonly live: boolean;
  /** The VM's config before the restore (--force), or undefined for a new id. */
  readonly old?: PveGuest;
}

/**
 * restore_cleanup_oldconf: the old disks the backup also holds are freed
 * before any data is written and old snapshots go; the others stay (as
 * unusedN after a successful restore). Returns those that stay.
 */
async function cleanupOldConf(w: WorkerRun, pve: PveState, stub: PveGuest, old: { disks: GuestDisk[]; used: number } | undefined, t: GuestTemplate): Promise<GuestDisk[]> {
  if (!old) return [];
  const replaced = old.disks.filter((d) => t.disks.some((x) => x.key === d.key));
  await free(w, pve, replaced, false);
  charge(pve, replaced, old.used, -1);
  const kept = old.disks.filter((d) => !replaced.includes(d));
  stub.disks = kept;
  stub.snapshots = [];
  delete stub.current;
  return kept;
}

/** The data phase of a VM restore; the config it writes on success. */
async function restoreVmData(ctx: ToolContext, w: WorkerRun, pve: PveState, stub: PveGuest, r: VmRestore): Promise<PveGuest> {
  const tmp = `/var/tmp/vzdumptmp${ctx.pid}`;
  let t: GuestTemplate;
  let made: GuestDisk[] = [];
  let kept: GuestDisk[] = [];
  const old = r.old && !r.old.stubConfig ? { disks: [...r.old.disks], used: r.old.usedDisk } : undefined;
  // Outside the data phase signals are ignored, so that the clean-up always runs.
  w.onInterrupt({ ignore: 'got interrupt - ignored' });
  if (r.src.kind === 'dir') w.log(`restore vma archive: zstd -q -d -c ${r.src.path} | vma extract -v -r ${tmp}.fifo - ${tmp}`);
  w.onInterrupt({ die: 'interrupted by signal' });
  try {
    if (r.src.kind === 'dir') {
      const a = r.src.archive;
      t = a.guest;
      w.log('CFG: size: 512 name: qemu-server.conf');
      t.disks.forEach((d, i) => w.log(`DEV: dev_id=${i + 1} size: ${d.size} devname: drive-${d.key}`));
      w.log(`CTIME: ${strftime('%a %b %e %H:%M:%S %Y', a.ctime, ctx.host.timeZone)}`);
      const targets = checkTargets(pve, t, r.storage, 'images');
      if (old) toStub(stub, { memory: '128' });
      kept = await cleanupOldConf(w, pve, stub, old, t);
      made = allocate(w, pve, t, r.vmid, targets);
      for (const d of made) w.log(`map 'drive-${d.key}' to '${devicePath(pve, d.volume)}' (write zeros = 0)`);
      await vmaStream(ctx, w, t, r.src);
      w.log(`total bytes read ${sumSize(t)}, sparse bytes ${Math.round(sumSize(t) * 0.58)} (58%)`);
      w.log('space reduction due to 4K zero blocks 0.41%');
    } else {
      const snap = pbsSnapshot(ctx, r.src);
      if ('error' in snap) {
        w.log(snap.error);
        throw new TaskError('proxmox-backup-client failed: exit code 255');
      }
      if (snap.type !== 'vm' || !snap.guest) throw new TaskError("backup does not look like a qemu-server backup (missing 'qemu-server.conf' file)");
      t = snap.guest;
      const targets = checkTargets(pve, t, r.storage, 'images');
      toStub(stub, { memory: '128' });
      kept = await cleanupOldConf(w, pve, stub, old, t);
      made = allocate(w, pve, t, r.vmid, targets);
      if (r.live) {
        // A live restore writes the config and starts the VM first, then streams the disks in.
        w.log('rescan volumes...');
        w.log('starting VM for live-restore');
        stub.status = 'running';
        stub.startedAt = ctx.now();
      }
      for (const d of made) await pbsDisk(ctx, w, pve, r.src, snap, d, r.live);
      if (r.live) w.log('restore-drive jobs finished successfully, removing all tracking block devices');
    }
  } catch (e) {
    w.onInterrupt({ ignore: 'got interrupt - ignored' });
    await free(w, pve, made, true);
    if (stub.status === 'running') {
      stub.status = 'stopped';
      delete stub.startedAt;
    }
    throw e;
  }
  w.onInterrupt({ ignore: 'got interrupt - ignored' });
  const g = restoredGuest(ctx, r.vmid, t, made, kept, r.unique);
  if (r.live) {
    g.status = 'running';
    g.startedAt = stub.startedAt ?? ctx.now();
  }
  charge(pve, made, t.usedDisk, 1);
  if (!r.live) w.log('rescan volumes...');
  return g;
}

const sumSize = (t: GuestTemplate) => t.disks.reduce((n, d) => n + d.size, 0);

/** Simulated seconds a restore of `bytes` takes at `mibPerSec`, and the real pause per step (scaled by the lab). */
function timing(bytes: number, mibPerSec: number, steps: number): { seconds: number; stepMs: number } {
  const seconds = Math.max(1, Math.round(bytes / MiB / mibPerSec));
  // Real restores take minutes: the lab plays them 60 times faster, within 1.5 to 9 s.
  const totalMs = Math.min(9000, Math.max(1500, (seconds * 1000) / 60));
  return { seconds, stepMs: totalMs / steps };
}

/** The job fails here: a damaged archive or snapshot, or an injected failing-job fault. */
function failure(ctx: ToolContext, corrupt: boolean | undefined): string | undefined {
  const f = ctx.fault('failing-job');
  return corrupt ? 'corrupt' : f ? (f.message ?? 'write error') : undefined;
}

async function vmaStream(ctx: ToolContext, w: WorkerRun, t: GuestTemplate, src: Extract<Source, { kind: 'dir' }>): Promise<void> {
  const total = sumSize(t);
  const { seconds, stepMs } = timing(total, 450, 100);
  const fails = failure(ctx, src.archive.corrupt);
  for (let p = 1; p <= 100; p++) {
    await w.pace(stepMs);
    if (fails && p === 50) {
      if (fails === 'corrupt') w.log(`zstd: ${src.path} : Decoding error (36) : Restored data doesn't match checksum`);
      throw new TaskError(`command 'set -o pipefail && zstd -q -d -c ${src.path} | vma extract -v -r /var/tmp/vzdumptmp${ctx.pid}.fifo - /var/tmp/vzdumptmp${ctx.pid}' failed: ${fails === 'corrupt' ? 'exit code 1' : fails}`);
    }
    w.log(`progress ${p}% (read ${Math.floor((total * p) / 100)} bytes, duration ${Math.floor((seconds * p) / 100)} sec)`);
  }
}

async function pbsDisk(ctx: ToolContext, w: WorkerRun, pve: PveState, src: Extract<Source, { kind: 'pbs' }>, snap: PbsSnapshot, d: GuestDisk, live: boolean): Promise<void> {
  const repo = repository(src.storage);
  const dev = devicePath(pve, d.volume);
  const fails = failure(ctx, snap.corrupt);
  const { seconds, stepMs } = timing(d.size * 0.39, 300, live ? 10 : 100);
  if (live) {
    for (let p = 10; p <= 100; p += 10) {
      await w.pace(stepMs);
      w.log(`restore-drive-${d.key}: transferred ${binaryUnits((d.size * p) / 100)} of ${binaryUnits(d.size)} (${p.toFixed(2)}%) in ${Math.round((seconds * p) / 100)}s`);
    }
    w.log(`restore-drive-${d.key}: stream-job finished`);
    return;
  }
  const cmd = `/usr/bin/pbs-restore --repository ${repo} ${src.snapPath} drive-${d.key}.img.fidx ${dev} --verbose --format raw --skip-zero`;
  w.log(`restore proxmox backup image: ${cmd}`);
  w.log(`connecting to repository '${repo}'`);
  w.log('using up to 4 threads');
  w.log(`open block backend for target '${dev}'`);
  w.log(`starting to restore snapshot '${src.snapPath}'`);
  w.log('download and verify backup index');
  w.log('fetching up to 16 chunks in parallel');
  for (let p = 1; p <= 100; p++) {
    await w.pace(stepMs);
    if (fails && p === 3) {
      w.log(`restore failed: ${fails === 'corrupt' ? `can't verify chunk, load failed - store '${src.storage.pbs?.datastore}', unable to load chunk '${'9f3a'.repeat(16)}' - blob has wrong CRC checksum` : fails}`);
      throw new TaskError(`command '${cmd}' failed: exit code 255`);
    }
    const read = Math.floor((d.size * p) / 100);
    w.log(`progress ${p}% (read ${read} bytes, zeroes = 61% (${Math.floor(read * 0.61)} bytes), duration ${Math.floor((seconds * p) / 100)} sec)`);
  }
  w.log(`restore image complete (bytes=${d.size}, duration=${seconds.toFixed(2)}s, speed=${(d.size / MiB / seconds).toFixed(2)}MB/s)`);
}

/** The temporary config a restore writes over the old one (`memory: 128`). */
function toStub(g: PveGuest, config: Record<string, string>): void {
  g.stubConfig = config;
  g.maxmem = Number(config.memory ?? 512) * MiB;
  g.name = '';
  g.nets = {};
  delete g.protection;
  delete g.agent;
}

/** A VM config being created: the `lock: create` config PVE writes first, nothing else yet. */
function lockedStub(vmid: number, type: 'qemu' | 'lxc'): PveGuest {
  return { vmid, type, name: '', status: 'stopped', template: false, maxcpu: 1, maxmem: 512 * MiB, maxdisk: 0, usedDisk: 0, disks: [], nets: {}, snapshots: [], stubConfig: {}, lock: 'create' };
}

const RESTORE_OPTIONS = { long: { storage: 'value', force: 'bool', unique: 'bool', 'live-restore': 'bool', start: 'bool', pool: 'value', bwlimit: 'value', 'ha-managed': 'bool' }, singleDashLong: true } as const;
const PCT_OPTIONS = { long: { storage: 'value', force: 'bool', unique: 'bool', start: 'bool', pool: 'value', bwlimit: 'value', unprivileged: 'bool', 'ignore-unpack-errors': 'bool', rootfs: 'value', 'ha-managed': 'bool' }, singleDashLong: true } as const;

/** Getopt::Long's words for an option the command does not take, then PVE's (restore-formats §0). */
export function unknownOption(ctx: ToolContext, option: string, usage: string): number {
  ctx.err(`Unknown option: ${option.replace(/^-+/, '')}\n400 unable to parse option\n${usage}\n`);
  return 255;
}

const noun = (g: PveGuest) => (g.type === 'qemu' ? 'VM' : 'CT');

export async function qmrestore(ctx: ToolContext): Promise<number> {
  const usage = 'qmrestore <archive> <vmid> [OPTIONS]';
  const pve = ctx.host.pve;
  if (!pve) {
    ctx.err('ipcc_send_rec[1] failed: Connection refused\n');
    return 255;
  }
  const args = parseArgs(ctx.argv.slice(1), RESTORE_OPTIONS);
  if (isArgError(args)) return args.error === 'unknown-option' ? unknownOption(ctx, args.option, usage) : paramError(ctx, { [args.option]: 'property requires a value' }, usage);
  const [archive, vmidText, ...extra] = args.positionals;
  if (archive === undefined || vmidText === undefined || extra.length > 0) {
    ctx.err(`400 ${extra.length > 0 ? 'too many' : 'not enough'} arguments\n${usage}\n`);
    return 255;
  }
  if (!/^[1-9]\d{2,8}$/.test(vmidText)) return paramError(ctx, { vmid: 'value must be at least 100' }, usage);
  const vmid = Number(vmidText);
  const src = resolveArchive(pve, archive);
  if (typeof src === 'string') {
    ctx.err(`${src}\n`);
    return 255;
  }
  if (src.kind === 'dir' && src.archive.subtype !== 'qemu') {
    ctx.err(`unable to restore VM ${vmid} - got strange VMA file '${archive}'\n`);
    return 255;
  }
  const old = pve.guests[vmidText];
  const force = has(args, 'force');
  const emsg = `unable to restore VM ${vmid} -`;
  // create_and_lock_config: the id must be free (or this VM, with --force), and not locked.
  if (old && (!force || old.type !== 'qemu')) {
    ctx.err(`${emsg} ${noun(old)} ${vmid} already exists on node '${pve.node}'\n`);
    return 255;
  }
  if (old?.lock) {
    ctx.err(`${emsg} VM is locked (${old.lock})\n`);
    return 255;
  }
  const stub = old ?? lockedStub(vmid, 'qemu');
  stub.lock = 'create';
  pve.guests[vmidText] = stub;
  const live = has(args, 'live-restore');
  const storage = last(args, 'storage');
  return runPveWorker(ctx, pve, { type: 'qmrestore', id: vmidText }, async (w) => {
    let restoredData = false;
    try {
      if (old?.protection) throw new TaskError(`${emsg} protection mode enabled`);
      if (old?.status === 'running') throw new TaskError(`${emsg} vm is running`);
      if (src.kind === 'pbs' && !ctx.lab.isReachable(src.storage.pbs!.host)) {
        w.log(`Could not extract backed up config: proxmox-backup-client failed: ${CONNECT_ERROR}`);
        w.log('Skipping early checks!');
      }
      if (live && src.kind !== 'pbs') throw new TaskError('live-restore is only compatible with backup images from a Proxmox Backup Server');
      const g = await restoreVmData(ctx, w, pve, stub, { vmid, src, ...(storage !== undefined ? { storage } : {}), unique: has(args, 'unique'), live, ...(old ? { old } : {}) });
      restoredData = true;
      pve.guests[vmidText] = g;
      if (has(args, 'start') && !live) {
        w.log('Execute autostart');
        g.status = 'running';
        g.startedAt = ctx.now();
      }
    } catch (e) {
      delete pve.guests[vmidText]?.lock;
      w.log(restoredData ? NOT_CLEANED_AFTER(vmid) : NOT_CLEANED(vmid));
      throw e;
    }
  });
}

/** `pct restore CTID ARCHIVE [OPTIONS]` (called by pct). */
export async function pctRestore(ctx: ToolContext): Promise<number> {
  const usage = 'pct restore <vmid> <ostemplate> [OPTIONS]';
  const pve = ctx.host.pve!;
  const args = parseArgs(ctx.argv.slice(2), PCT_OPTIONS);
  if (isArgError(args)) return args.error === 'unknown-option' ? unknownOption(ctx, args.option, usage) : paramError(ctx, { [args.option]: 'property requires a value' }, usage);
  const [vmidText, archive, ...extra] = args.positionals;
  if (archive === undefined || vmidText === undefined || extra.length > 0) {
    ctx.err(`400 ${extra.length > 0 ? 'too many' : 'not enough'} arguments\n${usage}\n`);
    return 255;
  }
  if (!/^[1-9]\d{2,8}$/.test(vmidText)) return paramError(ctx, { vmid: 'value must be at least 100' }, usage);
  const vmid = Number(vmidText);
  const emsg = `unable to restore CT ${vmid} -`;
  const old = pve.guests[vmidText];
  const force = has(args, 'force');
  if (old && !(old.type === 'lxc' && force)) {
    ctx.err(`${noun(old)} ${vmid} already exists on node '${pve.node}'\n`);
    return 255;
  }
  if (old?.status === 'running') {
    ctx.err("can't overwrite running container\n");
    return 255;
  }
  if (old?.protection) {
    ctx.err(`${emsg} protection mode enabled\n`);
    return 255;
  }
  const src = resolveArchive(pve, archive);
  if (typeof src === 'string') {
    ctx.err(`${src}\n`);
    return 255;
  }
  if (src.kind === 'dir' && src.archive.subtype !== 'lxc') {
    ctx.err(`${emsg} unable to detect OS distribution from the archive\n`);
    return 255;
  }
  // pct restore puts the container on `local` unless told otherwise, whatever the backup said.
  const storageId = last(args, 'storage') ?? 'local';
  const storage = pve.storages[storageId];
  if (!storage) {
    ctx.err(`storage '${storageId}' does not exist\n`);
    return 255;
  }
  if (!storage.content.includes('rootdir')) return paramError(ctx, { storage: `storage '${storageId}' does not support container directories` }, usage);
  if (old?.lock) {
    ctx.err(`${emsg} CT is locked (${old.lock})\n`);
    return 255;
  }
  const stub = old ?? lockedStub(vmid, 'lxc');
  stub.lock = 'create';
  pve.guests[vmidText] = stub;
  return runPveWorker(ctx, pve, { type: 'vzrestore', id: vmidText }, async (w) => {
    const made: GuestDisk[] = [];
    let changed = false;
    try {
      w.log(`recovering backed-up configuration from '${src.volid}'`);
      let t: GuestTemplate;
      let snap: PbsSnapshot | undefined;
      if (src.kind === 'pbs') {
        const s = pbsSnapshot(ctx, src);
        if ('error' in s) throw new TaskError(`proxmox-backup-client failed: ${s.error}`);
        if (s.type !== 'ct' || !s.guest) throw new TaskError(`got unexpected backup format 'pbs-vm'`);
        snap = s;
        t = s.guest;
      } else t = src.archive.guest;
      changed = true;
      for (const d of t.disks) {
        const volume = newVolume(pve, storage, 'lxc', vmid, made.map((m) => m.volume));
        for (const l of volumeCreated(storage, volume)) w.log(l);
        if (storage.type === 'lvmthin') w.log(`Creating filesystem with ${Math.round(d.size / 4096)} 4k blocks and ${Math.round(d.size / 16384)} inodes`);
        made.push({ key: d.key, volume, size: d.size });
      }
      if (old && !old.stubConfig) {
        // destroy_lxc_container: the old volumes go before anything is extracted.
        await free(w, pve, old.disks, false);
        charge(pve, old.disks, old.usedDisk, -1);
        stub.disks = [];
        stub.stubConfig = {};
        stub.snapshots = [];
      }
      w.log(`restoring '${src.volid}' now..`);
      if (src.kind === 'dir') w.log(`extracting archive '${src.path}'`);
      const { seconds, stepMs } = timing(t.usedDisk, 160, 8);
      const fails = failure(ctx, src.kind === 'pbs' ? snap?.corrupt : src.archive.corrupt);
      for (let i = 1; i <= 8; i++) {
        await w.pace(stepMs);
        if (fails && i === 4) {
          if (src.kind === 'pbs') {
            w.log(`Error: ${fails === 'corrupt' ? `can't verify chunk, load failed - store '${src.storage.pbs?.datastore}', unable to load chunk '${'9f3a'.repeat(16)}' - blob has wrong CRC checksum` : fails}`);
            throw new TaskError(`command 'lxc-usernsexec -m u:0:100000:65536 -m g:0:100000:65536 -- /usr/bin/proxmox-backup-client restore '--crypt-mode=none' ${src.snapPath} root.pxar /var/lib/lxc/${vmid}/rootfs --allow-existing-dirs --repository ${repository(src.storage)}' failed: exit code 255`);
          }
          w.log(`zstd: ${src.path} : Decoding error (36) : Restored data doesn't match checksum`);
          throw new TaskError(`command 'lxc-usernsexec -m u:0:100000:65536 -m g:0:100000:65536 -- tar xpf - --zstd --totals --one-file-system -p --sparse --numeric-owner --acls --xattrs '--xattrs-include=user.*' '--xattrs-include=security.capability' '--warning=no-file-ignored' '--warning=no-xattr-write' -C /var/lib/lxc/${vmid}/rootfs --skip-old-files --anchored --exclude './dev/*'' failed: exit code 2`);
        }
      }
      if (src.kind === 'dir') w.log(`Total bytes read: ${t.usedDisk} (${binaryUnits(t.usedDisk)}, ${binaryUnits(t.usedDisk / seconds)}/s)`);
      w.log('Detected container architecture: amd64');
      w.log('merging backed-up and given configuration..');
      const g = restoredGuest(ctx, vmid, t, made, [], has(args, 'unique'));
      charge(pve, made, t.usedDisk, 1);
      pve.guests[vmidText] = g;
      if (has(args, 'start')) {
        g.status = 'running';
        g.startedAt = ctx.now();
      }
    } catch (e) {
      w.onInterrupt({ ignore: 'got interrupt - ignored' });
      await free(w, pve, made, false);
      // Once volumes were made the container is destroyed on error, an old one included (pve-container create_vm).
      if (changed || !old) delete pve.guests[vmidText];
      else delete stub.lock;
      const msg = e instanceof TaskError ? e.message : 'received interrupt';
      throw new TaskError(`${emsg} ${msg}`);
    }
  });
}
