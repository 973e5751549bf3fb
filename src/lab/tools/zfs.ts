/**
 * `zfs` of OpenZFS 2.x on a simulated host: `list` and `get` (with -H
 * tab-separated, -p exact numbers and epoch times), `snapshot`, `rollback`
 * (refusing without -r when newer snapshots exist, without -R when clones of
 * them exist), `clone`, `set readonly`, `destroy` of snapshots and datasets,
 * and `send` / `recv` of a stream that carries the snapshots.
 */
import type { ToolContext } from '../shell/types.js';
import { strftime, zoneFor } from '../state/clock.js';
import {
  createSnapshot,
  dataset,
  decodeStream,
  destroySnapshot,
  encodeStream,
  findSnapshot,
  makeStream,
  newerThan,
  poolOf,
  receiveStream,
  sortedSnapshots,
  subtree,
} from '../state/zfs.js';
import type { FileSet, ZfsDataset, ZfsSnapshot, ZfsState } from '../state/types.js';
import { datasetFiles, dropDatasetFiles, replaceDatasetFiles } from '../state/zfs-files.js';
import { mkdirs } from '../state/fs.js';
import { alignColumns, zfsNicenum } from './format.js';
import { zfsModule } from './zfs-module.js';

interface Row {
  ds: ZfsDataset;
  snap?: ZfsSnapshot;
}

const PROPS = ['name', 'used', 'avail', 'available', 'refer', 'referenced', 'mountpoint', 'creation', 'type', 'guid', 'createtxg', 'compressratio', 'usedbysnapshots'];

const NAME_CHARS = /^[A-Za-z0-9_.:-]+$/;

function usage(ctx: ToolContext, msg: string, sub: string): number {
  const lines: Record<string, string> = {
    list: '\tlist [-Hp] [-r|-d max] [-o property[,...]] [-s property]...\n\t    [-S property]... [-t type[,...]] [filesystem|volume|snapshot] ...',
    get: '\tget [-rHp] [-d max] [-o "all" | field[,...]]\n\t    [-t type[,...]] [-s source[,...]]\n\t    <"all" | property[,...]> [filesystem|volume|snapshot|bookmark] ...',
    snapshot: '\tsnapshot [-r] [-o property=value] ... <filesystem|volume>@<snap> ...',
    rollback: '\trollback [-rRf] <snapshot>',
    destroy: '\tdestroy [-fnpRrv] <filesystem|volume>\n\tdestroy [-dnpRrv] <filesystem|volume>@<snap>[%<snap>][,...]',
    send: '\tsend [-DLPbcehnpsVvw] [-i|-I snapshot] [-R [-X dataset[,dataset]...]] <snapshot>',
    receive: '\treceive [-vMnsFhu] [-o <property>=<value>] ... [-x <property>] ...\n\t    <filesystem|volume|snapshot>',
    clone: '\tclone [-p] [-o property=value] ... <snapshot> <filesystem|volume>',
    set: '\tset <property=value> ... <filesystem|volume|snapshot> ...',
  };
  ctx.err(`${msg ? `${msg}\n` : ''}usage:\n${lines[sub] ?? ''}\n`);
  return 2;
}

