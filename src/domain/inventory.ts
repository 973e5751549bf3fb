/**
 * The inventory as the rest of Strata uses it: validated, durations in
 * seconds, retention parsed, thresholds defaulted. A wrong file is refused
 * with every problem listed, each with its JSON path.
 */
import type { z } from 'zod';
import { parseAssetId } from './asset-id.js';
import { parseDuration } from './duration.js';
import type { HostFile, LayerFile, TierFile } from './inventory-file.js';
import { inventorySchema, NAME } from './inventory-schema.js';
import { locateJsonError } from './json-error.js';
import { parseKeepOptions, type KeepOptions } from './retention/keep-options.js';
import { suggest } from './suggest.js';

export type Layer = LayerFile & {
  readonly rpoSeconds: number | null;
  /** The layer's own verifyMaxAge, else thresholds.verifyMaxAge, else null (no age check). */
  readonly verifyMaxAgeSeconds: number | null;
};

export type Tier = TierFile & {
  readonly rpoSeconds: number;
  readonly keep: KeepOptions | null;
};

export interface Thresholds {
  readonly rpoCritFactor: number;
  readonly capacityWarnPercent: number;
  readonly capacityCritPercent: number;
  readonly clockSkewWarnSeconds: number;
  readonly verifyMaxAgeSeconds: number | null;
}

export interface DefaultTier {
  readonly copies: number;
  readonly media: number;
  readonly offsite: number;
  /** Freshness window for points of layers that have no rpo. */
  readonly rpoSeconds: number;
}

export interface Inventory {
  readonly version: 1;
  readonly hosts: readonly HostFile[];
  readonly layers: readonly Layer[];
  readonly tiers: readonly Tier[];
  readonly thresholds: Thresholds;
  readonly defaultTier: DefaultTier;
  readonly refreshSeconds: number;
}

export interface InventoryProblem {
  /** JSON path like `layers[3].rpo`; `(file)` for the file as a whole. */
  readonly path: string;
  readonly message: string;
}

export type InventoryValidation =
  | { readonly ok: true; readonly inventory: Inventory }
  | { readonly ok: false; readonly problems: InventoryProblem[] };

export const DEFAULT_THRESHOLDS: Thresholds = {
  rpoCritFactor: 2,
  capacityWarnPercent: 80,
  capacityCritPercent: 90,
  clockSkewWarnSeconds: 60,
  verifyMaxAgeSeconds: null,
};

export const DEFAULT_TIER: DefaultTier = { copies: 2, media: 1, offsite: 0, rpoSeconds: 86_400 };
export const DEFAULT_REFRESH_SECONDS = 60;

/** Validates a parsed JSON value; nothing is written, nothing is run. */
export function validateInventory(json: unknown): InventoryValidation {
  const problems: InventoryProblem[] = [];
  const parsed = inventorySchema.safeParse(json, { reportInput: true });
  if (!parsed.success) for (const issue of parsed.error.issues) problems.push(...describeIssue(issue));
  problems.push(...crossReferenceProblems(json));
  if (!parsed.success || problems.length > 0) return { ok: false, problems: dedupe(problems) };
  return { ok: true, inventory: normalize(parsed.data) };
}

/** Parses the file's text: invalid JSON is one problem with its line and column. */
export function parseInventoryText(text: string): InventoryValidation {
  const bad = locateJsonError(text);
  if (bad !== null) {
    return { ok: false, problems: [{ path: '(file)', message: `invalid JSON at line ${bad.line}, column ${bad.column}: ${bad.message}` }] };
  }
  return validateInventory(JSON.parse(text));
}

