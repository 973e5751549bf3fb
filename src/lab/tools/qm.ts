/**
 * `qm` and `pct`: snapshots (snapshot, delsnapshot, listsnapshot),
 * stop/status/list, each a PVE task like the real ones. Rollback, clone,
 * set, start, destroy and the guest agent are in guest-ops.ts, `pct restore`
 * in restore.ts.
 */
import type { ToolContext } from '../shell/types.js';
import { strftime } from '../state/clock.js';
import type { PveGuest, PveSnapshot, PveState } from '../state/types.js';
import { has, isArgError, last, parseArgs, type OptionSpec } from './args.js';
import { paramError, runPveTask, TaskError } from './pve-task.js';
import { GUEST_OPS, guestOp, PCT, QM, type Flavour } from './guest-ops.js';
import { pctRestore, unknownOption } from './restore.js';
import { configFileText, storageOf } from '../state/guest-config.js';

const SNAPNAME = /^[a-z][a-z0-9_-]+$/i;

function usage(f: Flavour, sub: string): string {
  const u: Record<string, string> = {
    snapshot: `${f.cli} snapshot <vmid> <snapname> [OPTIONS]`,
    rollback: `${f.cli} rollback <vmid> <snapname> [OPTIONS]`,
    delsnapshot: `${f.cli} delsnapshot <vmid> <snapname> [OPTIONS]`,
    listsnapshot: `${f.cli} listsnapshot <vmid>`,
    start: `${f.cli} start <vmid> [OPTIONS]`,
    stop: `${f.cli} stop <vmid> [OPTIONS]`,
    shutdown: `${f.cli} shutdown <vmid> [OPTIONS]`,
    status: `${f.cli} status <vmid> [OPTIONS]`,
    destroy: `${f.cli} destroy <vmid> [OPTIONS]`,
  };
  return u[sub] ?? `${f.cli} <COMMAND> [ARGS] [OPTIONS]`;
}

function guest(ctx: ToolContext, pve: PveState, f: Flavour, vmid: string): PveGuest | undefined {
  const g = pve.guests[vmid];
  if (!g || g.type !== f.type) {
    ctx.err(`Configuration file 'nodes/${pve.node}/${f.confDir}/${vmid}.conf' does not exist\n`);
    return undefined;
  }
  return g;
}

function listSnapshotText(g: PveGuest, timeZone: string): string {
  const children = (parent: string | undefined) =>
    g.snapshots.filter((s) => s.parent === parent).sort((a, b) => a.snaptime - b.snaptime);
  const lines: string[] = [];
  const width = Math.max(24, ...g.snapshots.map((s) => s.name.length + 4));
  const emit = (name: string, depth: number, time: string, desc: string) => {
    const prefix = `${' '.repeat(depth)}\`-> `;
    lines.push(`${prefix}${name.padEnd(width - depth)}${time.padEnd(24)}${desc}`.trimEnd());
  };
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of children(parent)) {
      emit(s.name, depth, strftime('%Y-%m-%d %H:%M:%S', s.snaptime, timeZone), s.description || 'no-description');
      if (s.name === g.current) emit('current', depth + 1, '', 'You are here!');
      walk(s.name, depth + 1);
    }
  };
  // Snapshots whose parent no longer exists start trees of their own.
  const names = new Set(g.snapshots.map((s) => s.name));
  for (const root of g.snapshots.filter((s) => !s.parent || !names.has(s.parent)).sort((a, b) => a.snaptime - b.snaptime)) {
    emit(root.name, 0, strftime('%Y-%m-%d %H:%M:%S', root.snaptime, timeZone), root.description || 'no-description');
    if (root.name === g.current) emit('current', 1, '', 'You are here!');
    walk(root.name, 1);
  }
  if (g.current === undefined) emit('current', 0, '', 'You are here!');
  return lines.map((l) => `${l}\n`).join('');
}

const SPECS: Record<string, OptionSpec> = {
  snapshot: { long: { description: 'value', vmstate: 'bool' }, singleDashLong: true },
  delsnapshot: { long: { force: 'bool' }, singleDashLong: true },
  listsnapshot: { long: {} },
  config: { long: { current: 'bool', snapshot: 'value' }, singleDashLong: true },
  stop: { long: { timeout: 'value', skiplock: 'bool', 'overrule-shutdown': 'bool' }, singleDashLong: true },
  shutdown: { long: { timeout: 'value', forceStop: 'bool' }, singleDashLong: true },
  status: { long: { verbose: 'bool' }, singleDashLong: true },
  list: { long: { full: 'bool' } },
};