function propValue(ctx: ToolContext, zfs: ZfsState, r: Row, prop: string, exact: boolean): string {
  const size = (n: number) => (exact ? String(n) : zfsNicenum(n));
  const pool = zfs.pools[poolOf(r.ds.name)];
  const free = pool ? Math.max(0, pool.size - pool.alloc) : 0;
  switch (prop) {
    case 'name':
      return r.snap ? `${r.ds.name}@${r.snap.name}` : r.ds.name;
    case 'used':
      return size(r.snap ? r.snap.used : r.ds.used);
    case 'avail':
    case 'available':
      return r.snap ? '-' : size(free);
    case 'refer':
    case 'referenced':
      return size(r.snap ? r.snap.referenced : r.ds.referenced);
    case 'mountpoint':
      return r.snap || r.ds.type === 'volume' ? '-' : (r.ds.mountpoint ?? 'none');
    case 'creation': {
      const t = r.snap ? r.snap.creation : r.ds.creation;
      return exact ? String(t) : strftime('%a %b %e %H:%M %Y', t, zoneFor(ctx.env, ctx.host));
    }
    case 'type':
      return r.snap ? 'snapshot' : r.ds.type;
    case 'guid':
      return r.snap ? r.snap.guid : r.ds.guid;
    case 'createtxg':
      return String(r.snap ? r.snap.createtxg : 1);
    case 'compressratio':
      return exact ? '1.42' : '1.42x';
    case 'usedbysnapshots':
      return r.snap ? '-' : size(r.ds.snapshots.reduce((n, s) => n + s.used, 0));
    default:
      return '-';
  }
}

interface ListOpts {
  scripted: boolean;
  exact: boolean;
  recursive: boolean;
  depth?: number;
  types: Set<string>;
  props: string[];
  sortBy: { prop: string; desc: boolean }[];
  names: string[];
  typesGiven: boolean;
}

function parseListArgs(args: readonly string[], forGet: boolean): ListOpts | string {
  const o: ListOpts = { scripted: false, exact: false, recursive: false, types: new Set(['filesystem', 'volume']), props: ['name', 'used', 'avail', 'refer', 'mountpoint'], sortBy: [], names: [], typesGiven: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-') {
      o.names.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      const value = () => {
        const rest = a.slice(j + 1);
        j = a.length;
        const v = rest || args[++i];
        if (v === undefined) throw new Error(`missing argument for '${f}' option`);
        return v;
      };
      if (f === 'H') o.scripted = true;
      else if (f === 'p') o.exact = true;
      else if (f === 'r') o.recursive = true;
      else if (f === 'd') o.depth = Number(value());
      else if (f === 't') {
        o.typesGiven = true;
        o.types = new Set(value().split(',').flatMap((t) => (t === 'all' ? ['filesystem', 'volume', 'snapshot'] : t === 'snap' ? ['snapshot'] : t === 'fs' ? ['filesystem'] : [t])));
        for (const t of o.types) if (!['filesystem', 'volume', 'snapshot', 'bookmark'].includes(t)) throw new Error(`invalid type '${t}'`);
      } else if (f === 'o') o.props = value().split(',');
      else if (f === 's' && !forGet) o.sortBy.push({ prop: value(), desc: false });
      else if (f === 'S') o.sortBy.push({ prop: value(), desc: true });
      else if (f === 's' && forGet) value();
      else throw new Error(`invalid option '${f}'`);
    }
  }
  return o;
}

/** The datasets and snapshots a list/get selects, in zfs's default order. */
function select(zfs: ZfsState, o: ListOpts): Row[] | { missing: string } {
  const rows: Row[] = [];
  const roots = o.names.length > 0 ? o.names : Object.keys(zfs.pools);
  for (const name of roots) {
    const [dsName, snapName] = name.split('@') as [string, string | undefined];
    const ds = dataset(zfs, dsName);
    if (!ds) return { missing: name };
    if (snapName !== undefined) {
      const s = findSnapshot(ds, snapName);
      if (!s) return { missing: name };
      rows.push({ ds, snap: s });
      continue;
    }
    const maxDepth = o.depth ?? (o.recursive || o.names.length === 0 ? Infinity : 0);
    const base = ds.name.split('/').length;
    // `zfs list -t snapshot DATASET` (no -r, no -d) lists that dataset's own snapshots.
    const ownSnapshots = o.names.length > 0 && o.depth === undefined && !o.recursive;
    for (const d of subtree(zfs, ds.name)) {
      const depth = d.name.split('/').length - base;
      if (depth > maxDepth) continue;
      if (o.types.has(d.type)) rows.push({ ds: d });
      if (o.types.has('snapshot') && (depth + 1 <= maxDepth || (ownSnapshots && depth === 0))) {
        for (const s of sortedSnapshots(d)) rows.push({ ds: d, snap: s });
      }
    }
  }
  return rows;
}

