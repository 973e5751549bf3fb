/**
 * The inventory as the rest of Strata uses it: validated, durations in
 * seconds, retention parsed, thresholds defaulted. A wrong file is refused
 * with its problems listed, each with its JSON path.
 *
 * A file can be hostile (megabytes of one key, nesting thousands deep, tens of
 * thousands of entries), so the text is scanned against INVENTORY_LIMITS
 * before it is parsed, lists are checked entry by entry until enough problems
 * are found, and the checks run as steps: a caller that waits between them
 * (the loader) lets a signal in while a big file is checked.
 */
import type { z } from 'zod';
import { parseAssetId } from './asset-id.js';
import { parseDuration } from './duration.js';
import type { HostFile, LayerFile, NotifyTargetFile, TierFile } from './inventory-file.js';
import { ProblemList, type InventoryProblem } from './inventory-problems.js';
import { hostSchema, inventorySchema, layerSchema, NAME, tierSchema } from './inventory-schema.js';
import { checkJsonText, type JsonLimits } from './json-error.js';
import { parseKeepOptions, type KeepOptions } from './retention/keep-options.js';
import { showValue } from './show-value.js';
import { SECRET_KEY, unknownKeyMessage } from './unknown-keys.js';
import { errorText } from './error-text.js';

export type { InventoryProblem } from './inventory-problems.js';

export type Layer = LayerFile & {
  readonly rpoSeconds: number | null;
  /** The layer's own verifyMaxAge, else thresholds.verifyMaxAge, else null (no age check). */
  readonly verifyMaxAgeSeconds: number | null;
};

export type Tier = TierFile & {
  readonly rpoSeconds: number;
  /** The tier's recovery time objective; null when the tier states none. */
  readonly rtoSeconds: number | null;
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

export interface Notifications {
  /** A problem that stays is told again after this long. */
  readonly remindEverySeconds: number;
  readonly targets: readonly NotifyTargetFile[];
}

export const DEFAULT_REMIND_EVERY_SECONDS = 86_400;

export interface Inventory {
  readonly version: 1;
  readonly hosts: readonly HostFile[];
  readonly layers: readonly Layer[];
  readonly tiers: readonly Tier[];
  readonly thresholds: Thresholds;
  readonly defaultTier: DefaultTier;
  readonly refreshSeconds: number;
  readonly probeTimeoutSeconds: number;
  /** Where messages go; no targets when the file has no `notifications`. */
  readonly notifications: Notifications;
}

export type InventoryValidation =
  | { readonly ok: true; readonly inventory: Inventory }
  | {
      readonly ok: false;
      readonly problems: InventoryProblem[];
      /** Checking stopped at PROBLEMS_COLLECTED: there may be more. */
      readonly stopped?: boolean;
    };

/**
 * What a file may be before it is parsed. The deepest value an inventory
 * has is five levels down (layers[0].secretEnv.NAME.command); a homelab has
 * dozens of hosts and layers. Far beyond that is a broken or hostile file.
 */
export const INVENTORY_LIMITS: JsonLimits & { readonly maxBytes: number } = {
  maxBytes: 4 * 1024 * 1024,
  maxDepth: 20,
  maxListItems: 50_000,
  maxObjectKeys: 1_000,
};

export const DEFAULT_THRESHOLDS: Thresholds = {
  rpoCritFactor: 2,
  capacityWarnPercent: 80,
  capacityCritPercent: 90,
  clockSkewWarnSeconds: 60,
  verifyMaxAgeSeconds: null,
};

export const DEFAULT_TIER: DefaultTier = { copies: 2, media: 1, offsite: 0, rpoSeconds: 86_400 };
export const DEFAULT_REFRESH_SECONDS = 60;
export const DEFAULT_PROBE_TIMEOUT_SECONDS = 20;

/** Validates a parsed JSON value; nothing is written, nothing is run. */
export function validateInventory(json: unknown): InventoryValidation {
  return runSteps(validationSteps(json));
}

/** Parses the file's text: invalid JSON is one problem with its line and column. */
export function parseInventoryText(text: string): InventoryValidation {
  return runSteps(inventoryTextSteps(text));
}

/** Runs checks that yield between steps to the end, at once. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** parseInventoryText as steps, each bounded in time; the caller may wait between them. */
export function* inventoryTextSteps(text: string): Generator<void, InventoryValidation> {
  // Editors on Windows start a UTF-8 file with a byte order mark; JSON.parse refuses it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const scan = checkJsonText(body, INVENTORY_LIMITS);
  if (!scan.ok) {
    const where = `line ${scan.line}, column ${scan.column}`;
    if (scan.kind === 'syntax') return refused('(file)', `invalid JSON at ${where}: ${scan.message}`);
    return refused(formatJsonPath(scan.path), `${scan.message} (at ${where}); no inventory needs that, so the file was not read further`);
  }
  yield;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    // The scan above accepts only what JSON.parse accepts; this is the parser's word if they ever differ.
    return refused('(file)', `invalid JSON: ${errorText(e)}`);
  }
  yield;
  const result = yield* validationSteps(json);
  if (scan.repeatedKeys.length === 0) return result;
  const repeated = scan.repeatedKeys.map((p) => ({ path: formatJsonPath(p), message: 'given twice; JSON keeps only the last one, so write it once' }));
  return { ok: false, problems: [...repeated, ...(result.ok ? [] : result.problems)], ...(!result.ok && result.stopped ? { stopped: true } : {}) };
}

