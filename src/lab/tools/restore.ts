/**
 * `qmrestore ARCHIVE VMID` and `pct restore CTID ARCHIVE`: a guest restored
 * from a vzdump archive (path or volid) or a PBS snapshot (volid), as a task
 * that streams its progress. Restoring onto an existing VMID fails without
 * `--force` and overwrites with it; a snapshot whose chunks are damaged fails.
 */
import type { ToolContext } from '../shell/types.js';
import { snapshotByPath } from '../state/pbs.js';
import type { GuestTemplate, PbsSnapshot, PveGuest, PveState, PveStorage, VzdumpArchive } from '../state/types.js';
import { has, isArgError, last, parseArgs } from './args.js';
import { paramError, runPveTask, TaskError } from './pve-task.js';

type Source =
  | { kind: 'dir'; storage: PveStorage; archive: VzdumpArchive; path: string; volid: string }
  | { kind: 'pbs'; storage: PveStorage; snapshot: PbsSnapshot; volid: string; snapPath: string };

function resolveArchive(ctx: ToolContext, pve: PveState, archive: string): Source | string {
  const volid = /^([a-z][a-z0-9_.-]*[a-z0-9]):backup\/(.+)$/i.exec(archive);
  if (volid) {
    const storage = pve.storages[volid[1]!];
    if (!storage) return `storage '${volid[1]}' does not exist`;
    if (storage.type === 'pbs' && storage.pbs) {
      if (!ctx.lab.isReachable(storage.pbs.host)) return `error fetching datastores - 500 Can't connect to ${storage.pbs.host}:8007 (Connection refused)`;
      const ds = ctx.lab.state.hosts[storage.pbs.host]?.pbs?.datastores[storage.pbs.datastore];
      const snap = ds ? snapshotByPath(ds, volid[2]!) : undefined;
      if (!snap) return `restore failed: unable to find snapshot '${volid[2]}'`;
      return { kind: 'pbs', storage, snapshot: snap, volid: archive, snapPath: volid[2]! };
    }
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

function newGuest(vmid: number, t: GuestTemplate, storage: string): PveGuest {
  return {
    vmid,
    type: t.type,
    name: t.name,
    status: 'stopped',
    template: false,
    ...(t.tags !== undefined ? { tags: t.tags } : {}),
    maxcpu: t.maxcpu,
    maxmem: t.maxmem,
    maxdisk: t.maxdisk,
    usedDisk: t.usedDisk,
    disk: t.type === 'qemu' ? { key: 'scsi0', volume: `${storage}:vm-${vmid}-disk-0` } : { key: 'rootfs', volume: `${storage}:subvol-${vmid}-disk-0` },
    snapshots: [],
  };
}

const RESTORE_OPTIONS = { long: { storage: 'value', force: 'bool', unique: 'bool', 'live-restore': 'bool', start: 'bool', pool: 'value', bwlimit: 'value' }, singleDashLong: true } as const;

async function restore(ctx: ToolContext, kind: 'qemu' | 'lxc', vmidText: string | undefined, archive: string | undefined, rest: readonly string[], usage: string): Promise<number> {
  const pve = ctx.host.pve;
  if (!pve) {
    ctx.err('ipcc_send_rec[1] failed: Connection refused\n');
    return 255;
  }
  const args = parseArgs(rest, RESTORE_OPTIONS);
  if (isArgError(args)) return paramError(ctx, { [args.option.replace(/^-+/, '')]: 'property is not defined in schema and the schema does not allow additional properties' }, usage);
  if (vmidText === undefined || archive === undefined) {
    ctx.err(`400 not enough arguments\n${usage}\n`);
    return 255;
  }
  if (args.positionals.length > 0) {
    ctx.err(`400 too many arguments\n${usage}\n`);
    return 255;
  }
  if (!/^[1-9]\d{2,8}$/.test(vmidText)) return paramError(ctx, { vmid: `value must be at least 100` }, usage);
  const vmid = Number(vmidText);
  const noun = kind === 'qemu' ? 'VM' : 'CT';
  const storageId = last(args, 'storage') ?? 'local-lvm';
  const existing = pve.guests[vmidText];
  if (existing && !has(args, 'force')) {
    ctx.err(`unable to restore ${noun} ${vmid} - ${existing.type === 'qemu' ? 'VM' : 'CT'} ${vmid} already exists on node '${pve.node}'\n`);
    return 255;
  }
  if (existing && existing.status === 'running') {
    ctx.err(`unable to restore ${noun} ${vmid} - ${kind === 'qemu' ? 'VM is running' : "can't overwrite running container"}\n`);
    return 255;
  }
  const src = resolveArchive(ctx, pve, archive);
  if (typeof src === 'string') {
    ctx.err(`${src}\n`);
    return 255;
  }
  const template = src.kind === 'dir' ? src.archive.guest : src.snapshot.guest;
  const subtype = src.kind === 'dir' ? src.archive.subtype : src.snapshot.type === 'vm' ? 'qemu' : 'lxc';
  if (subtype !== kind || !template) {
    ctx.err(kind === 'qemu' ? `unable to restore VM ${vmid} - got strange VMA file '${archive}'\n` : `unable to restore CT ${vmid} - unable to detect OS distribution from the archive\n`);
    return 255;
  }
  return runPveTask(ctx, pve, { type: kind === 'qemu' ? 'qmrestore' : 'vzrestore', id: vmidText }, async (t) => {
    const disk = template.maxdisk;
    const steps = 8;
    const vol = kind === 'qemu' ? `${storageId}:vm-${vmid}-disk-0` : `${storageId}:subvol-${vmid}-disk-0`;
    if (kind === 'lxc') {
      t.log(`recovering backed-up configuration from '${src.volid}'`);
      t.log(`restoring '${src.volid}' now..`);
    }
    if (src.kind === 'dir') {
      if (kind === 'qemu') {
        t.log(`restore vma archive: zstd -q -d -c ${src.path} | vma extract -v -r /var/tmp/vzdumptmp${ctx.pid}.fifo - /var/tmp/vzdumptmp${ctx.pid}`);
        t.log('CFG: size: 452 name: qemu-server.conf');
        t.log(`DEV: dev_id=1 size: ${disk} devname: drive-scsi0`);
        t.log(`new volume ID is '${vol}'`);
        t.log(`map 'drive-scsi0' to '/dev/pve/vm-${vmid}-disk-0' (write zeros = 0)`);
      } else t.log(`extracting archive '${src.path}'`);
    } else {
      const repo = `${src.storage.pbs?.username ?? 'root@pam'}@${src.storage.pbs?.host}:${src.storage.pbs?.datastore}`;
      if (kind === 'qemu') {
        t.log(`new volume ID is '${vol}'`);
        t.log(`restore proxmox backup image: /usr/bin/pbs-restore --repository ${repo} ${src.snapPath} drive-scsi0.img.fidx /dev/pve/vm-${vmid}-disk-0 --verbose --format raw --skip-zero`);
        t.log(`connecting to repository '${repo}'`);
        t.log(`open block backend for target '/dev/pve/vm-${vmid}-disk-0'`);
        t.log(`starting to restore snapshot '${src.snapPath}'`);
        t.log('download and verify backup index');
      }
    }
    for (let i = 1; i <= steps; i++) {
      await ctx.pace(220);
      if (src.kind === 'pbs' && src.snapshot.corrupt && i === Math.ceil(steps / 2)) {
        throw new TaskError(
          kind === 'qemu'
            ? `command '/usr/bin/pbs-restore --repository ... ${src.snapPath} drive-scsi0.img.fidx /dev/pve/vm-${vmid}-disk-0 --verbose --format raw --skip-zero' failed: exit code 255`
            : `unable to restore CT ${vmid} - command 'lxc-usernsexec -m u:0:100000:65536 -m g:0:100000:65536 -- /usr/bin/proxmox-backup-client restore '--crypt-mode=none' ${src.snapPath} root.pxar /var/lib/lxc/${vmid}/rootfs --allow-existing-dirs --repository ...' failed: exit code 255`,
        );
      }
      const read = Math.round((disk * i) / steps);
      if (kind === 'qemu') {
        t.log(
          src.kind === 'dir'
            ? `progress ${Math.round((100 * i) / steps)}% (read ${read} bytes, duration ${i * 3} sec)`
            : `progress ${Math.round((100 * i) / steps)}% (read ${read} bytes, zeroes = 61% (${Math.round(read * 0.61)} bytes), duration ${i * 3} sec)`,
        );
      }
    }
    if (kind === 'qemu') {
      if (src.kind === 'dir') {
        t.log(`total bytes read ${disk}, sparse bytes ${Math.round(disk * 0.61)} (61%)`);
        t.log('space reduction due to 4K zero blocks 0.12%');
      } else t.log(`restore image complete (bytes=${disk}, duration=${steps * 3}.00s, speed=${(disk / 2 ** 20 / (steps * 3)).toFixed(2)}MB/s)`);
    } else {
      t.log(`Total bytes read: ${template.usedDisk} (${(template.usedDisk / 2 ** 30).toFixed(1)}GiB, 160MiB/s)`);
      t.log('Detected container architecture: amd64');
      t.log('merging backed-up and given configuration..');
    }
    t.log('rescan volumes...');
    const g = newGuest(vmid, template, storageId);
    pve.guests[vmidText] = g;
    if (has(args, 'start')) {
      g.status = 'running';
      g.startedAt = ctx.now();
    }
  });
}

export const qmrestore = (ctx: ToolContext) => {
  const [archive, vmid, ...rest] = ctx.argv.slice(1);
  return restore(ctx, 'qemu', vmid, archive, rest, 'qmrestore <archive> <vmid> [OPTIONS]');
};

/** `pct restore CTID ARCHIVE [OPTIONS]` (called by pct). */
export const pctRestore = (ctx: ToolContext) => {
  const [, vmid, archive, ...rest] = ctx.argv.slice(1);
  return restore(ctx, 'lxc', vmid, archive, rest, 'pct restore <vmid> <ostemplate> [OPTIONS]');
};