function compare(ctx: ToolContext, zfs: ZfsState, sortBy: ListOpts['sortBy']) {
  return (a: Row, b: Row): number => {
    for (const { prop, desc } of sortBy) {
      const va = propValue(ctx, zfs, a, prop, true);
      const vb = propValue(ctx, zfs, b, prop, true);
      const na = Number(va);
      const nb = Number(vb);
      const c = Number.isFinite(na) && Number.isFinite(nb) ? na - nb : va < vb ? -1 : va > vb ? 1 : 0;
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  };
}

function list(ctx: ToolContext, zfs: ZfsState, args: readonly string[]): number {
  let o: ListOpts | string;
  try {
    o = parseListArgs(args, false);
  } catch (e) {
    return usage(ctx, (e as Error).message, 'list');
  }
  if (typeof o === 'string') return usage(ctx, o, 'list');
  for (const p of o.props) if (!PROPS.includes(p)) return usage(ctx, `bad property list: invalid property '${p}'`, 'list');
  const rows = select(zfs, o);
  if ('missing' in rows) {
    ctx.err(`cannot open '${rows.missing}': dataset does not exist\n`);
    return 1;
  }
  if (o.sortBy.length > 0) rows.sort(compare(ctx, zfs, o.sortBy));
  const cells = rows.map((r) => o.props.map((p) => propValue(ctx, zfs, r, p, o.exact)));
  if (o.scripted) {
    ctx.out(cells.map((c) => `${c.join('\t')}\n`).join(''));
    return 0;
  }
  if (cells.length === 0) {
    ctx.err('no datasets available\n');
    return 0;
  }
  const header = o.props.map((p) => ({ available: 'AVAIL', referenced: 'REFER' })[p] ?? p.toUpperCase());
  const right = new Set(o.props.map((p, i) => (['used', 'avail', 'available', 'refer', 'referenced'].includes(p) ? i : -1)).filter((i) => i >= 0));
  ctx.out(`${alignColumns([header, ...cells], right)}\n`);
  return 0;
}

function get(ctx: ToolContext, zfs: ZfsState, args: readonly string[]): number {
  const fields: string[] = ['name', 'property', 'value', 'source'];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o' || (a.startsWith('-') && a.includes('o') && !a.startsWith('-o'))) {
      // -o takes the next word; flags before it in the same cluster stay.
      const flags = a.replace('o', '');
      if (flags !== '-') rest.push(flags);
      fields.splice(0, fields.length, ...(args[++i] ?? '').split(','));
    } else if (a.startsWith('-o')) fields.splice(0, fields.length, ...a.slice(2).split(','));
    else rest.push(a);
  }
  let o: ListOpts;
  try {
    const parsed = parseListArgs(rest, true);
    if (typeof parsed === 'string') return usage(ctx, parsed, 'get');
    o = parsed;
  } catch (e) {
    return usage(ctx, (e as Error).message, 'get');
  }
  const [propList, ...names] = o.names;
  if (propList === undefined) return usage(ctx, 'missing property argument', 'get');
  const props = propList === 'all' ? PROPS.filter((p) => !['avail', 'refer'].includes(p)) : propList.split(',');
  for (const p of props) if (!PROPS.includes(p)) return usage(ctx, `bad property list: invalid property '${p}'`, 'get');
  if (!o.typesGiven) o.types = new Set(['filesystem', 'volume', 'snapshot']);
  const rows = select(zfs, { ...o, names, recursive: o.recursive });
  if ('missing' in rows) {
    ctx.err(`cannot open '${rows.missing}': dataset does not exist\n`);
    return 1;
  }
  const cells: string[][] = [];
  for (const r of rows) {
    // Without -r only the named datasets, not their snapshots.
    if (!o.recursive && o.depth === undefined && r.snap && !names.some((n) => n.includes('@'))) continue;
    for (const p of props) {
      const value = propValue(ctx, zfs, r, p, o.exact);
      const source = p === 'mountpoint' && !r.snap ? 'default' : '-';
      const all: Record<string, string> = { name: propValue(ctx, zfs, r, 'name', true), property: p, value, source };
      cells.push(fields.map((f) => all[f] ?? '-'));
    }
  }
  if (o.scripted) ctx.out(cells.map((c) => `${c.join('\t')}\n`).join(''));
  else ctx.out(`${alignColumns([fields.map((f) => f.toUpperCase()), ...cells])}\n`);
  return 0;
}

