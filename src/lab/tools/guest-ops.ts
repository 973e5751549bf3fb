/**
 * The guest commands a restore plan uses besides the restore itself, as
 * qemu-server and pve-container answer them (restore-formats §1, §2):
 * `rollback` (only the newest snapshot on ZFS; newer snapshots stay in the
 * config), `clone [--snapname]` (what each storage can copy or link from a
 * snapshot), `set --netN` (link_down), `start`, `destroy` (not while running
 * or protected) and `qm guest cmd ID ping`.
 */
import type { ToolContext } from '../shell/types.js';
import {
  hasCloneFeature,
  newVolume,
  randomMac,
  rollsBackNewestOnly,
  storageOf,
  volumeCreated,
  volumeRemoved,
  withMac,
} from '../state/guest-config.js';
import type { GuestDisk, GuestType, PveGuest, PveState } from '../state/types.js';
import { has, isArgError, last, parseArgs, type OptionSpec, type ParsedArgs } from './args.js';
import { binaryUnits } from './format.js';
import { paramError, runPveTask, TaskError } from './pve-task.js';
import { unknownOption } from './restore.js';

export interface Flavour {
  readonly cli: 'qm' | 'pct';
  readonly type: GuestType;
  readonly noun: 'VM' | 'CT';
  readonly confDir: string;
  readonly taskPrefix: 'qm' | 'vz';
}

export const QM: Flavour = { cli: 'qm', type: 'qemu', noun: 'VM', confDir: 'qemu-server', taskPrefix: 'qm' };
export const PCT: Flavour = { cli: 'pct', type: 'lxc', noun: 'CT', confDir: 'lxc', taskPrefix: 'vz' };

/** Seconds a started VM needs before its guest agent answers (scaled by the lab). */
const AGENT_BOOT_MS = 4000;

const NETS = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`net${i}`, 'value' as const]));

const SPECS: Record<string, OptionSpec> = {
  rollback: { long: { start: 'bool' }, singleDashLong: true },
  clone: { long: { snapname: 'value', name: 'value', hostname: 'value', full: 'bool', storage: 'value', format: 'value', description: 'value', pool: 'value', target: 'value', bwlimit: 'value' }, singleDashLong: true },
  set: { long: { ...NETS, skiplock: 'bool', digest: 'value' }, singleDashLong: true },
  start: { long: { timeout: 'value', skiplock: 'bool' }, singleDashLong: true },
  destroy: { long: { purge: 'bool', 'destroy-unreferenced-disks': 'bool', skiplock: 'bool', force: 'bool' }, singleDashLong: true },
  guest: { long: {}, singleDashLong: true },
};

const USAGE: Record<string, (f: Flavour) => string> = {
  rollback: (f) => `${f.cli} rollback <vmid> <snapname> [OPTIONS]`,
  clone: (f) => `${f.cli} clone <vmid> <newid> [OPTIONS]`,
  set: (f) => `${f.cli} set <vmid> [OPTIONS]`,
  start: (f) => `${f.cli} start <vmid> [OPTIONS]`,
  destroy: (f) => `${f.cli} destroy <vmid> [OPTIONS]`,
  guest: () => 'qm guest cmd <vmid> <command>',
};

export const GUEST_OPS = new Set(Object.keys(SPECS));

const missing = (ctx: ToolContext, pve: PveState, f: Flavour, vmid: string) => {
  ctx.err(`Configuration file 'nodes/${pve.node}/${f.confDir}/${vmid}.conf' does not exist\n`);
  return 255;
};

/** Thin storages grow and shrink with what a guest wrote, shared over its volumes by size. */
function charge(pve: PveState, g: PveGuest, disks: readonly GuestDisk[], sign: 1 | -1): void {
  const total = g.disks.reduce((n, d) => n + d.size, 0) || 1;
  for (const d of disks) {
    const s = pve.storages[storageOf(d.volume)];
    if (s && s.type !== 'pbs') s.used = Math.max(0, s.used + sign * Math.round((g.usedDisk * d.size) / total));
  }
}

const liveDisks = (g: PveGuest) => g.disks.filter((d) => !d.key.startsWith('unused'));

