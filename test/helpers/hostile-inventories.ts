/**
 * A seeded, deterministic corpus of broken inventory files: wrong types,
 * missing fields, huge strings, deep nesting, JSON cut short, duplicate ids
 * and keys, `../` in ids and paths, files over the size cap, invalid UTF-8,
 * control characters, unknown keys, tens of thousands of hosts. Every case
 * is broken on purpose: a Strata that accepts one of them has a bug (or the
 * generator has, and the failing case names the seed to look at it).
 */
import { readFileSync } from 'node:fs';
import { rng } from './nasty-strings.js';

export interface HostileCase {
  /** What was done to the file, for the failure message. */
  readonly name: string;
  readonly content: Buffer;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

const BASE = JSON.parse(readFileSync(new URL('../../examples/homelab.json', import.meta.url), 'utf8')) as { [key: string]: Json };

const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every path below the root, parents before children. */
function pathsOf(root: Json): Path[] {
  const out: Path[] = [];
  const work: [Json, Path][] = [[root, []]];
  while (work.length > 0) {
    const [v, p] = work.pop()!;
    if (p.length > 0) out.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => work.push([x, [...p, i]]));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) work.push([x, [...p, k]]);
  }
  return out;
}

function get(root: Json, path: Path): Json | undefined {
  let v: Json | undefined = root;
  for (const k of path) v = (v as Record<string | number, Json> | undefined)?.[k];
  return v;
}