function snapshot(ctx: ToolContext, zfs: ZfsState, args: readonly string[]): number {
  const recursive = args.includes('-r');
  const names = args.filter((a) => !a.startsWith('-'));
  if (names.length === 0) return usage(ctx, 'missing snapshot argument', 'snapshot');
  for (const full of names) {
    const [dsName, snapName] = full.split('@') as [string, string | undefined];
    if (snapName === undefined || snapName === '') {
      ctx.err(`cannot create snapshot '${full}': empty component or misplaced '@' or '#' delimiter in name\n`);
      return 1;
    }
    const bad = [...snapName].find((c) => !NAME_CHARS.test(c));
    if (bad) {
      ctx.err(`cannot create snapshot '${full}': invalid character '${bad}' in name\n`);
      return 1;
    }
    const ds = dataset(zfs, dsName);
    if (!ds) {
      ctx.err(`cannot open '${dsName}': dataset does not exist\nusage:\n\tsnapshot [-r] [-o property=value] ... <filesystem|volume>@<snap> ...\n`);
      return 2;
    }
    const targets = recursive ? subtree(zfs, dsName) : [ds];
    if (targets.some((d) => findSnapshot(d, snapName))) {
      ctx.err(`cannot create snapshot '${full}': dataset already exists\n`);
      return 1;
    }
    for (const d of targets) createSnapshot(zfs, d, snapName, ctx.now(), 0).files = datasetFiles(ctx.host, d);
  }
  return 0;
}

function rollback(ctx: ToolContext, zfs: ZfsState, args: readonly string[]): number {
  const flags = args.filter((a) => a.startsWith('-')).join('');
  const names = args.filter((a) => !a.startsWith('-'));
  if (names.length !== 1) return usage(ctx, names.length === 0 ? 'missing dataset argument' : 'too many arguments', 'rollback');
  const full = names[0]!;
  const [dsName, snapName] = full.split('@') as [string, string | undefined];
  const ds = dataset(zfs, dsName);
  const snap = ds && snapName !== undefined ? findSnapshot(ds, snapName) : undefined;
  if (!ds || !snap) {
    ctx.err(`cannot open '${full}': dataset does not exist\n`);
    return 1;
  }
  const newer = newerThan(ds, snap);
  if (newer.length > 0 && !/[rR]/.test(flags)) {
    ctx.err(`cannot rollback to '${full}': more recent snapshots or bookmarks exist\nuse '-r' to force deletion of the following snapshots and bookmarks:\n${newer.map((s) => `${ds.name}@${s.name}\n`).join('')}`);
    return 1;
  }
  const clones = Object.values(zfs.datasets).filter((d) => newer.some((s) => d.origin === `${ds.name}@${s.name}`));
  if (clones.length > 0 && !flags.includes('R')) {
    ctx.err(`cannot rollback to '${full}': clones of previous snapshots exist\nuse '-R' to force deletion of the following clones and dependents:\n${clones.map((d) => `${d.name}\n`).join('')}`);
    return 1;
  }
  for (const c of clones) {
    dropDatasetFiles(ctx.host, c);
    delete zfs.datasets[c.name];
  }
  for (const s of newer) destroySnapshot(ds, s);
  ds.referenced = snap.referenced;
  if (snap.files) replaceDatasetFiles(ctx.host, ds, snap.files);
  return 0;
}