/** `qm|pct <sub> ...` for the subcommands of GUEST_OPS. */
export async function guestOp(ctx: ToolContext, f: Flavour, sub: string, words: readonly string[]): Promise<number> {
  const pve = ctx.host.pve!;
  const usage = USAGE[sub]!(f);
  const isGuestCmd = sub === 'guest';
  if (isGuestCmd && (f.cli !== 'qm' || words[0] !== 'cmd')) {
    ctx.err(`ERROR: unknown command '${f.cli} guest ${words[0] ?? ''}'\nUSAGE: ${f.cli} <COMMAND> [ARGS] [OPTIONS]\n`);
    return 255;
  }
  const args = parseArgs(isGuestCmd ? words.slice(1) : words, SPECS[sub]!);
  if (isArgError(args)) return args.error === 'unknown-option' ? unknownOption(ctx, args.option, usage) : paramError(ctx, { [args.option]: 'property requires a value' }, usage);
  const wanted = sub === 'rollback' || sub === 'clone' || isGuestCmd ? 2 : 1;
  if (args.positionals.length !== wanted) {
    ctx.err(`400 ${args.positionals.length < wanted ? 'not enough' : 'too many'} arguments\n${usage}\n`);
    return 255;
  }
  const vmid = args.positionals[0]!;
  if (!/^[1-9]\d{2,8}$/.test(vmid)) return paramError(ctx, { vmid: `type check ('integer') failed - got '${vmid}'` }, usage);
  const g = pve.guests[vmid];
  if (!g || g.type !== f.type) return missing(ctx, pve, f, vmid);
  switch (sub) {
    case 'rollback':
      return rollback(ctx, pve, f, g, args.positionals[1]!, has(args, 'start'));
    case 'clone':
      return clone(ctx, pve, f, g, args);
    case 'set':
      return setNet(ctx, f, g, args, usage);
    case 'start':
      return start(ctx, pve, f, g, has(args, 'skiplock'));
    case 'destroy':
      return destroy(ctx, pve, f, g, args);
    default:
      return agentCmd(ctx, g, args.positionals[1]!);
  }
}

/** AbstractConfig::snapshot_rollback: checks, stop, roll every volume back, `parent` = the snapshot. */
function rollback(ctx: ToolContext, pve: PveState, f: Flavour, g: PveGuest, name: string, startAfter: boolean): Promise<number> {
  return runPveTask(ctx, pve, { type: `${f.taskPrefix}rollback`, id: String(g.vmid) }, async () => {
    if (g.template) throw new TaskError("you can't rollback if vm is a template");
    const target = g.snapshots.find((s) => s.name === name);
    if (!target) throw new TaskError(`snapshot '${name}' does not exist`);
    // ZFS rolls a volume back only to its newest snapshot (zfs rollback without -r); PVE refuses before touching anything.
    // Snapshots taken within one second are ordered as they were taken (ZFS's createtxg).
    const at = g.snapshots.indexOf(target);
    const newer = g.snapshots.filter((s, i) => s.snaptime > target.snaptime || (s.snaptime === target.snaptime && i > at));
    for (const d of liveDisks(g)) {
      if (newer.length > 0 && rollsBackNewestOnly(pve.storages[storageOf(d.volume)])) {
        throw new TaskError(`can't rollback, '${name}' is not most recent snapshot on '${d.volume}'`);
      }
    }
    if (target.snapstate) throw new TaskError(`unable to rollback to incomplete snapshot (snapstate = ${target.snapstate})`);
    if (g.lock) throw new TaskError(`${f.noun} is locked (${g.lock})`);
    // A running guest is stopped hard first (no guest shutdown).
    g.status = 'stopped';
    delete g.startedAt;
    g.lock = 'rollback';
    try {
      await ctx.pace(300);
      g.current = name;
    } finally {
      delete g.lock;
    }
    if ((f.type === 'qemu' && target.vmstate) || startAfter) {
      g.status = 'running';
      g.startedAt = ctx.now();
    }
  });
}

