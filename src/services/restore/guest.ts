/**
 * The workload as PVE knows it now: which node has it (asked of every PVE
 * host of the inventory at once), whether it exists, and, for planning, its
 * config and state. Read-only probes, through the probe log.
 */
import { guestConfigCommand, statusCommand } from '../../adapters/pve/guest-commands.js';
import { parseGuestConfig, parseGuestStatus } from '../../adapters/pve/guest-parse.js';
import { clusterResourcesCommand, parseGuests } from '../../adapters/pve/index.js';
import { parseAssetId } from '../../domain/asset-id.js';
import type { Inventory } from '../../domain/inventory.js';
import { infoOf } from '../../domain/layer-kinds/index.js';
import type { PlannerContext } from '../../kinds/planner-context.js';
import type { LiveGuest } from '../../kinds/restore-types.js';
import { RestoreError, type GuestRef } from './api.js';

export interface FoundGuest {
  readonly ref: GuestRef;
  /** Inventory host restored onto, and its PVE node name; undefined when no PVE host answers. */
  readonly host?: string;
  readonly node?: string;
}

/** vm/N or ct/N, or a RestoreError. */
export function guestOf(assetId: string): { type: 'qemu' | 'lxc'; vmid: number } {
  const a = parseAssetId(assetId);
  if (!a || (a.kind !== 'vm' && a.kind !== 'ct')) throw new RestoreError('not-found', `${JSON.stringify(assetId)} is not a guest: restores take vm/N or ct/N`);
  return { type: a.kind === 'ct' ? 'lxc' : 'qemu', vmid: a.vmid };
}

/** Inventory hosts that are PVE nodes (they carry guest snapshot or vzdump layers). */
export function pveHosts(inventory: Inventory): string[] {
  return [...new Set(inventory.layers.filter((l) => infoOf(l).onPveNode).map((l) => l.host))];
}

export async function findGuest(assetId: string, inventory: Inventory, ctx: PlannerContext, hint?: string): Promise<FoundGuest> {
  const { type, vmid } = guestOf(assetId);
  const hosts = pveHosts(inventory);
  const answers = await Promise.all(
    hosts.map(async (host) => {
      const [node, guests] = await Promise.all([ctx.nodeOf(host), ctx.probe(host, clusterResourcesCommand, parseGuests)]);
      return { host, node: node.ok ? node.value : undefined, guests: guests.ok ? guests.value : undefined };
    }),
  );
  for (const a of answers) {
    const g = a.guests?.find((x) => x.vmid === vmid);
    if (!g || a.node === undefined) continue;
    const owner = answers.find((x) => x.node === g.node);
    if (!owner) continue;
    if (g.type !== type) throw new RestoreError('not-found', `${vmid} is a ${g.type === 'lxc' ? 'container (ct/' : 'VM (vm/'}${vmid}) on ${g.node}, not ${assetId}`);
    return { ref: { assetId, type, vmid, ...(g.name ? { name: g.name } : {}), host: owner.host, exists: true }, host: owner.host, node: g.node };
  }
  // Gone (or its node is down): restore onto the node its backups came from, else the only PVE node there is.
  const host = hint && hosts.includes(hint) ? hint : hosts.length === 1 ? hosts[0] : undefined;
  const node = host === undefined ? undefined : answers.find((a) => a.host === host)?.node;
  return { ref: { assetId, type, vmid, ...(host ? { host } : {}), exists: false }, ...(host && node ? { host, node } : {}) };
}

/** Config and state of a guest that exists; `{exists: false}` otherwise. */
export async function readLive(ctx: PlannerContext, found: FoundGuest): Promise<LiveGuest> {
  if (!found.ref.exists || !found.host || !found.node) return { exists: false };
  const { type, vmid } = found.ref;
  const host = found.host;
  const node = found.node;
  const [config, status] = await Promise.all([ctx.probe(host, () => guestConfigCommand(node, type, vmid), parseGuestConfig), ctx.probe(host, () => statusCommand(type, vmid), parseGuestStatus)]);
  if (!config.ok) {
    if (config.error.kind === 'not-found') return { exists: false };
    throw new RestoreError('unreadable', `the config of ${found.ref.assetId} on ${node} could not be read: ${config.error.message}`);
  }
  if (!status.ok) throw new RestoreError('unreadable', `the state of ${found.ref.assetId} on ${node} could not be read: ${status.error.message}`);
  const c = config.value;
  return {
    exists: true,
    ...(c.name !== undefined ? { name: c.name } : {}),
    status: status.value.status,
    ...(c.lock !== undefined ? { lock: c.lock } : {}),
    protection: c.protection,
    agent: c.agent,
    disks: c.disks.map((d) => ({ key: d.key, ...(d.storage !== undefined ? { storage: d.storage } : {}) })),
    nets: c.nets.length,
  };
}