function refused(path: string, message: string): InventoryValidation {
  const list = new ProblemList();
  list.add(path, message);
  return { ok: false, problems: list.problems };
}

/** Lists checked entry by entry, so checking can stop once enough problems are found. */
const LIST_ENTRIES = { hosts: hostSchema, layers: layerSchema, tiers: tierSchema } as const;
/** Entries checked between two yields. */
const ENTRIES_PER_STEP = 2_000;

/** validateInventory as steps. */
export function* validationSteps(json: unknown): Generator<void, InventoryValidation> {
  const problems = new ProblemList();
  yield* schemaProblems(json, problems);
  yield;
  yield* crossReferenceProblems(json, problems);
  if (problems.problems.length > 0) return { ok: false, problems: problems.problems, ...(problems.stopped ? { stopped: true } : {}) };
  // Every part passed on its own; the whole is parsed once more for its typed value.
  const parsed = inventorySchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) describeIssue(issue, issue.path, json, problems);
    return { ok: false, problems: problems.problems };
  }
  return { ok: true, inventory: normalize(parsed.data) };
}

function* schemaProblems(json: unknown, problems: ProblemList): Generator<void> {
  const lists = Object.keys(LIST_ENTRIES) as (keyof typeof LIST_ENTRIES)[];
  // The file without its lists' entries first (a list itself still has to be a list), then each entry.
  const shell = isObject(json) ? { ...json } : json;
  if (isObject(shell)) for (const k of lists) if (Array.isArray(shell[k])) shell[k] = [];
  const top = inventorySchema.safeParse(shell, { reportInput: true });
  if (!top.success) for (const issue of top.error.issues) describeIssue(issue, issue.path, json, problems);
  if (!isObject(json)) return;
  let checked = 0;
  for (const k of lists) {
    const entries = json[k];
    if (!Array.isArray(entries)) continue;
    for (let i = 0; i < entries.length; i++) {
      if (problems.full) {
        problems.stopped = true;
        return;
      }
      const r = LIST_ENTRIES[k].safeParse(entries[i], { reportInput: true });
      if (!r.success) for (const issue of r.error.issues) describeIssue(issue, [k, i, ...issue.path], json, problems);
      if (++checked % ENTRIES_PER_STEP === 0) yield;
    }
  }
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
    return { ...tier, rpoSeconds: seconds(tier.rpo)!, rtoSeconds: seconds(tier.rto), keep: keep?.ok ? keep.value : null };
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
    probeTimeoutSeconds: file.probeTimeoutSeconds ?? DEFAULT_PROBE_TIMEOUT_SECONDS,
    notifications: {
      remindEverySeconds: seconds(file.notifications?.remindEvery) ?? DEFAULT_REMIND_EVERY_SECONDS,
      targets: (file.notifications?.targets ?? []) as NotifyTargetFile[],
    },
  };
}

/** Keys longer than this are cut in a path (the problem's message can say more). */
const PATH_KEY_CHARS = 40;