function clone(ctx: ToolContext, pve: PveState, f: Flavour, g: PveGuest, args: ParsedArgs): Promise<number> | number {
  const newid = args.positionals[1]!;
  if (!/^[1-9]\d{2,8}$/.test(newid)) return paramError(ctx, { newid: `type check ('integer') failed - got '${newid}'` }, USAGE.clone!(f));
  const fail = (msg: string) => (ctx.err(`${msg}\n`), 255);
  const taken = pve.guests[newid];
  if (taken) return fail(`${taken.type === 'qemu' ? 'VM' : 'CT'} ${newid} already exists on node '${pve.node}'`);
  const snapname = last(args, 'snapname');
  const storageId = last(args, 'storage');
  const target = storageId === undefined ? undefined : pve.storages[storageId];
  if (storageId !== undefined && !target) return fail(`storage '${storageId}' does not exist`);
  if (target && !target.content.includes(f.type === 'qemu' ? 'images' : 'rootdir')) {
    return paramError(ctx, { storage: `storage '${storageId}' does not support ${f.type === 'qemu' ? 'vm images' : 'container directories'}` }, USAGE.clone!(f));
  }
  if (g.lock) return fail(`${f.noun} is locked (${g.lock})`);
  if (snapname !== undefined && !g.snapshots.some((s) => s.name === snapname)) return fail(`snapshot '${snapname}' does not exist`);
  const full = args.values.full === undefined ? !g.template : has(args, 'full');
  if (storageId !== undefined && !full) return fail("parameter 'storage' not allowed for linked clones");
  const from = snapname !== undefined ? 'snap' : g.template ? 'base' : 'current';
  for (const d of liveDisks(g)) {
    const source = pve.storages[storageOf(d.volume)];
    if (f.type === 'qemu') {
      if (!hasCloneFeature(source, full ? 'copy' : 'clone', from)) {
        return fail(`${full ? 'Full' : 'Linked'} clone feature is not supported for ${snapname !== undefined ? 'a snapshot of ' : ''}'${d.volume}' (${d.key})`);
      }
    } else if (full) {
      // pct copies a full clone file by file from the mounted snapshot: any storage will do, but not the live state of a running CT.
      if (g.status === 'running' && snapname === undefined) return fail('Full clone of a running container is only possible from a snapshot');
    } else if (!hasCloneFeature(source, 'clone', from)) return fail(`Linked clone feature for '${d.volume}' is not available`);
  }
  return runPveTask(ctx, pve, { type: `${f.taskPrefix}clone`, id: String(g.vmid) }, async (t) => {
    t.log(f.type === 'qemu' ? `creating a clone of VM ${g.vmid} with ID ${newid}` : `creating a clone of container ${g.vmid} with ID ${newid}`);
    const copy: PveGuest = { ...structuredClone(g), vmid: Number(newid), status: 'stopped', template: false, snapshots: [], disks: [] };
    delete copy.current;
    delete copy.startedAt;
    delete copy.lock;
    delete copy.protection;
    copy.name = f.type === 'qemu' ? (last(args, 'name') ?? `Copy-of-VM-${g.name}`) : (last(args, 'hostname') ?? g.name);
    for (const k of Object.keys(copy.nets)) copy.nets[k] = withMac(copy.nets[k]!, randomMac(() => ctx.lab.rng.next()));
    const made: GuestDisk[] = [];
    for (const d of liveDisks(g)) {
      const storage = target ?? pve.storages[storageOf(d.volume)]!;
      const volume = newVolume(pve, storage, f.type, Number(newid), made.map((m) => m.volume));
      t.log(f.type === 'qemu' ? `create ${full ? 'full' : 'linked'} clone of drive ${d.key} (${d.volume})` : `create ${full ? 'full' : 'linked'} clone of mountpoint ${d.key} (${d.volume})`);
      for (const l of volumeCreated(storage, volume)) t.log(l);
      if (full && f.type === 'qemu') {
        for (const p of [0, 25, 50, 75, 100]) {
          await ctx.pace(120);
          t.log(`transferred ${binaryUnits((d.size * p) / 100)} of ${binaryUnits(d.size)} (${p.toFixed(2)}%)`);
        }
      } else await ctx.pace(200);
      made.push({ key: d.key, volume, size: d.size });
    }
    copy.disks = made;
    pve.guests[newid] = copy;
    charge(pve, copy, made, 1);
  });
}

const NIC = /^(virtio|e1000|e1000e|rtl8139|vmxnet3)(=|,|$)|(^|,)model=/;

/** `qm set ID --netN VALUE` / `pct set`: the NIC replaced as given (link_down=1 cuts its link). */
function setNet(ctx: ToolContext, f: Flavour, g: PveGuest, args: ParsedArgs, usage: string): number {
  const nets = Object.entries(args.values).filter(([k]) => /^net\d+$/.test(k));
  if (nets.length === 0) {
    ctx.err(`400 no options specified\n${usage}\n`);
    return 255;
  }
  for (const [k, v] of nets) {
    const value = v.at(-1)!;
    if (f.type === 'qemu' ? !NIC.test(value) : !/(^|,)name=/.test(value)) {
      return paramError(ctx, { [k]: `invalid format - format error\n${k}.${f.type === 'qemu' ? 'model' : 'name'}: property is missing and it is not optional` }, usage);
    }
  }
  if (g.lock && !has(args, 'skiplock')) {
    ctx.err(`${f.noun} is locked (${g.lock})\n`);
    return 255;
  }
  if (f.type === 'qemu') ctx.out(`update VM ${g.vmid}: ${nets.map(([k, v]) => `-${k} ${v.at(-1)}`).join(' ')}\n`);
  for (const [k, v] of nets) g.nets[k] = v.at(-1)!;
  return 0;
}

