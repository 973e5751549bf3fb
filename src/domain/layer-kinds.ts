/**
 * What every part of Strata may know about a layer kind without doing any
 * I/O: its name for people, its matrix column, where it sits in protection
 * order, and which hosts must answer to read it. The kind's reader, probes
 * and planners live in src/kinds/<kind>/; this table is the pure half, so the
 * health rules and the screens can use it too. A new kind is a compile error
 * here until it has its row.
 */
import type { LayerFile, LayerKind } from './inventory-file.js';

export interface LayerKindInfo<K extends LayerKind = LayerKind> {
  /** For people: "ZFS replication". */
  readonly label: string;
  /** The dashboard matrix's column header, short enough for 80 columns. */
  readonly column: string;
  /** From the copy nearest the data (0) to the one furthest away. */
  readonly order: number;
  /** Reading it needs the PVE node name of its host (the inventory's `node`, else `hostname`). */
  readonly needsNodeName: boolean;
  /** Hosts that must answer for the layer to be read: its own, and any other it reads from. */
  hostsOf(layer: Extract<LayerFile, { readonly kind: K }>): string[];
}

const ownHost = (layer: LayerFile): string[] => [layer.host];

export const LAYER_KIND_INFO: { readonly [K in LayerKind]: LayerKindInfo<K> } = {
  'pve-snapshots': { label: 'guest snapshots', column: 'snap', order: 0, needsNodeName: true, hostsOf: ownHost },
  'zfs-snapshots': { label: 'ZFS snapshots', column: 'zfs-snap', order: 1, needsNodeName: false, hostsOf: ownHost },
  vzdump: { label: 'vzdump archives', column: 'vzdump', order: 2, needsNodeName: true, hostsOf: ownHost },
  pbs: { label: 'Proxmox Backup Server', column: 'pbs', order: 3, needsNodeName: false, hostsOf: ownHost },
  'zfs-replication': {
    label: 'ZFS replication',
    column: 'zfs-repl',
    order: 4,
    needsNodeName: false,
    // The source's snapshots are read on the source host.
    hostsOf: (layer) => (layer.source.host && layer.source.host !== layer.host ? [layer.host, layer.source.host] : [layer.host]),
  },
  restic: { label: 'restic repository', column: 'restic', order: 5, needsNodeName: false, hostsOf: ownHost },
  rclone: { label: 'rclone copy', column: 'rclone', order: 6, needsNodeName: false, hostsOf: ownHost },
  'config-backup': { label: 'host configuration archives', column: 'config', order: 7, needsNodeName: false, hostsOf: ownHost },
};

/** The row of a kind name that may come from an old saved status or a newer inventory: undefined when unknown. */
export function kindInfo(kind: string): LayerKindInfo | undefined {
  return Object.hasOwn(LAYER_KIND_INFO, kind) ? (LAYER_KIND_INFO[kind as LayerKind] as LayerKindInfo) : undefined;
}

/** Hosts a layer needs to be reachable to be read. */
export function hostsOfLayer(layer: LayerFile): string[] {
  return (LAYER_KIND_INFO[layer.kind] as LayerKindInfo).hostsOf(layer);
}

/** Kind names in protection order; names this table does not know come last, in the order first seen. */
export function inProtectionOrder(kinds: Iterable<string>): string[] {
  const present = [...new Set(kinds)];
  const known = present.filter((k) => kindInfo(k)).sort((a, b) => kindInfo(a)!.order - kindInfo(b)!.order);
  return [...known, ...present.filter((k) => !kindInfo(k))];
}