function normalize(file: z.infer<typeof inventorySchema>): Inventory {
  const seconds = (d: string | undefined): number | null => (d === undefined ? null : (parseDuration(d) as { value: number }).value);
  const t = file.thresholds ?? {};
  const thresholds: Thresholds = {
    rpoCritFactor: t.rpoCritFactor ?? DEFAULT_THRESHOLDS.rpoCritFactor,
    capacityWarnPercent: t.capacityWarnPercent ?? DEFAULT_THRESHOLDS.capacityWarnPercent,
    capacityCritPercent: t.capacityCritPercent ?? DEFAULT_THRESHOLDS.capacityCritPercent,
    clockSkewWarnSeconds: t.clockSkewWarnSeconds ?? DEFAULT_THRESHOLDS.clockSkewWarnSeconds,
    verifyMaxAgeSeconds: seconds(t.verifyMaxAge),
  };
  const layers: Layer[] = (file.layers as LayerFile[]).map((l) => ({
    ...l,
    rpoSeconds: seconds(l.rpo),
    verifyMaxAgeSeconds: seconds(l.verifyMaxAge) ?? thresholds.verifyMaxAgeSeconds,
  }));
  const tiers: Tier[] = (file.tiers ?? []).map((tier) => {
    const keep = tier.retention === undefined ? null : parseKeepOptions(tier.retention);
    return { ...tier, rpoSeconds: seconds(tier.rpo)!, keep: keep?.ok ? keep.value : null };
  });
  const d = file.defaultTier ?? {};
  return {
    version: 1,
    hosts: file.hosts,
    layers,
    tiers,
    thresholds,
    defaultTier: {
      copies: d.copies ?? DEFAULT_TIER.copies,
      media: d.media ?? DEFAULT_TIER.media,
      offsite: d.offsite ?? DEFAULT_TIER.offsite,
      rpoSeconds: seconds(d.rpo) ?? DEFAULT_TIER.rpoSeconds,
    },
    refreshSeconds: file.refreshSeconds ?? DEFAULT_REFRESH_SECONDS,
  };
}

/** `['layers', 3, 'rpo']` -> `layers[3].rpo` */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else {
      const s = String(p);
      const plain = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s);
      out += plain ? (out === '' ? s : `.${s}`) : `[${JSON.stringify(s)}]`;
    }
  }
  return out === '' ? '(file)' : out;
}

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|credential/i;

/** Keys the schema knows at each kind of place, for "did you mean". */
const KNOWN_KEYS = [
  'version', 'hosts', 'layers', 'tiers', 'defaultTier', 'thresholds', 'refreshSeconds', 'name', 'transport', 'address',
  'port', 'user', 'identityFile', 'knownHostsFile', 'hostKeyFingerprint', 'node', 'id', 'kind', 'host', 'description',
  'media', 'offsite', 'rpo', 'copyOf', 'verifyMaxAge', 'carriers', 'guests', 'storage', 'repository', 'secret',
  'fingerprint', 'namespace', 'datastore', 'datasets', 'source', 'target', 'dataset', 'paths', 'secretEnv', 'env',
  'remote', 'configFile', 'directory', 'copies', 'retention', 'assets', 'rpoCritFactor', 'capacityWarnPercent',
  'capacityCritPercent', 'clockSkewWarnSeconds',
];