function start(ctx: ToolContext, pve: PveState, f: Flavour, g: PveGuest, skiplock: boolean): Promise<number> {
  return runPveTask(ctx, pve, { type: f.cli === 'qm' ? 'qmstart' : 'vzstart', id: String(g.vmid) }, async () => {
    if (g.template) throw new TaskError(`you can't start a ${f.cli === 'qm' ? 'vm' : 'CT'} if it's a template`);
    if (g.lock && !skiplock) throw new TaskError(`${f.noun} is locked (${g.lock})`);
    if (g.status === 'running') throw new TaskError(`${f.noun} ${g.vmid} already running`);
    await ctx.pace(300);
    g.status = 'running';
    g.startedAt = ctx.now();
  });
}

/** destroy_vm: refused for a protected guest and a running one (a CT with --force is stopped first). */
function destroy(ctx: ToolContext, pve: PveState, f: Flavour, g: PveGuest, args: ParsedArgs): Promise<number> | number {
  const fail = (msg: string) => (ctx.err(`${msg}\n`), 255);
  if (g.protection) return fail(`can't remove ${f.noun} ${g.vmid} - protection mode enabled`);
  if (f.type === 'lxc' && g.lock && !has(args, 'skiplock')) return fail(`CT is locked (${g.lock})`);
  if (g.status === 'running') {
    if (f.type === 'qemu') return fail(`VM ${g.vmid} is running - destroy failed`);
    if (!has(args, 'force')) return fail(`unable to destroy CT ${g.vmid} - container is running`);
  }
  return runPveTask(ctx, pve, { type: f.cli === 'qm' ? 'qmdestroy' : 'vzdestroy', id: String(g.vmid) }, async (t) => {
    if (f.type === 'qemu' && g.lock && !has(args, 'skiplock')) throw new TaskError(`VM is locked (${g.lock})`);
    g.status = 'stopped';
    await ctx.pace(200);
    for (const d of g.disks) for (const l of volumeRemoved(pve.storages[storageOf(d.volume)], d.volume)) t.log(l);
    charge(pve, g, g.disks, -1);
    if (has(args, 'purge')) {
      t.log(`purging ${f.noun} ${g.vmid} from related configurations..`);
      // PVE::VZDump::Plugin::remove_vmid_from_backup_jobs
      for (const job of pve.backupJobs) {
        if (!job.vmid) continue;
        const ids = job.vmid.split(',').filter((v) => v !== String(g.vmid));
        job.vmid = ids.join(',');
      }
    }
    delete pve.guests[String(g.vmid)];
  });
}

/** `qm guest cmd ID ping` (qemu-server Agent.pm assert_agent_available): exit 0, nothing printed, when the agent answers. */
async function agentCmd(ctx: ToolContext, g: PveGuest, command: string): Promise<number> {
  const commands = ['fsfreeze-freeze', 'fsfreeze-status', 'fsfreeze-thaw', 'fstrim', 'get-fsinfo', 'get-host-name', 'get-memory-block-info', 'get-memory-blocks', 'get-osinfo', 'get-time', 'get-timezone', 'get-users', 'get-vcpus', 'info', 'network-get-interfaces', 'ping', 'shutdown', 'suspend-disk', 'suspend-hybrid', 'suspend-ram'];
  if (!commands.includes(command)) return paramError(ctx, { command: `value '${command}' does not have a value in the enumeration '${commands.join(', ')}'` }, USAGE.guest!(QM));
  const fail = (msg: string) => (ctx.err(`${msg}\n`), 255);
  if (!g.agent) return fail('No QEMU guest agent configured');
  if (g.status !== 'running') return fail(`VM ${g.vmid} is not running`);
  await ctx.pace(20);
  // The agent starts with the guest's OS: it answers only once the guest has booted.
  if (ctx.now() - (g.startedAt ?? 0) < (AGENT_BOOT_MS * ctx.lab.timeScale) / 1000) return fail('QEMU guest agent is not running');
  if (command !== 'ping') ctx.out('{}\n');
  return 0;
}
