/**
 * The parts every guest restore plan shares: which VMID it writes (the next
 * free one, a given one, or the original), the read-only preflight of the
 * target and its storage, and the checks after.
 */
import { agentPingCommand, guestConfigCommand, statusCommand } from '../../../adapters/pve/guest-commands.js';
import { parseNextId } from '../../../adapters/pve/guest-parse.js';
import { nextIdCommand } from '../../../adapters/pve/restore.js';
import { nodeStoragesCommand, parseNodeStorages, type PveNodeStorage } from '../../../adapters/pve/storage-config.js';
import { ok, type Result } from '../../../domain/types.js';
import type { PlanCheck } from '../../action-types.js';
import { because } from '../../planner-context.js';
import type { GuestType, LiveGuest, PreflightCheck, RestoreContext } from '../../restore-types.js';
import { cli, noun } from './words.js';

export interface ResolvedTarget {
  readonly vmid: number;
  readonly overwrites: boolean;
  readonly preflight: PreflightCheck[];
}

const passed = (id: string, label: string, detail: string): PreflightCheck => ({ id, label, state: 'passed', detail });
const failed = (id: string, label: string, detail: string): PreflightCheck => ({ id, label, state: 'failed', detail });

/** The VMID written: a new one must be free (PVE's own nextid says so); the original must be safe to overwrite. */
export async function resolveTarget(ctx: RestoreContext): Promise<Result<ResolvedTarget>> {
  const { ask } = ctx;
  const n = (vmid: number) => `${noun(ask.type)} ${vmid}`;
  if (ask.target.kind === 'original') {
    if (ask.drill) return ok({ vmid: ask.vmid, overwrites: false, preflight: [failed('target-free', 'a drill restores to a scratch VMID', 'a drill never touches the original: give a scratch VMID or none')] });
    if (!ask.live.exists) {
      const free = await ctx.probe(ask.targetHost, () => nextIdCommand(ask.vmid), parseNextId);
      return ok({ vmid: ask.vmid, overwrites: false, preflight: [free.ok ? passed('target-free', `VMID ${ask.vmid} is free`, `the original ${n(ask.vmid)} does not exist on ${ask.node}: restored under its own id, nothing overwritten`) : failed('target-free', `VMID ${ask.vmid} is free`, free.error.message)] });
    }
    return ok({ vmid: ask.vmid, overwrites: true, preflight: originalPreflight(ask.live, ask.type, ask.vmid) });
  }
  if (ask.target.vmid !== undefined) {
    const wanted = ask.target.vmid;
    if (wanted === ask.vmid && ask.live.exists) {
      return ok({ vmid: wanted, overwrites: false, preflight: [failed('target-free', `VMID ${wanted} is free`, `${n(wanted)} is the original and exists: choose the original as the target (typed confirmation) or another VMID`)] });
    }
    const free = await ctx.probe(ask.targetHost, () => nextIdCommand(wanted), parseNextId);
    if (free.ok) return ok({ vmid: wanted, overwrites: false, preflight: [passed('target-free', `VMID ${wanted} is free`, `pvesh get /cluster/nextid --vmid ${wanted} accepts it`)] });
    const taken = /already exists/.test(free.error.message);
    return ok({
      vmid: wanted,
      overwrites: false,
      preflight: [failed('target-free', `VMID ${wanted} is free`, taken ? `VMID ${wanted} exists on the cluster${ask.drill ? ': a drill never overwrites a guest; choose a free scratch VMID' : ': choose a free VMID'}` : `could not ask PVE: ${free.error.message}`)],
    });
  }
  const next = await ctx.probe(ask.targetHost, () => nextIdCommand(), parseNextId);
  if (!next.ok) return because('the next free VMID (pvesh get /cluster/nextid)', next);
  return ok({ vmid: next.value, overwrites: false, preflight: [passed('target-free', `VMID ${next.value} is free`, 'the next free id of the datacenter (pvesh get /cluster/nextid)')] });
}

