/**
 * `zpool list` (-H, -p, -o), `zpool status [-x] [POOL]` (exit 0 even for a
 * DEGRADED pool, as the real one) with its scan line, and `zpool scrub`
 * (scanning for a few scaled seconds, then finished).
 */
import type { ToolContext } from '../shell/types.js';
import { sleep } from '../sleep.js';
import { strftime, zoneFor } from '../state/clock.js';
import type { ZfsPool, ZfsState, ZfsVdev } from '../state/types.js';
import { alignColumns, hms, zfsNicenum } from './format.js';
import { zfsModule } from './zfs-module.js';

const LIST_PROPS = ['name', 'size', 'alloc', 'free', 'ckpoint', 'expandsz', 'frag', 'cap', 'dedup', 'health', 'altroot', 'allocated', 'capacity', 'fragmentation', 'guid'];
const DEFAULT_LIST = ['name', 'size', 'alloc', 'free', 'ckpoint', 'expandsz', 'frag', 'cap', 'dedup', 'health', 'altroot'];

const SCRUB_MS = 3000;

function listValue(p: ZfsPool, prop: string, exact: boolean): string {
  const size = (n: number) => (exact ? String(n) : zfsNicenum(n));
  const cap = p.size > 0 ? Math.round((100 * p.alloc) / p.size) : 0;
  switch (prop) {
    case 'name':
      return p.name;
    case 'size':
      return size(p.size);
    case 'alloc':
    case 'allocated':
      return size(p.alloc);
    case 'free':
      return size(Math.max(0, p.size - p.alloc));
    case 'ckpoint':
    case 'expandsz':
    case 'altroot':
      return '-';
    case 'frag':
    case 'fragmentation':
      return exact ? String(p.frag) : `${p.frag}%`;
    case 'cap':
    case 'capacity':
      return exact ? String(cap) : `${cap}%`;
    case 'dedup':
      return exact ? '1.00' : '1.00x';
    case 'health':
      return p.health;
    case 'guid':
      return String(7_312_948_716_273_741_823n + BigInt(p.name.length));
    default:
      return '-';
  }
}

function list(ctx: ToolContext, zfs: ZfsState, args: readonly string[]): number {
  let scripted = false;
  let exact = false;
  let props = DEFAULT_LIST;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) {
      names.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      if (f === 'H') scripted = true;
      else if (f === 'p') exact = true;
      else if (f === 'v' || f === 'P' || f === 'g' || f === 'L') continue;
      else if (f === 'o') {
        const v = a.slice(j + 1) || args[++i];
        j = a.length;
        if (!v) {
          ctx.err("missing argument for 'o' option\nusage:\n\tlist [-gHLpPv] [-o property[,...]] [-T d|u] [pool] ... [interval [count]]\n");
          return 2;
        }
        props = v.split(',');
      } else {
        ctx.err(`invalid option '${f}'\nusage:\n\tlist [-gHLpPv] [-o property[,...]] [-T d|u] [pool] ... [interval [count]]\n`);
        return 2;
      }
    }
  }
  for (const p of props) {
    if (!LIST_PROPS.includes(p)) {
      ctx.err(`property '${p}' is not a valid pool or vdev property\n`);
      return 2;
    }
  }
  const shown = namedPools(ctx, zfs, names);
  if (!shown) return 1;
  if (shown.length === 0) {
    ctx.out('no pools available\n');
    return 0;
  }
  const cells = shown.map((p) => props.map((prop) => listValue(p, prop, exact)));
  if (scripted) ctx.out(cells.map((c) => `${c.join('\t')}\n`).join(''));
  else {
    const right = new Set(props.map((p, i) => (['size', 'alloc', 'free', 'frag', 'cap', 'dedup'].includes(p) ? i : -1)).filter((i) => i >= 0));
    ctx.out(`${alignColumns([props.map((p) => p.toUpperCase()), ...cells], right)}\n`);
  }
  return 0;
}

function configLines(vdevs: readonly ZfsVdev[], depth: number, width: number): string[] {
  const out: string[] = [];
  for (const v of vdevs) {
    const name = `${'  '.repeat(depth)}${v.name}`;
    out.push(`\t${name.padEnd(width)}  ${v.state.padEnd(8)} ${String(v.read).padStart(5)} ${String(v.write).padStart(5)} ${String(v.cksum).padStart(5)}${v.note ? `  ${v.note}` : ''}`);
    if (v.children) out.push(...configLines(v.children, depth + 1, width));
  }
  return out;
}