function set(root: Json, path: Path, value: Json | undefined): void {
  const parent = get(root, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path.at(-1)!;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = value;
}

/** The file with raw JSON text at `path`: what JSON.stringify cannot write (1e400, 10,000-deep nesting). */
function withRaw(root: Json, path: Path, raw: string): string {
  const marker = '\u0000RAW';
  set(root, path, marker);
  return JSON.stringify(root).replace(JSON.stringify(marker), raw);
}

const typeOf = (v: Json | undefined) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Values of every JSON type, some of them odd: the largest number, an empty key, a prototype's name. */
const VALUES: Json[] = [7, -1, 1.5, 0, 1e308, '', 'x', 'seven', true, false, null, [], {}, [1, 'two'], { a: 1 }, { __proto__: 1 } as unknown as Json, ['pve1']];

/** Fields the schema requires, by kind of object. */
const REQUIRED_LAYER: Record<string, string[]> = {
  'pve-snapshots': ['id', 'kind', 'host'],
  vzdump: ['id', 'kind', 'host', 'storage'],
  pbs: ['id', 'kind', 'host', 'repository'],
  restic: ['id', 'kind', 'host', 'repository', 'secret'],
  'zfs-snapshots': ['id', 'kind', 'host', 'datasets'],
  'zfs-replication': ['id', 'kind', 'host', 'source', 'target'],
  rclone: ['id', 'kind', 'host', 'remote'],
  'config-backup': ['id', 'kind', 'host', 'paths', 'directory'],
};

const NASTY = ['\n', '\r', '\t', '\u0000', '\u001b[31m', '\u007f', '\u0085', '\u2028', '\u2029', '\u202e', '\ufeff', '"', '\\', '${x}', '$(id)', '../', '日本', '🙂', ' '];

export function hostileInventories(count: number, seed: number): HostileCase[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const clone = (): { [key: string]: Json } => structuredClone(BASE);
  const text = (v: unknown, pretty = r() < 0.5) => (pretty ? JSON.stringify(v, null, 2) : JSON.stringify(v));
  const bytes = (s: string) => Buffer.from(s, 'utf8');
  /** A string no field accepts: longer than any field takes, made of everything. */
  const junk = (length: number) => {
    let s = pick(NASTY);
    while (s.length < length) s += s.length < 64 ? pick(NASTY) + pick(['a', 'Z', '0', '.', '-']) : s;
    return s.slice(0, length);
  };
  /** JSON text nested `depth` deep, written out directly: JSON.stringify itself overflows the stack on it. */
  const nested = (depth: number): string => {
    const opens: string[] = [];
    for (let i = 0; i < depth; i++) opens.push(r() < 0.5 ? '[' : '{"k":');
    return `${opens.join('')}1${opens.map((o) => (o === '[' ? ']' : '}')).reverse().join('')}`;
  };
  /** Each returns a broken file and a word on how. */
  const mutations: Record<string, () => [string, Buffer]> = {
    'wrong type': () => {
      const inv = clone();
      const path = pick(pathsOf(inv));
      const old = get(inv, path);
      const value = pick(VALUES.filter((v) => typeOf(v) !== typeOf(old)));
      set(inv, path, value);
      return [`${path.join('.')} = ${JSON.stringify(value)}`, bytes(text(inv))];
    },
    'missing field': () => {
      const inv = clone();
      const candidates: Path[] = [['version'], ['hosts'], ['layers'], ['hosts', int(0, 4), 'name']];
      (inv.layers as { [key: string]: Json }[]).forEach((l, i) => REQUIRED_LAYER[l.kind as string]!.forEach((f) => candidates.push(['layers', i, f])));
      for (const f of ['name', 'rpo', 'copies', 'media', 'offsite', 'assets']) candidates.push(['tiers', int(0, 3), f]);
      const path = pick(candidates);
      set(inv, path, undefined);
      return [`without ${path.join('.')}`, bytes(text(inv))];
    },
    'huge string': () => {
      const inv = clone();
      const strings = pathsOf(inv).filter((p) => typeof get(inv, p) === 'string');
      const path = pick(strings);
      const length = pick([5_000, 5_000, 20_000, 20_000, 100_000, 1_000_000]);
      set(inv, path, junk(length));
      return [`${path.join('.')} = ${length} characters`, bytes(text(inv, false))];
    },
    'deep nesting': () => {
      const inv = clone();
      const path = pick(pathsOf(inv));
      const depth = pick([5, 21, 100, 1_000, 10_000]);
      return [`${path.join('.')} nested ${depth} deep`, bytes(withRaw(inv, path, nested(depth)))];
    },
    'cut short': () => {
      const t = text(clone());
      const at = int(0, t.lastIndexOf('}') - 1);
      return [`cut at ${at} of ${t.length}`, bytes(t.slice(0, at))];
    },
    'duplicate id': () => {
      const inv = clone();
      const which = int(0, 4);
      const layers = inv.layers as { [key: string]: Json }[];
      const hosts = inv.hosts as { [key: string]: Json }[];
      const tiers = inv.tiers as { [key: string]: Json }[];
      if (which === 0) layers[int(1, 9)]!.id = layers[0]!.id!;
      else if (which === 1) hosts[int(1, 4)]!.name = hosts[0]!.name!;
      else if (which === 2) tiers[int(1, 3)]!.name = tiers[0]!.name!;
      else if (which === 3) (tiers[1]!.assets as Json[]).push((tiers[0]!.assets as Json[])[0]!);
      else {
        // The same key twice in one object: JSON.parse would keep the last without a word.
        const t = text(inv, false).replace('"version":1', `"version":1,"hosts":[]`);
        return ['"hosts" given twice', bytes(t)];
      }
      return [`duplicate ${['layer id', 'host name', 'tier name', 'asset in two tiers'][which]}`, bytes(text(inv))];
    },
    'dot-dot': () => {
      const inv = clone();
      const candidates: Path[] = [
        ['layers', int(0, 9), 'id'],
        ['layers', int(0, 9), 'host'],
        ['hosts', int(0, 4), 'name'],
        ['layers', 9, 'directory'],
        ['layers', 9, 'paths', 0],
        ['layers', 8, 'source'],
        ['layers', 6, 'datasets', 0],
        ['layers', 7, 'source', 'dataset'],
        ['layers', 3, 'copyOf', 0],
        ['tiers', 0, 'name'],
      ];
      const path = pick(candidates);
      const old = String(get(inv, path));
      const value = pick([`../${old}`, `${old}/../../etc`, '../../etc/passwd', `/${old}/../..`, `tank/..`, '..']);
      set(inv, path, path[2] === 'directory' || path[2] === 'paths' || path[2] === 'source' ? (value.startsWith('/') ? value : `/srv/../${value}`) : value);
      return [`${path.join('.')} = ${JSON.stringify(get(inv, path))}`, bytes(text(inv))];
    },
    'over the size cap': () => {
      const inv = clone();
      const size = int(4 * 1024 * 1024 + 1, 5_500_000);
      const t = text(inv);
      return [`${size} bytes`, bytes(`${t}${' '.repeat(size - t.length)}`)];
    },
    'invalid UTF-8': () => {
      const t = bytes(text(clone()));
      const quotes = [...t.entries()].filter(([, b]) => b === 0x22).map(([i]) => i);
      const at = pick(quotes) + 1;
      const bad = pick([[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xe2, 0x82]]);
      return [`bytes ${bad.map((b) => b.toString(16)).join(' ')} at ${at}`, Buffer.concat([t.subarray(0, at), Buffer.from(bad), t.subarray(at)])];
    },
    'control character': () => {
      const inv = clone();
      const path = pick([['hosts', int(0, 4), 'name'], ['layers', int(0, 9), 'id'], ['layers', int(0, 9), 'kind'], ['layers', 1, 'rpo'], ['tiers', 0, 'assets', 0]] as Path[]);
      const c = pick(NASTY.slice(0, 11));
      set(inv, path, `${String(get(inv, path))}${c}second line`);
      if (r() < 0.3) {
        // Raw, unescaped, in the JSON text itself.
        return [`raw ${JSON.stringify(c)} in ${path.join('.')}`, bytes(text(inv, false).replace(JSON.stringify(c).slice(1, -1), c === '\n' ? '\n' : '\u0001'))];
      }
      return [`${JSON.stringify(c)} in ${path.join('.')}`, bytes(text(inv))];
    },
    'unknown key': () => {
      const inv = clone();
      const layers = inv.layers as { [key: string]: Json }[];
      if (r() < 0.3) {
        // A key another layer kind takes (the rclone layer given "env", as a restic layer takes).
        const [kind, key] = pick([['rclone', 'env'], ['rclone', 'repository'], ['restic', 'remote'], ['restic', 'configFile'], ['pbs', 'secretEnv'], ['vzdump', 'datasets'], ['config-backup', 'source']]);
        layers.find((l) => l.kind === kind)![key] = key === 'source' ? '/srv' : { RCLONE_CONFIG: '/root/.rclone.conf' };
        return [`${key} on a ${kind} layer`, bytes(text(inv))];
      }
      const where = pick([[], ['hosts', int(0, 4)], ['layers', int(0, 9)], ['tiers', int(0, 3)], ['layers', 7, 'source']] as Path[]);
      const obj = get(inv, where) as { [key: string]: Json };
      const key = pick([
        'reop', 'hots', 'repositroy', 'Env', 'password', 'apiToken', '__proto__', 'constructor', 'toString', '', ' ', 'kind ',
        `k${junk(int(1, 3000))}`, 'a'.repeat(int(65, 200_000)),
      ]);
      // Defined, not assigned: "__proto__" must be an own key, as JSON.parse makes it.
      Object.defineProperty(obj, key, { value: 1, enumerable: true, writable: true, configurable: true });
      return [`${key.length}-character key ${JSON.stringify(key.slice(0, 20))} in ${where.join('.') || 'the top'}`, bytes(text(inv))];
    },
    'wrong root': () => {
      const root = pick(['', ' ', '\n', '[]', '"inventory"', '1', 'null', 'true', '{}', '\ufeff', '\ufeff{', '[{"version":1}]', '{"version":1}', '{"version":2,"hosts":[],"layers":[]}']);
      return [`root ${JSON.stringify(root)}`, bytes(root)];
    },
    'literal secret': () => {
      const inv = clone();
      const layer = pick([2, 3, 4, 5]);
      const value = pick<Json>(['hunter2', 42, { password: 'hunter2' }, { file: '' }, { env: 'lower case!' }, { command: 'x', file: '/y' }]);
      (inv.layers as { [key: string]: Json }[])[layer]!.secret = value;
      return [`layers.${layer}.secret = ${JSON.stringify(value)}`, bytes(text(inv))];
    },
    'bad number': () => {
      const inv = clone();
      const [path, value] = pick<[Path, string]>([
        [['hosts', 2, 'port'], '1e400'],
        [['hosts', 2, 'port'], '70000'],
        [['hosts', 2, 'port'], '-1'],
        [['hosts', 2, 'port'], '22.5'],
        [['tiers', 0, 'copies'], '0'],
        [['version'], '1.0000001'],
        [['refreshSeconds'], '-0'],
        [['probeTimeoutSeconds'], '1e9'],
        [['thresholds'], '{"rpoCritFactor":0.5}'],
        [['thresholds'], '{"capacityWarnPercent":95,"capacityCritPercent":90}'],
      ]);
      return [`${path.join('.')} = ${value}`, bytes(withRaw(inv, path, value))];
    },
    'copyOf cycle': () => {
      const inv = clone();
      const n = pick([1, 2, 3, 50, 2_000]);
      const layers = inv.layers as { [key: string]: Json }[];
      for (let i = 0; i < n; i++) layers.push({ id: `c${i}`, kind: 'vzdump', host: 'pve1', storage: 's', copyOf: [`c${(i + 1) % n}`] });
      return [`a cycle of ${n}`, bytes(text(inv, false))];
    },
    'many problems': () => {
      const inv = clone();
      const n = pick([60, 60, 600, 600, 6_000, 49_000]);
      const junkEntry = pick<Json>([7, null, 'x', {}, { name: 'bad name' }, { id: 'x', kind: 'tape', host: 'nowhere' }]);
      (inv[pick(['hosts', 'layers', 'tiers'])] as Json[]).push(...Array.from({ length: n }, () => structuredClone(junkEntry)));
      return [`${n} broken entries`, bytes(text(inv, false))];
    },
    'too many entries': () => {
      const inv = clone();
      const n = int(50_001, 60_000);
      inv[pick(['hosts', 'layers'])] = Array.from({ length: n }, () => 0);
      return [`a list of ${n}`, bytes(text(inv, false))];
    },
  };

  // Files of megabytes are few: each costs a write and a read, and one shows what a hundred would.
  const rare = new Set(['over the size cap', 'too many entries']);
  const names = Object.keys(mutations).flatMap((n) => (rare.has(n) ? [n] : [n, n, n, n, n, n, n, n, n, n]));
  const out: HostileCase[] = [...namedCases(r)];
  while (out.length < count) {
    const kind = pick(names);
    const [how, content] = mutations[kind]!();
    out.push({ name: `${out.length}: ${kind}: ${how}`.slice(0, 200), content });
  }
  return out;
}

/** The cases the reports named, always in the corpus. */
function namedCases(r: () => number): HostileCase[] {
  const base = structuredClone(BASE);
  const bytes = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');
  const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
  const hosts = Array.from({ length: 25_000 }, (_, i) => ({ name: `host-${i}` }));
  const layers = Array.from({ length: 25_000 }, (_, i) => ({ id: `dump-${i}`, kind: 'vzdump', host: `hots-${i}`, storage: 'local' }));
  const rclone = (base.layers as { [key: string]: Json }[]).find((l) => l.kind === 'rclone')!;
  return [
    { name: 'values nested 10,000 deep', content: bytes(withRaw(structuredClone(base), ['layers'], deep)) },
    { name: 'a list nested 10,000 deep and cut short', content: bytes('['.repeat(10_000)) },
    { name: '25,000 hosts and 25,000 layers on misspelt hosts', content: bytes({ version: 1, hosts, layers }) },
    { name: 'a 3.5 MB unknown key', content: bytes({ ...base, ['k'.repeat(3_500_000)]: 1 }) },
    { name: 'a 3.9 MB bad host name', content: bytes({ ...base, hosts: [{ name: `a\n${'b'.repeat(3_900_000)}` }] }) },
    { name: 'a 5 MB bad value (over the cap)', content: bytes({ ...base, hosts: [{ name: 'x'.repeat(5_000_000) }] }) },
    { name: 'a newline inside a value', content: bytes({ ...base, hosts: [{ name: 'pve1\nlayers[0].id: looks like another problem' }] }) },
    { name: 'an rclone layer given env', content: bytes({ ...base, layers: [{ ...rclone, env: { RCLONE_CONFIG: '/root/.config/rclone/rclone.conf' } }] }) },
    { name: 'an empty file', content: bytes('') },
    { name: `invalid UTF-8 (seeded ${Math.floor(r() * 1000)})`, content: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
  ];
}