/** Over the original: the tools refuse a running, locked or protected guest; preflight says so first. */
export function originalPreflight(live: LiveGuest, type: GuestType, vmid: number): PreflightCheck[] {
  const n = `${noun(type)} ${vmid}`;
  return [
    live.status === 'running'
      ? failed('guest-stopped', `${n} is stopped`, `${n} is running: PVE refuses to overwrite a running guest. Stop it first (${cli(type)} stop ${vmid}), or restore to a new VMID`)
      : passed('guest-stopped', `${n} is stopped`, `status: ${live.status ?? 'unknown'}`),
    live.lock
      ? failed('not-locked', `${n} is not locked`, `${n} is locked (${live.lock}): wait for that task, or ${cli(type)} unlock ${vmid} once you know the lock is stale`)
      : passed('not-locked', `${n} is not locked`, 'no lock in its config'),
    live.protection
      ? failed('not-protected', `${n} is not protected`, `${n} has protection set: remove it (${cli(type)} set ${vmid} --protection 0) if it really is to be overwritten`)
      : passed('not-protected', `${n} is not protected`, 'protection is off'),
  ];
}

export async function nodeStorages(ctx: RestoreContext): Promise<Result<PveNodeStorage[]>> {
  const r = await ctx.probe(ctx.ask.targetHost, () => nodeStoragesCommand(ctx.ask.node), parseNodeStorages);
  return r.ok ? r : because(`storages of node ${ctx.ask.node}`, r);
}

/** The target storage holds guest disks (VMs: images; containers: rootdir), is enabled and active. */
export function storageCheck(storages: readonly PveNodeStorage[], id: string, type: GuestType, why: string): PreflightCheck {
  const content = type === 'lxc' ? 'rootdir' : 'images';
  const label = `storage ${id} holds ${type === 'lxc' ? 'container volumes' : 'VM disks'}`;
  const s = storages.find((x) => x.id === id);
  if (!s) return failed('storage', label, `storage ${id} does not exist on this node (${why}): choose one of ${suitable(storages, type).join(', ') || 'none'}`);
  if (!s.enabled) return failed('storage', label, `storage ${id} is disabled on this node`);
  if (!s.active) return failed('storage', label, `storage ${id} is not active on this node (not mounted or unreachable)`);
  if (!s.content.includes(content)) return failed('storage', label, `storage ${id} does not hold ${content} (${why}): choose one of ${suitable(storages, type).join(', ') || 'none'} with --storage`);
  return passed('storage', label, `${s.type} storage, ${why}`);
}

export const suitable = (storages: readonly PveNodeStorage[], type: GuestType) =>
  storages.filter((s) => s.enabled && s.active && s.content.includes(type === 'lxc' ? 'rootdir' : 'images')).map((s) => s.id);

export interface CheckOptions {
  readonly host: string;
  readonly node: string;
  readonly type: GuestType;
  readonly vmid: number;
  /** Disk keys the restored guest must have ([]: at least one). */
  readonly disks: readonly string[];
  readonly started: boolean;
  /** VMs: how long a booting guest's agent may take to answer. */
  readonly agentWaitMs: number;
}

/** Exists with its disks; when started, runs and (VMs) its agent answers. */
export function restoreChecks(o: CheckOptions): PlanCheck[] {
  const n = `${noun(o.type)} ${o.vmid}`;
  const checks: PlanCheck[] = [
    {
      id: 'disks',
      label: `${n} exists with ${o.disks.length > 0 ? `its disks (${o.disks.join(', ')})` : 'a disk'}`,
      host: o.host,
      command: guestConfigCommand(o.node, o.type, o.vmid),
      output: { kind: 'guest-disks', expect: o.disks },
    },
  ];
  if (!o.started) return checks;
  checks.push({ id: 'running', label: `${n} runs`, host: o.host, command: statusCommand(o.type, o.vmid), output: { kind: 'guest-running' }, retryForMs: 30_000, retryEveryMs: 1000 });
  if (o.type === 'qemu') {
    checks.push({ id: 'agent', label: `the QEMU guest agent of ${n} answers`, host: o.host, command: agentPingCommand(o.vmid), output: { kind: 'agent-ping' }, retryForMs: o.agentWaitMs, retryEveryMs: 2000 });
  }
  return checks;
}

export const DEFAULT_AGENT_WAIT_MS = 180_000;

/** Disk keys a restore should bring back: the live guest's (what the backup most likely holds). */
export const liveDiskKeys = (live: LiveGuest): string[] => (live.disks ?? []).map((d) => d.key).filter((k) => !k.startsWith('unused'));