/** `['layers', 3, 'rpo']` -> `layers[3].rpo`; odd keys quoted and escaped, long ones cut. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else {
      const s = String(p);
      const plain = s.length <= PATH_KEY_CHARS && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s);
      out += plain ? (out === '' ? s : `.${s}`) : `[${showValue(s, PATH_KEY_CHARS).replace(/ \([\d,]+ characters\)$/, '')}]`;
    }
  }
  return out === '' ? '(file)' : out;
}

function describeIssue(issue: z.core.$ZodIssue, at: readonly PropertyKey[], json: unknown, problems: ProblemList): void {
  const path = formatJsonPath(at);
  const add = (message: string) => problems.add(path, message);
  switch (issue.code) {
    case 'unrecognized_keys':
      for (const key of issue.keys) {
        if (problems.full) break;
        problems.add(formatJsonPath([...at, key]), unknownKeyMessage(key, at, json, problems));
      }
      return;
    case 'invalid_type': {
      if (issue.input === undefined) return add(`missing (expected ${article(issue.expected)})`);
      if (issue.message.startsWith('Invalid input')) return add(`expected ${article(issue.expected)}, got ${showValue(issue.input)}`);
      return add(issue.message);
    }
    case 'invalid_value':
      if (issue.message.startsWith('Invalid')) {
        return add(`expected one of ${issue.values.map((v) => showValue(v)).join(', ')}, got ${showValue(issue.input)}`);
      }
      return add(issue.message);
    case 'invalid_key': {
      // A record's key (an env variable name): the key's own check says what is wrong with it.
      const inner = issue.issues[0]?.message;
      return add(inner && !inner.startsWith('Invalid') ? inner : `${showValue(at.at(-1))} is not a valid key here`);
    }
    case 'too_small':
    case 'too_big':
      if (issue.message.startsWith('Too')) return add(issue.code === 'too_small' ? `must be at least ${issue.minimum}` : `must be at most ${issue.maximum}`);
      return add(issue.message);
    default:
      return add(issue.message);
  }
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'an object';
  if (expected === 'int') return 'a whole number';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Checks across the file that a schema cannot express. Reads the raw JSON
 * defensively, so these problems are listed even when other parts are wrong.
 * Yields every ENTRIES_PER_STEP entries, as the schema checks do.
 */
function* crossReferenceProblems(json: unknown, problems: ProblemList): Generator<void> {
  if (!isObject(json)) return;
  // A message is built only while the list has room: a file of 50,000 wrong references costs no 50,000 messages.
  const add = (path: PropertyKey[], message: () => string) => {
    if (problems.full) problems.stopped = true;
    else problems.add(formatJsonPath(path), message());
  };
  let entries = 0;
  const pause = () => ++entries % ENTRIES_PER_STEP === 0;

  const hosts = list(json.hosts);
  const hostIndex = new Map<string, number>();
  for (let i = 0; i < hosts.length; i++) {
    const h = hosts[i];
    const name = isObject(h) ? str(h.name) : undefined;
    if (name !== undefined) {
      const first = hostIndex.get(name);
      if (first !== undefined) add(['hosts', i, 'name'], () => `${showValue(name)} is already the name of hosts[${first}]`);
      else hostIndex.set(name, i);
    }
    if (pause()) yield;
  }
  const hostNames = [...hostIndex.keys()];
  const checkHost = (path: PropertyKey[], name: unknown) => {
    if (typeof name !== 'string' || !NAME.test(name) || hostIndex.has(name)) return;
    add(path, () => {
      const hint = problems.hint(name, hostNames);
      return `no host named ${showValue(name)}${hint ? ` (did you mean ${showValue(hint)}?)` : ''}`;
    });
  };

  const layers = list(json.layers);
  const layerIndex = new Map<string, number>();
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    const id = isObject(l) ? str(l.id) : undefined;
    if (id !== undefined) {
      const first = layerIndex.get(id);
      if (first !== undefined) add(['layers', i, 'id'], () => `${showValue(id)} is already the id of layers[${first}]`);
      else layerIndex.set(id, i);
    }
    if (pause()) yield;
  }
  const layerIds = [...layerIndex.keys()];
  const copyOf = new Map<string, string[]>();
  for (let i = 0; i < layers.length; i++) {
    if (pause()) yield;
    const l = layers[i];
    if (!isObject(l)) continue;
    checkHost(['layers', i, 'host'], l.host);
    if (isObject(l.source)) checkHost(['layers', i, 'source', 'host'], l.source.host);
    const id = str(l.id);
    const sources: string[] = [];
    list(l.copyOf).forEach((c, j) => {
      if (typeof c !== 'string') return;
      if (c === id) add(['layers', i, 'copyOf', j], () => `a layer cannot be a copy of itself`);
      else if (!layerIndex.has(c)) {
        add(['layers', i, 'copyOf', j], () => {
          const hint = problems.hint(c, layerIds);
          return `no layer named ${showValue(c)}${hint ? ` (did you mean ${showValue(hint)}?)` : ''}`;
        });
      } else sources.push(c);
    });
    if (l.carriers !== undefined && l.copyOf === undefined) add(['layers', i, 'carriers'], () => 'carriers only mean something with copyOf');
    if (id !== undefined && layerIndex.get(id) === i) copyOf.set(id, sources);
    for (const key of ['repository', 'remote'] as const) {
      const v = str(l[key]);
      if (v !== undefined && hasPasswordInUrl(v)) {
        add(['layers', i, key], () => 'contains a password in the URL; secrets never go in this file: use "secret" or "secretEnv"');
      }
    }
    if (isObject(l.env)) {
      for (const [k, v] of Object.entries(l.env)) {
        if (SECRET_KEY.test(k) && typeof v === 'string') {
          add(['layers', i, 'env', k], () => `looks like a secret; secrets never go in this file: move it to "secretEnv" as {"command"}, {"file"} or {"env"}`);
        }
      }
    }
  }
  yield;
  for (const cycle of findCycles(copyOf)) {
    const at = layerIndex.get(cycle[0]!)!;
    add(['layers', at, 'copyOf'], () => {
      const ids = cycle.length > 6 ? [...cycle.slice(0, 5).map(oneLineId), `… (${cycle.length.toLocaleString('en-US')} layers)`] : cycle.map(oneLineId);
      return `copyOf forms a cycle: ${[...ids, oneLineId(cycle[0]!)].join(' -> ')}`;
    });
  }
  yield;

  const tiers = list(json.tiers);
  const tierIndex = new Map<string, number>();
  const assetTier = new Map<string, string>();
  for (let i = 0; i < tiers.length; i++) {
    const t = tiers[i];
    if (!isObject(t)) continue;
    const name = str(t.name);
    if (name !== undefined) {
      const first = tierIndex.get(name);
      if (first !== undefined) add(['tiers', i, 'name'], () => `${showValue(name)} is already the name of tiers[${first}]`);
      else tierIndex.set(name, i);
    }
    const assets = list(t.assets);
    for (let j = 0; j < assets.length; j++) {
      if (pause()) yield;
      const a = assets[j];
      if (typeof a !== 'string') continue;
      const parsed = parseAssetId(a);
      if (parsed === null) continue;
      const other = assetTier.get(a);
      if (other !== undefined) {
        add(['tiers', i, 'assets', j], () =>
          other === name ? `${showValue(a)} is listed twice` : `${showValue(a)} is already in tier ${showValue(other)}; an asset belongs to one tier`,
        );
      } else assetTier.set(a, name ?? `tiers[${i}]`);
      if (parsed.kind === 'files' || parsed.kind === 'host') checkHost(['tiers', i, 'assets', j], parsed.host);
    }
  }

  if (isObject(json.notifications)) {
    const names = new Map<string, number>();
    list(json.notifications.targets).forEach((t, i) => {
      const n = isObject(t) ? str(t.name) : undefined;
      if (n === undefined) return;
      const first = names.get(n);
      if (first !== undefined) add(['notifications', 'targets', i, 'name'], () => `${showValue(n)} is already the name of notifications.targets[${first}]`);
      else names.set(n, i);
    });
  }

  if (isObject(json.thresholds)) {
    const w = json.thresholds.capacityWarnPercent;
    const c = json.thresholds.capacityCritPercent;
    const warn = typeof w === 'number' ? w : 80;
    const crit = typeof c === 'number' ? c : 90;
    if (warn >= crit) {
      add(['thresholds', typeof w === 'number' ? 'capacityWarnPercent' : 'capacityCritPercent'], () => `the warning level (${warn} %) must be below the critical level (${crit} %)`);
    }
  }
}

