/**
 * What to say about a key the schema refuses. "Did you mean" offers only
 * the keys of that very object (a host's keys for a host, an rclone layer's
 * for an rclone layer), so it can never offer the refused key back; a key
 * that another layer kind takes is named as such, with what this kind uses
 * instead.
 */
import { LAYER_KINDS, type LayerKind } from './inventory-file.js';
import { KEYS_OF, LAYER_KEYS, NOTIFY_TARGET_KEYS } from './inventory-schema.js';
import type { ProblemList } from './inventory-problems.js';

/** A key that names a secret: its value must never be in the file. */
export const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|credential/i;

/** For a key of another kind: where this kind takes what the operator meant. */
const INSTEAD: Partial<Record<LayerKind, Readonly<Record<string, string>>>> = {
  rclone: {
    env: 'rclone takes its config file as "configFile" (not RCLONE_CONFIG in "env"), and secret variables in "secretEnv"',
    repository: 'where rclone copies to is "remote"',
    paths: 'what rclone copies is "source"',
  },
  restic: {
    remote: 'a restic repository is "repository"',
    source: 'what restic backs up is "paths"',
    configFile: 'restic takes settings in "env", and secret ones in "secretEnv"',
  },
  pbs: {
    remote: 'a PBS datastore is "repository"',
    secretEnv: 'the password or API token of a PBS layer is "secret"',
    env: 'the password or API token of a PBS layer is "secret"',
  },
  'config-backup': {
    source: 'what config-backup archives is "paths", and where to is "directory"',
  },
};

/** The objects nested in a layer of some kinds, and the keys each takes. */
const NESTED_KEYS: Partial<Record<LayerKind, Readonly<Record<string, readonly string[]>>>> = {
  'zfs-replication': { source: KEYS_OF.replicationSource, target: KEYS_OF.replicationTarget },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function layerKindAt(json: unknown, index: unknown): LayerKind | undefined {
  if (!isObject(json) || !Array.isArray(json.layers) || typeof index !== 'number') return undefined;
  const kind = (json.layers[index] as { kind?: unknown } | undefined)?.kind;
  return (LAYER_KINDS as readonly unknown[]).includes(kind) ? (kind as LayerKind) : undefined;
}

/** The keys the object at `path` takes; empty where the schema has no object. */
export function keysAt(path: readonly PropertyKey[], json: unknown): readonly string[] {
  const [top, index, sub, ...rest] = path;
  if (path.length === 0) return KEYS_OF.inventory;
  if (top === 'defaultTier' && path.length === 1) return KEYS_OF.defaultTier;
  if (top === 'thresholds' && path.length === 1) return KEYS_OF.thresholds;
  if (top === 'hosts' && path.length === 2) return KEYS_OF.host;
  if (top === 'tiers' && path.length === 2) return KEYS_OF.tier;
  if (top === 'notifications' && path.length === 1) return KEYS_OF.notifications;
  if (top === 'notifications' && index === 'targets' && path.length === 3 && isObject(json) && isObject(json.notifications) && Array.isArray(json.notifications.targets)) {
    const kind = (json.notifications.targets[sub as number] as { kind?: unknown } | undefined)?.kind;
    return typeof kind === 'string' && Object.hasOwn(NOTIFY_TARGET_KEYS, kind) ? NOTIFY_TARGET_KEYS[kind as keyof typeof NOTIFY_TARGET_KEYS] : [];
  }
  if (top === 'layers') {
    const kind = layerKindAt(json, index);
    if (kind === undefined) return [];
    if (path.length === 2) return LAYER_KEYS[kind];
    const nested = NESTED_KEYS[kind];
    if (rest.length === 0 && typeof sub === 'string' && nested && Object.hasOwn(nested, sub)) return nested[sub]!;
  }
  return [];
}

/** The message for `key`, refused in the object at `path`. */
export function unknownKeyMessage(key: string, path: readonly PropertyKey[], json: unknown, problems: ProblemList): string {
  // "secret" itself is a key of other kinds: that, not the secrets rule, is what to say about it.
  const kind = path.length === 2 && path[0] === 'layers' ? layerKindAt(json, path[1]) : undefined;
  if (kind !== undefined) {
    const takers = LAYER_KINDS.filter((k) => LAYER_KEYS[k].includes(key));
    if (takers.length > 0) {
      const instead = INSTEAD[kind]?.[key];
      return `"${key}" is not a key of ${kind} layers (${takers.length === 1 ? 'only ' : ''}${listOf(takers)} layers take it)${instead ? `; ${instead}` : ''}`;
    }
  }
  if (SECRET_KEY.test(key.slice(0, 200))) {
    return 'unknown key; secrets never go in this file: use "secret" or "secretEnv" with {"command"}, {"file"} or {"env"}';
  }
  const hint = problems.hint(key, keysAt(path, json));
  // The path shows a long key cut; its length says what it was.
  const long = key.length > 40 ? ` of ${key.length.toLocaleString('en-US')} characters` : '';
  return `unknown key${long}${hint ? ` (did you mean "${hint}"?)` : ''}`;
}

function listOf(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
