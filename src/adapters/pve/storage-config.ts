/**
 * A node's storages as restores need them (restore-formats §2.1, §4): the
 * datacenter's storage.cfg (`pvesh get /storage`), where a PBS entry names
 * its server, datastore and namespace (the namespace is not in a PBS volid:
 * another namespace needs another entry), and which storages a node offers
 * with which content (`pvesh get /nodes/{node}/storage`). Also a guest's
 * hard stop, which a drill needs before it destroys its scratch copy.
 */
import { z } from 'zod';
import { ok, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { parseJsonAs } from '../shared/json.js';
import { boolLike, numberLike, optional } from '../shared/values.js';
import { checkNode, pveshGet, type GuestType } from './commands.js';
import { checkGuestId, guestCli } from './names.js';
import { pveshFailure } from './parse.js';

export interface PveStorageEntry {
  readonly id: string;
  /** `dir`, `pbs`, `zfspool`, `lvmthin`, ... */
  readonly type: string;
  readonly content: readonly string[];
  readonly disabled: boolean;
  /** Nodes it is limited to (`nodes`); undefined: every node. */
  readonly nodes?: readonly string[];
  /** PBS: the server as storage.cfg names it (an address or a name). */
  readonly server?: string;
  readonly datastore?: string;
  readonly namespace?: string;
  readonly username?: string;
  readonly fingerprint?: string;
}

export interface PveNodeStorage {
  readonly id: string;
  readonly type: string;
  readonly content: readonly string[];
  readonly active: boolean;
  readonly enabled: boolean;
  readonly availBytes?: number;
}

/** `pvesh get /storage`: storage.cfg; holds no secret (those live in /etc/pve/priv). */
export const storageConfigCommand = (): Command => pveshGet('/storage');

/** `pvesh get /nodes/{node}/storage`: the storages this node can use, each with its state and room. */
export const nodeStoragesCommand = (node: string): Command => pveshGet(`/nodes/${checkNode(node)}/storage`);

/** `qm stop ID` / `pct stop ID`: a hard stop, no guest shutdown. */
export const stopCommand = (type: GuestType, vmid: number): Command => ({ argv: [guestCli(type), 'stop', String(checkGuestId(vmid))] });

const list = (v: string | undefined): string[] => (v ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');

const configSchema = z.array(
  z.looseObject({
    storage: z.string(),
    type: z.string(),
    content: optional(z.string()),
    disable: optional(boolLike),
    nodes: optional(z.string()),
    server: optional(z.string()),
    datastore: optional(z.string()),
    namespace: optional(z.string()),
    username: optional(z.string()),
    fingerprint: optional(z.string()),
  }),
);

export function parseStorageConfig(stdout: string, stderr: string, exitCode: number): Result<PveStorageEntry[]> {
  if (exitCode !== 0) return pveshFailure(stderr, exitCode);
  const r = parseJsonAs(configSchema, stdout, 'pvesh /storage');
  if (!r.ok) return r;
  return ok(
    r.value.map((s) => {
      const nodes = list(s.nodes);
      return {
        id: s.storage,
        type: s.type,
        content: list(s.content),
        disabled: s.disable ?? false,
        ...(nodes.length > 0 ? { nodes } : {}),
        ...(s.server !== undefined ? { server: s.server } : {}),
        ...(s.datastore !== undefined ? { datastore: s.datastore } : {}),
        ...(s.namespace !== undefined && s.namespace !== '' ? { namespace: s.namespace } : {}),
        ...(s.username !== undefined ? { username: s.username } : {}),
        ...(s.fingerprint !== undefined ? { fingerprint: s.fingerprint } : {}),
      };
    }),
  );
}

const nodeSchema = z.array(
  z.looseObject({
    storage: z.string(),
    type: z.string(),
    content: optional(z.string()),
    active: optional(boolLike),
    enabled: optional(boolLike),
    avail: optional(numberLike),
  }),
);

export function parseNodeStorages(stdout: string, stderr: string, exitCode: number): Result<PveNodeStorage[]> {
  if (exitCode !== 0) return pveshFailure(stderr, exitCode);
  const r = parseJsonAs(nodeSchema, stdout, 'pvesh node storage');
  if (!r.ok) return r;
  return ok(
    r.value.map((s) => ({
      id: s.storage,
      type: s.type,
      content: list(s.content),
      active: s.active ?? false,
      enabled: s.enabled ?? true,
      ...(s.avail !== undefined ? { availBytes: s.avail } : {}),
    })),
  );
}