/** A layer id inside a message: ids are checked names, but a cycle can be found among unchecked ones. */
const oneLineId = (id: string) => (NAME.test(id) && id.length <= 60 ? id : showValue(id));

const USER_INFO = /[^/@\s]*/y;

/**
 * `scheme://user:password@host/...`: a user info part with a password. Read
 * by hand, not by a regular expression, whose backtracking over a long run
 * of colons would take minutes.
 */
export function hasPasswordInUrl(v: string): boolean {
  for (let at = v.indexOf('://'); at >= 0; at = v.indexOf('://', at + 3)) {
    USER_INFO.lastIndex = at + 3;
    USER_INFO.test(v);
    const end = USER_INFO.lastIndex;
    if (v[end] !== '@') continue;
    const colon = v.indexOf(':', at + 3);
    if (colon >= 0 && colon < end - 1) return true;
  }
  return false;
}

/** Each cycle once, starting at its first layer in file order; walked with a stack of its own (a chain can be 50,000 long). */
function findCycles(edges: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const path: string[] = [];
  const position = new Map<string, number>();
  for (const root of edges.keys()) {
    if (state.has(root)) continue;
    const work: { node: string; next: number }[] = [];
    const enter = (node: string) => {
      state.set(node, 'active');
      position.set(node, path.length);
      path.push(node);
      work.push({ node, next: 0 });
    };
    enter(root);
    while (work.length > 0) {
      const top = work.at(-1)!;
      const out = edges.get(top.node) ?? [];
      if (top.next < out.length) {
        const next = out[top.next++]!;
        const s = state.get(next);
        if (s === 'active') cycles.push(path.slice(position.get(next)!));
        else if (s === undefined) enter(next);
        continue;
      }
      work.pop();
      path.pop();
      position.delete(top.node);
      state.set(top.node, 'done');
    }
  }
  return cycles;
}