function describeIssue(issue: z.core.$ZodIssue): InventoryProblem[] {
  const path = formatJsonPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const at = formatJsonPath([...issue.path, key]);
        if (SECRET_KEY.test(key)) {
          return { path: at, message: `unknown key; secrets never go in this file: use "secret" or "secretEnv" with {"command"}, {"file"} or {"env"}` };
        }
        const hint = suggest(key, KNOWN_KEYS);
        return { path: at, message: `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}` };
      });
    case 'invalid_type': {
      if (issue.input === undefined) return [{ path, message: `missing (expected ${article(issue.expected)})` }];
      if (issue.message.startsWith('Invalid input')) {
        return [{ path, message: `expected ${article(issue.expected)}, got ${JSON.stringify(issue.input) ?? String(issue.input)}` }];
      }
      return [{ path, message: issue.message }];
    }
    case 'invalid_value':
      if (issue.message.startsWith('Invalid')) {
        return [{ path, message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(issue.input)}` }];
      }
      return [{ path, message: issue.message }];
    case 'too_small':
    case 'too_big':
      if (issue.message.startsWith('Too')) return [{ path, message: issue.code === 'too_small' ? `must be at least ${issue.minimum}` : `must be at most ${issue.maximum}` }];
      return [{ path, message: issue.message }];
    default:
      return [{ path, message: issue.message }];
  }
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'an object';
  if (expected === 'int') return 'a whole number';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function dedupe(problems: InventoryProblem[]): InventoryProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\0${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Checks across the file that a schema cannot express. Reads the raw JSON
 * defensively, so these problems are listed even when other parts are wrong.
 */
function crossReferenceProblems(json: unknown): InventoryProblem[] {
  if (!isObject(json)) return [];
  const problems: InventoryProblem[] = [];
  const add = (path: PropertyKey[], message: string) => problems.push({ path: formatJsonPath(path), message });

  const hostIndex = new Map<string, number>();
  list(json.hosts).forEach((h, i) => {
    const name = isObject(h) ? str(h.name) : undefined;
    if (name === undefined) return;
    const first = hostIndex.get(name);
    if (first !== undefined) add(['hosts', i, 'name'], `"${name}" is already the name of hosts[${first}]`);
    else hostIndex.set(name, i);
  });
  const hostNames = [...hostIndex.keys()];
  const checkHost = (path: PropertyKey[], name: unknown) => {
    if (typeof name !== 'string' || !NAME.test(name) || hostIndex.has(name)) return;
    const hint = suggest(name, hostNames);
    add(path, `no host named "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
  };

  const layers = list(json.layers);
  const layerIndex = new Map<string, number>();
  layers.forEach((l, i) => {
    const id = isObject(l) ? str(l.id) : undefined;
    if (id === undefined) return;
    const first = layerIndex.get(id);
    if (first !== undefined) add(['layers', i, 'id'], `"${id}" is already the id of layers[${first}]`);
    else layerIndex.set(id, i);
  });
  const layerIds = [...layerIndex.keys()];
  const copyOf = new Map<string, string[]>();
  layers.forEach((l, i) => {
    if (!isObject(l)) return;
    checkHost(['layers', i, 'host'], l.host);
    if (isObject(l.source)) checkHost(['layers', i, 'source', 'host'], l.source.host);
    const id = str(l.id);
    const sources: string[] = [];
    list(l.copyOf).forEach((c, j) => {
      if (typeof c !== 'string') return;
      if (c === id) add(['layers', i, 'copyOf', j], `a layer cannot be a copy of itself`);
      else if (!layerIndex.has(c)) {
        const hint = suggest(c, layerIds);
        add(['layers', i, 'copyOf', j], `no layer named "${c}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
      } else sources.push(c);
    });
    if (l.carriers !== undefined && l.copyOf === undefined) add(['layers', i, 'carriers'], 'carriers only mean something with copyOf');
    if (id !== undefined && layerIndex.get(id) === i) copyOf.set(id, sources);
    for (const key of ['repository', 'remote'] as const) {
      const v = str(l[key]);
      if (v !== undefined && /:\/\/[^/@\s]*:[^/@\s]+@/.test(v)) {
        add(['layers', i, key], 'contains a password in the URL; secrets never go in this file: use "secret" or "secretEnv"');
      }
    }
    if (isObject(l.env)) {
      for (const [k, v] of Object.entries(l.env)) {
        if (SECRET_KEY.test(k) && typeof v === 'string') {
          add(['layers', i, 'env', k], `looks like a secret; secrets never go in this file: move it to "secretEnv" as {"command"}, {"file"} or {"env"}`);
        }
      }
    }
  });
  for (const cycle of findCycles(copyOf)) {
    const at = layerIndex.get(cycle[0]!)!;
    add(['layers', at, 'copyOf'], `copyOf forms a cycle: ${[...cycle, cycle[0]].join(' -> ')}`);
  }

  const tierIndex = new Map<string, number>();
  const assetTier = new Map<string, string>();
  list(json.tiers).forEach((t, i) => {
    if (!isObject(t)) return;
    const name = str(t.name);
    if (name !== undefined) {
      const first = tierIndex.get(name);
      if (first !== undefined) add(['tiers', i, 'name'], `"${name}" is already the name of tiers[${first}]`);
      else tierIndex.set(name, i);
    }
    list(t.assets).forEach((a, j) => {
      if (typeof a !== 'string') return;
      const parsed = parseAssetId(a);
      if (parsed === null) return;
      const other = assetTier.get(a);
      if (other !== undefined) {
        add(['tiers', i, 'assets', j], other === name ? `"${a}" is listed twice` : `"${a}" is already in tier "${other}"; an asset belongs to one tier`);
      } else assetTier.set(a, name ?? `tiers[${i}]`);
      if (parsed.kind === 'files' || parsed.kind === 'host') checkHost(['tiers', i, 'assets', j], parsed.host);
    });
  });

  if (isObject(json.thresholds)) {
    const w = json.thresholds.capacityWarnPercent;
    const c = json.thresholds.capacityCritPercent;
    const warn = typeof w === 'number' ? w : 80;
    const crit = typeof c === 'number' ? c : 90;
    if (warn >= crit) add(['thresholds', typeof w === 'number' ? 'capacityWarnPercent' : 'capacityCritPercent'], `the warning level (${warn} %) must be below the critical level (${crit} %)`);
  }
  return problems;
}

/** Each cycle once, starting at its first layer in file order. */
function findCycles(edges: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'active');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const s = state.get(next);
      if (s === 'active') cycles.push(stack.slice(stack.indexOf(next)));
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return cycles;
}