function nameWidth(vdevs: readonly ZfsVdev[], depth: number): number {
  return Math.max(10, ...vdevs.map((v) => Math.max(v.name.length + 2 * depth, v.children ? nameWidth(v.children, depth + 1) : 0)));
}

function scanLine(ctx: ToolContext, p: ZfsPool): string[] {
  const s = p.scan;
  if (!s) return ['  scan: none requested'];
  const when = (t: number) => strftime('%a %b %e %H:%M:%S %Y', t, zoneFor(ctx.env, ctx.host));
  if (s.state === 'scanning') {
    const pct = Math.min(99.99, ((ctx.now() - s.start) / ((SCRUB_MS * ctx.lab.timeScale) / 1000)) * 100);
    const total = zfsNicenum(p.alloc);
    return [
      `  scan: scrub in progress since ${when(s.start)}`,
      `\t${zfsNicenum((p.alloc * pct) / 100)} / ${total} scanned at 1.02G/s, ${zfsNicenum((p.alloc * pct) / 120)} / ${total} issued at 850M/s`,
      `\t0B repaired, ${pct.toFixed(2)}% done, ${hms(Math.max(1, (p.alloc * (1 - pct / 100)) / 900e6))} to go`,
    ];
  }
  if (s.state === 'canceled') return [`  scan: scrub canceled on ${when(s.end ?? s.start)}`];
  return [`  scan: scrub repaired ${zfsNicenum(s.repairedBytes)} in ${hms((s.end ?? s.start) - s.start)} with ${s.errors} errors on ${when(s.end ?? s.start)}`];
}

function statusBlock(ctx: ToolContext, p: ZfsPool): string {
  const lines = [`  pool: ${p.name}`, ` state: ${p.health}`];
  if (p.status) lines.push(`status: ${p.status.replace(/\n/g, '\n\t')}`);
  if (p.action) lines.push(`action: ${p.action.replace(/\n/g, '\n\t')}`);
  if (p.see) lines.push(`   see: ${p.see}`);
  lines.push(...scanLine(ctx, p));
  const width = nameWidth([{ name: p.name, state: '', read: 0, write: 0, cksum: 0 }, ...p.vdevs.map((v) => ({ ...v }))], 1) + 2;
  lines.push('config:', '', `\t${'NAME'.padEnd(width)}  STATE     READ WRITE CKSUM`);
  lines.push(...configLines([{ name: p.name, state: p.health, read: 0, write: 0, cksum: 0, children: p.vdevs }], 0, width));
  lines.push('', p.dataErrors > 0 ? `errors: ${p.dataErrors} data errors, use '-v' for a list` : 'errors: No known data errors');
  return lines.join('\n');
}

/** The pools named, or every pool by name when none is; undefined (said as zpool says it) when one does not exist. */
function namedPools(ctx: ToolContext, zfs: ZfsState, names: readonly string[]): ZfsPool[] | undefined {
  if (names.length === 0) return Object.values(zfs.pools).sort((a, b) => (a.name < b.name ? -1 : 1));
  const pools: ZfsPool[] = [];
  for (const n of names) {
    const p = zfs.pools[n];
    if (!p) {
      ctx.err(`cannot open '${n}': no such pool\n`);
      return undefined;
    }
    pools.push(p);
  }
  return pools;
}

function status(ctx: ToolContext, zfs: ZfsState, args: readonly string[]): number {
  const onlyUnhealthy = args.some((a) => a.startsWith('-') && a.includes('x'));
  const names = args.filter((a) => !a.startsWith('-'));
  const all = namedPools(ctx, zfs, names);
  if (!all) return 1;
  if (all.length === 0) {
    ctx.err('no pools available\n');
    return 0;
  }
  const shown = onlyUnhealthy ? all.filter((p) => p.health !== 'ONLINE' || p.dataErrors > 0) : all;
  if (shown.length === 0) {
    ctx.out(names.length === 1 ? `pool '${names[0]}' is healthy\n` : 'all pools are healthy\n');
    return 0;
  }
  ctx.out(`${shown.map((p) => statusBlock(ctx, p)).join('\n\n')}\n`);
  return 0;
}