function sameFiles(a: FileSet, b: FileSet): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && a[k]!.size === b[k]!.size && Math.abs(a[k]!.mtime - b[k]!.mtime) < 1 && a[k]!.content === b[k]!.content);
}

/** `zfs clone [-p] [-o readonly=on] DS@SNAP NEW`: a new file system with the snapshot's files; nothing is destroyed. */
function clone(ctx: ToolContext, zfs: ZfsState, args: readonly string[]): number {
  let parents = false;
  let readonly = false;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-p') parents = true;
    else if (a === '-o') {
      const prop = args[++i] ?? '';
      if (!/^[a-z:._-]+=/.test(prop)) return usage(ctx, `missing property=value argument`, 'clone');
      if (prop === 'readonly=on') readonly = true;
    } else if (a.startsWith('-')) return usage(ctx, `invalid option '${a.slice(1)}'`, 'clone');
    else names.push(a);
  }
  if (names.length !== 2) return usage(ctx, names.length < 2 ? 'missing source dataset argument' : 'too many arguments', 'clone');
  const [source, target] = names as [string, string];
  const [dsName, snapName] = source.split('@') as [string, string | undefined];
  const ds = dataset(zfs, dsName);
  const snap = ds && snapName !== undefined ? findSnapshot(ds, snapName) : undefined;
  if (!ds || !snap) {
    ctx.err(`cannot open '${source}': dataset does not exist\n`);
    return 1;
  }
  if (dataset(zfs, target)) {
    ctx.err(`cannot create '${target}': dataset already exists\n`);
    return 1;
  }
  const parent = target.includes('/') ? target.slice(0, target.lastIndexOf('/')) : undefined;
  if (poolOf(target) !== poolOf(dsName)) {
    ctx.err(`cannot create '${target}': source and target pools differ\n`);
    return 1;
  }
  if (parent && !dataset(zfs, parent)) {
    if (!parents) {
      ctx.err(`cannot create '${target}': parent does not exist\n`);
      return 1;
    }
    for (let p = parent; p.includes('/') && !dataset(zfs, p); p = p.slice(0, p.lastIndexOf('/'))) newFilesystem(ctx, zfs, p);
  }
  const made = newFilesystem(ctx, zfs, target);
  made.origin = `${ds.name}@${snap.name}`;
  made.referenced = snap.referenced;
  if (readonly) made.readonly = true;
  if (made.mountpoint && snap.files) replaceDatasetFiles(ctx.host, made, snap.files);
  return 0;
}

/** A file system mounted under its parent's mountpoint, as `zfs create` (and clone -p) makes it. */
function newFilesystem(ctx: ToolContext, zfs: ZfsState, name: string): ZfsDataset {
  const parent = name.includes('/') ? dataset(zfs, name.slice(0, name.lastIndexOf('/'))) : undefined;
  const mountpoint = parent?.mountpoint ? `${parent.mountpoint === '/' ? '' : parent.mountpoint}/${name.slice(name.lastIndexOf('/') + 1)}` : `/${name}`;
  const d: ZfsDataset = { name, type: 'filesystem', used: 0, referenced: 0, mountpoint, creation: Math.floor(ctx.now()), guid: String(13_000_000_000_000_000_000n + BigInt(zfs.nextTxg++)), snapshots: [] };
  zfs.datasets[name] = d;
  mkdirs(ctx.host.fs, mountpoint);
  return d;
}

/** `zfs set readonly=on|off DS` (the property a browsing clone gets). */
function set(ctx: ToolContext, zfs: ZfsState, args: readonly string[]): number {
  const [prop, name] = args;
  const ds = name ? dataset(zfs, name) : undefined;
  if (!prop || !name) return usage(ctx, 'missing property=value argument', 'set');
  if (!ds) {
    ctx.err(`cannot open '${name}': dataset does not exist\n`);
    return 1;
  }
  const m = /^readonly=(on|off)$/.exec(prop);
  if (!m) {
    ctx.err(`cannot set property for '${name}': the lab sets only readonly\n`);
    return 1;
  }
  ds.readonly = m[1] === 'on';
  return 0;
}