async function run(ctx: ToolContext, f: Flavour): Promise<number> {
  const pve = ctx.host.pve;
  if (!pve) {
    ctx.err('ipcc_send_rec[1] failed: Connection refused\n');
    return 255;
  }
  const [sub, ...rest] = ctx.argv.slice(1);
  if (sub === undefined) {
    ctx.err(`ERROR: no command specified\nUSAGE: ${f.cli} <COMMAND> [ARGS] [OPTIONS]\n`);
    return 255;
  }
  if (f.cli === 'pct' && sub === 'restore') return pctRestore(ctx);
  if (GUEST_OPS.has(sub)) return guestOp(ctx, f, sub, rest);
  const spec = SPECS[sub];
  if (!spec) {
    ctx.err(`ERROR: unknown command '${f.cli} ${sub}'\nUSAGE: ${f.cli} <COMMAND> [ARGS] [OPTIONS]\n`);
    return 255;
  }
  const args = parseArgs(rest, spec);
  if (isArgError(args)) return args.error === 'unknown-option' ? unknownOption(ctx, args.option, usage(f, sub)) : paramError(ctx, { [args.option]: 'property requires a value' }, usage(f, sub));
  const [vmid, snapname, ...extra] = args.positionals;

  if (sub === 'list') {
    const list = Object.values(pve.guests).filter((g) => g.type === f.type).sort((a, b) => a.vmid - b.vmid);
    if (f.cli === 'qm') {
      ctx.out('      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       \n');
      for (const g of list) {
        ctx.out(`${String(g.vmid).padStart(10)} ${g.name.padEnd(20)} ${g.status.padEnd(10)} ${String(g.maxmem / 2 ** 20).padEnd(10)} ${(g.maxdisk / 2 ** 30).toFixed(2).padStart(12)} ${String(g.status === 'running' ? 1000 + g.vmid : 0).padEnd(10)}\n`);
      }
    } else {
      ctx.out('VMID       Status     Lock         Name                \n');
      for (const g of list) ctx.out(`${String(g.vmid).padEnd(10)} ${g.status.padEnd(10)} ${(g.lock ?? '').padEnd(12)} ${g.name}\n`);
    }
    return 0;
  }
  if (vmid === undefined || !/^\d+$/.test(vmid)) {
    return vmid === undefined
      ? (ctx.err(`400 not enough arguments\n${usage(f, sub)}\n`), 255)
      : paramError(ctx, { vmid: `type check ('integer') failed - got '${vmid}'` }, usage(f, sub));
  }
  const needsName = ['snapshot', 'delsnapshot'].includes(sub);
  if ((needsName && snapname === undefined) || (needsName ? extra.length > 0 : snapname !== undefined)) {
    ctx.err(`400 ${needsName && snapname === undefined ? 'not enough' : 'too many'} arguments\n${usage(f, sub)}\n`);
    return 255;
  }
  const g = guest(ctx, pve, f, vmid);
  if (!g) return 255;
  const locked = () => {
    if (g.lock) throw new TaskError(`${f.noun} ${vmid} is locked (${g.lock})`);
  };

  switch (sub) {
    case 'listsnapshot':
      ctx.out(listSnapshotText(g, ctx.host.timeZone));
      return 0;
    case 'status':
      ctx.out(`status: ${g.status}\n`);
      return 0;
    case 'config':
      ctx.out(configFileText(g));
      return 0;
    case 'snapshot': {
      const name = snapname!;
      if (!SNAPNAME.test(name) || name.length > 40 || ['current', 'pending', 'vzdump'].includes(name.toLowerCase())) {
        return paramError(ctx, { snapname: `invalid format - invalid configuration ID '${name}'` }, usage(f, sub));
      }
      return runPveTask(ctx, pve, { type: `${f.taskPrefix}snapshot`, id: vmid }, async (t) => {
        if (g.snapshots.some((s) => s.name === name)) throw new TaskError(`snapshot name '${name}' already used`);
        locked();
        g.lock = 'snapshot';
        const snap: PveSnapshot = { name, snaptime: Math.floor(ctx.now()), description: last(args, 'description') ?? '', snapstate: 'prepare', ...(g.current ? { parent: g.current } : {}), ...(f.type === 'qemu' ? { vmstate: has(args, 'vmstate') ? 1 : 0 } : {}) };
        g.snapshots.push(snap);
        try {
          if (f.type === 'qemu' && has(args, 'vmstate') && g.status === 'running') t.log(`saving VM state and RAM using storage '${storageOf(g.disks[0]?.volume ?? 'local-lvm:')}'`);
          for (const d of g.disks.filter((x) => !x.key.startsWith('unused'))) t.log(`snapshotting '${f.type === 'qemu' ? `drive-${d.key}` : d.key}' (${d.volume})`);
          await ctx.pace(400);
          delete snap.snapstate;
          g.current = name;
        } finally {
          delete g.lock;
          if (snap.snapstate) g.snapshots.splice(g.snapshots.indexOf(snap), 1);
        }
      });
    }
    case 'delsnapshot': {
      const name = snapname!;
      return runPveTask(ctx, pve, { type: `${f.taskPrefix}delsnapshot`, id: vmid }, async () => {
        const target = g.snapshots.find((s) => s.name === name);
        if (!target) throw new TaskError(`snapshot '${name}' does not exist`);
        if (!has(args, 'force')) locked();
        await ctx.pace(200);
        for (const child of g.snapshots.filter((s) => s.parent === name)) {
          if (target.parent) child.parent = target.parent;
          else delete child.parent;
        }
        if (g.current === name) {
          if (target.parent) g.current = target.parent;
          else delete g.current;
        }
        g.snapshots.splice(g.snapshots.indexOf(target), 1);
      });
    }
    case 'stop':
    case 'shutdown':
      return runPveTask(ctx, pve, { type: f.cli === 'qm' ? `qm${sub}` : `vz${sub}`, id: vmid }, async () => {
        if (!has(args, 'skiplock')) locked();
        await ctx.pace(200);
        g.status = 'stopped';
        delete g.startedAt;
      });
    default:
      return 255;
  }
}

export const qm = (ctx: ToolContext) => run(ctx, QM);
export const pct = (ctx: ToolContext) => run(ctx, PCT);