function scrub(ctx: ToolContext, zfs: ZfsState, args: readonly string[]): number {
  const stop = args.includes('-s');
  const names = args.filter((a) => !a.startsWith('-'));
  if (names.length === 0) {
    ctx.err('missing pool name argument\nusage:\n\tscrub [-s | -p] [-w] [-e] <pool> ...\n');
    return 2;
  }
  for (const n of names) {
    const p = zfs.pools[n];
    if (!p) {
      ctx.err(`cannot open '${n}': no such pool\n`);
      return 1;
    }
    if (stop) {
      if (p.scan?.state !== 'scanning') {
        ctx.err(`cannot cancel scrubbing ${n}: there is no active scrub\n`);
        return 1;
      }
      p.scan = { ...p.scan, state: 'canceled', end: Math.floor(ctx.now()) };
      continue;
    }
    if (p.scan?.state === 'scanning') {
      ctx.err(`cannot scrub ${n}: currently scrubbing; use 'zpool scrub -s' to cancel current scrub\n`);
      return 1;
    }
    if (p.health === 'FAULTED' || p.health === 'UNAVAIL') {
      ctx.err(`cannot scrub '${n}': pool is currently unavailable\n`);
      return 1;
    }
    const scan = { state: 'scanning' as const, start: Math.floor(ctx.now()), repairedBytes: 0, errors: 0 };
    p.scan = scan;
    const host = ctx.host;
    ctx.lab.background(host.name, async (signal) => {
      await sleep(SCRUB_MS * ctx.lab.timeScale, signal);
      if (p.scan !== scan) return;
      p.scan = { ...scan, state: 'finished', end: Math.floor(ctx.now()), errors: p.dataErrors };
    });
  }
  return 0;
}

/**
 * `zpool import` lists the pools on the host's disks that are not imported
 * (OpenZFS zpool_main.c: "no pools available to import" on stderr, exit 1,
 * when there are none); `zpool import NAME|ID` imports one.
 */
function importPools(ctx: ToolContext, zfs: ZfsState, args: readonly string[]): number {
  const exported = zfs.exported ?? {};
  const names = args.filter((a) => !a.startsWith('-'));
  const id = (p: ZfsPool) => listValue(p, 'guid', true);
  if (names.length === 0) {
    const pools = Object.values(exported).map((e) => e.pool);
    if (pools.length === 0) {
      ctx.err('no pools available to import\n');
      return 1;
    }
    const blocks = pools.map((p) => {
      const width = nameWidth(p.vdevs, 1);
      return [
        `   pool: ${p.name}`,
        `     id: ${id(p)}`,
        `  state: ${p.health}`,
        ' action: The pool can be imported using its name or numeric identifier.',
        ' config:',
        '',
        `\t${p.name.padEnd(width)}  ${p.health}`,
        ...configLines(p.vdevs, 1, width).map((l) => l.replace(/\s+\d+\s+\d+\s+\d+$/, '')),
      ].join('\n');
    });
    ctx.out(`${blocks.join('\n\n')}\n`);
    return 0;
  }
  const wanted = names[0]!;
  const entry = Object.entries(exported).find(([name, e]) => name === wanted || id(e.pool) === wanted);
  if (!entry) {
    ctx.err(`cannot import '${wanted}': no such pool available\n`);
    return 1;
  }
  const [name, e] = entry;
  if (zfs.pools[name]) {
    ctx.err(`cannot import '${wanted}': a pool with that name already exists\nuse the form 'zpool import <pool | id> <newpool>' to give it a new name\n`);
    return 1;
  }
  zfs.pools[name] = e.pool;
  for (const [dsName, ds] of Object.entries(e.datasets)) zfs.datasets[dsName] = ds;
  delete exported[name];
  return 0;
}

export async function zpoolTool(ctx: ToolContext): Promise<number> {
  const zfs = await zfsModule(ctx);
  if (!zfs) return 1;
  const [sub, ...args] = ctx.argv.slice(1);
  switch (sub) {
    case 'list':
      return list(ctx, zfs, args);
    case 'status':
      return status(ctx, zfs, args);
    case 'scrub':
      return scrub(ctx, zfs, args);
    case 'import':
      return importPools(ctx, zfs, args);
    case undefined:
      ctx.err('usage: zpool command args ...\n');
      return 2;
    default:
      ctx.err(`unrecognized command '${sub}'\nusage: zpool command args ...\n`);
      return 2;
  }
}