function destroy(ctx: ToolContext, zfs: ZfsState, args: readonly string[]): number {
  const flags = args.filter((a) => a.startsWith('-')).join('');
  const names = args.filter((a) => !a.startsWith('-'));
  if (names.length !== 1) return usage(ctx, names.length === 0 ? 'missing dataset argument' : 'too many arguments', 'destroy');
  const full = names[0]!;
  const at = full.indexOf('@');
  if (at < 0) {
    const ds = dataset(zfs, full);
    if (!ds) {
      ctx.err(`cannot open '${full}': dataset does not exist\n`);
      return 1;
    }
    if (ds.snapshots.length > 0 && !/[rR]/.test(flags)) {
      ctx.err(`cannot destroy '${full}': filesystem has children\nuse '-r' to destroy the following datasets:\n${ds.snapshots.map((s) => `${full}@${s.name}\n`).join('')}`);
      return 1;
    }
    const dependents = Object.values(zfs.datasets).filter((d) => d.origin?.startsWith(`${full}@`));
    if (dependents.length > 0 && !flags.includes('R')) {
      ctx.err(`cannot destroy '${full}': filesystem has dependent clones\nuse '-R' to destroy the following datasets:\n${dependents.map((d) => `${d.name}\n`).join('')}`);
      return 1;
    }
    if (!flags.includes('n')) {
      dropDatasetFiles(ctx.host, ds);
      delete zfs.datasets[full];
    }
    return 0;
  }
  const ds = dataset(zfs, full.slice(0, at));
  if (!ds) {
    ctx.err(`could not find any snapshots to destroy; check snapshot names.\n`);
    return 1;
  }
  const wanted = full.slice(at + 1).split(',');
  const found = wanted.map((n) => findSnapshot(ds, n)).filter((s): s is ZfsSnapshot => s !== undefined);
  if (found.length === 0) {
    ctx.err(`could not find any snapshots to destroy; check snapshot names.\n`);
    return 1;
  }
  const cloned = found.find((x) => Object.values(zfs.datasets).some((d) => d.origin === `${ds.name}@${x.name}`));
  if (cloned) {
    ctx.err(`cannot destroy '${ds.name}@${cloned.name}': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\n${Object.values(zfs.datasets).filter((d) => d.origin === `${ds.name}@${cloned.name}`).map((d) => `${d.name}\n`).join('')}`);
    return 1;
  }
  for (const s of found) {
    if (flags.includes('v') || flags.includes('n')) ctx.out(`${flags.includes('n') ? 'would destroy' : 'will destroy'} ${ds.name}@${s.name}\n`);
    if (!flags.includes('n')) destroySnapshot(ds, s);
  }
  return 0;
}

function send(ctx: ToolContext, zfs: ZfsState, args: readonly string[]): number {
  let from: string | undefined;
  let intermediates = false;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-i' || a === '-I') {
      from = args[++i];
      intermediates = a === '-I';
    } else if (!a.startsWith('-')) names.push(a);
  }
  if (names.length !== 1) return usage(ctx, names.length === 0 ? 'missing snapshot argument' : 'too many arguments', 'send');
  const full = names[0]!;
  const [dsName, snapName] = full.split('@') as [string, string | undefined];
  const ds = dataset(zfs, dsName);
  const to = ds && snapName ? findSnapshot(ds, snapName) : undefined;
  if (!ds || !to) {
    ctx.err(`cannot open '${full}': dataset does not exist\n`);
    return 1;
  }
  let fromSnap: ZfsSnapshot | undefined;
  if (from !== undefined) {
    // `@snap`, `snap` and `fs@snap` of the same file system name the same snapshot; another fs is refused.
    const at = from.indexOf('@');
    if (at > 0 && from.slice(0, at) !== ds.name) return usage(ctx, 'incremental source must be in same filesystem', 'send');
    const fromName = at >= 0 ? from.slice(at + 1) : from;
    fromSnap = findSnapshot(ds, fromName);
    // -I walks the file system's snapshots from one to the other, and words its refusals as it goes.
    if (!fromSnap) {
      ctx.err(intermediates ? `WARNING: could not send ${full}:\nincremental source (${ds.name}@${fromName}) does not exist\n` : `cannot open '${ds.name}@${fromName}': dataset does not exist\n`);
      return 1;
    }
    if (fromSnap.createtxg >= to.createtxg) {
      ctx.err(intermediates ? `WARNING: could not send ${full}:\nincremental source (${ds.name}@${fromName}) is not earlier than it\n` : `cannot send '${full}': not an earlier snapshot from the same fs\n`);
      return 1;
    }
  }
  ctx.out(encodeStream(makeStream(ds, to, fromSnap, intermediates)));
  return 0;
}

async function receive(ctx: ToolContext, zfs: ZfsState, args: readonly string[]): Promise<number> {
  const flags = args.filter((a) => a.startsWith('-')).join('');
  const names = args.filter((a) => !a.startsWith('-'));
  if (names.length !== 1) return usage(ctx, names.length === 0 ? 'missing snapshot argument' : 'too many arguments', 'receive');
  const stream = decodeStream(await ctx.stdin());
  if (!stream) {
    ctx.err('cannot receive: invalid stream (bad magic number)\n');
    return 1;
  }
  const target = names[0]!.split('@')[0]!;
  if (!zfs.pools[poolOf(target)]) {
    ctx.err(`cannot open '${poolOf(target)}': dataset does not exist\n`);
    return 1;
  }
  await ctx.pace(200);
  const existing = dataset(zfs, target);
  const newest = existing ? sortedSnapshots(existing).at(-1) : undefined;
  // Files changed since the newest snapshot: only -F (a rollback first) lets the stream in.
  if (existing && stream.from && !flags.includes('F') && newest?.files && !sameFiles(datasetFiles(ctx.host, existing), newest.files)) {
    ctx.err(`cannot receive incremental stream: destination ${target} has been modified\nsince most recent snapshot\n`);
    return 1;
  }
  const problem = receiveStream(zfs, target, stream, flags.includes('F'), ctx.now());
  if (problem) {
    ctx.err(`${problem}\n`);
    return 1;
  }
  const received = dataset(zfs, target)!;
  const top = sortedSnapshots(received).at(-1);
  if (top?.files && !flags.includes('u')) replaceDatasetFiles(ctx.host, received, top.files);
  if (flags.includes('v')) ctx.out(`receiving ${stream.from ? 'incremental' : 'full'} stream of ${stream.source}@${stream.snapshots.at(-1)?.name ?? ''} into ${target}@${stream.snapshots.at(-1)?.name ?? ''}\n`);
  return 0;
}

export async function zfsTool(ctx: ToolContext): Promise<number> {
  const zfs = await zfsModule(ctx);
  if (!zfs) return 1;
  const [sub, ...args] = ctx.argv.slice(1);
  switch (sub) {
    case 'list':
      return list(ctx, zfs, args);
    case 'get':
      return get(ctx, zfs, args);
    case 'snapshot':
    case 'snap':
      return snapshot(ctx, zfs, args);
    case 'rollback':
      return rollback(ctx, zfs, args);
    case 'destroy':
      return destroy(ctx, zfs, args);
    case 'clone':
      return clone(ctx, zfs, args);
    case 'set':
      return set(ctx, zfs, args);
    case 'send':
      return send(ctx, zfs, args);
    case 'recv':
    case 'receive':
      return receive(ctx, zfs, args);
    case undefined:
      ctx.err('usage: zfs command args ...\nwhere \'command\' is one of the following:\n\n\tlist ...\n\tget ...\n\tsnapshot ...\n');
      return 2;
    default:
      ctx.err(`unrecognized command '${sub}'\nusage: zfs command args ...\n`);
      return 2;
  }
}
