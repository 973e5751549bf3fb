/**
 * `pvesh get PATH [--opt value]... [--output-format json|json-pretty|text]`
 * over the node's state: every path of DESIGN.md's probe table plus task
 * status and log, and a few neighbours (/nodes, /version, guest lists).
 * JSON is one line with sorted keys (Perl JSON canonical); booleans are 0/1;
 * `prune-backups` values are strings; lists are not sorted where the API
 * does not sort them. Errors go to stderr with exit 255 (unknown path: 1).
 */
import type { ToolContext } from '../shell/types.js';
import { DAY, localParts, localToEpoch } from '../state/clock.js';
import { pveStorageStatus } from '../state/pbs.js';
import { backupContent, jobGuests, notBackedUp, taskLog } from '../state/pve.js';
import type { PveGuest, PveState, PveStorage, PveTask } from '../state/types.js';
import { canonicalJson, pveTable } from './format.js';
import { guestConfig, storageOf } from '../state/guest-config.js';

const USAGE = 'pvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]';

class ApiError extends Error {
  constructor(
    message: string,
    readonly code = 255,
  ) {
    super(message);
  }
}

type Params = Record<string, string>;

interface Route {
  readonly pattern: RegExp;
  /** Options the path accepts (besides the output options). */
  readonly options: readonly string[];
  readonly enums?: Readonly<Record<string, readonly string[]>>;
  readonly handle: (ctx: ToolContext, pve: PveState, m: string[], p: Params) => unknown;
}

function checkNode(pve: PveState, node: string): void {
  if (node !== pve.node && node !== 'localhost') {
    throw new ApiError(`hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
  }
}

function guestOf(pve: PveState, type: 'qemu' | 'lxc', vmid: string): PveGuest {
  const g = pve.guests[vmid];
  if (!g || g.type !== type) {
    const dir = type === 'qemu' ? 'qemu-server' : 'lxc';
    throw new ApiError(`Configuration file 'nodes/${pve.node}/${dir}/${vmid}.conf' does not exist`);
  }
  return g;
}

/** Snapshot order of a Perl hash: stable for a name, unrelated to time. */
function hashOrder(name: string): number {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

function guestResource(ctx: ToolContext, pve: PveState, g: PveGuest): Record<string, unknown> {
  const running = g.status === 'running';
  const uptime = running && g.startedAt ? Math.max(0, Math.floor(ctx.now() - g.startedAt)) : 0;
  const seed = (g.vmid * 37) % 100;
  return {
    cpu: running ? Number((0.005 + (seed % 17) / 400).toFixed(6)) : 0,
    disk: g.type === 'lxc' ? g.usedDisk : 0,
    diskread: running ? g.usedDisk * 3 + seed : 0,
    diskwrite: running ? g.usedDisk + seed * 4096 : 0,
    id: `${g.type}/${g.vmid}`,
    maxcpu: g.maxcpu,
    maxdisk: g.maxdisk,
    maxmem: g.maxmem,
    mem: running ? Math.round(g.maxmem * (0.3 + (seed % 40) / 100)) : 0,
    name: g.stubConfig ? `VM ${g.vmid}` : g.name,
    netin: running ? uptime * 2048 + seed : 0,
    netout: running ? uptime * 1024 + seed : 0,
    node: pve.node,
    status: g.status,
    template: g.template ? 1 : 0,
    type: g.type,
    uptime,
    vmid: g.vmid,
    ...(g.tags ? { tags: g.tags } : {}),
    ...(g.lock ? { lock: g.lock } : {}),
  };
}

function storageResource(ctx: ToolContext, pve: PveState, id: string): Record<string, unknown> {
  const s = pve.storages[id]!;
  const st = pveStorageStatus(ctx.lab, ctx.host, s);
  return {
    content: s.content.join(','),
    disk: st.used,
    id: `storage/${pve.node}/${s.id}`,
    maxdisk: st.total,
    node: pve.node,
    plugintype: s.type,
    shared: s.shared,
    status: st.active ? 'available' : 'unknown',
    storage: s.id,
    type: 'storage',
  };
}

function nodeResource(ctx: ToolContext, pve: PveState): Record<string, unknown> {
  return {
    cgroup_mode: 2,
    cpu: 0.0421,
    disk: 11_811_160_064,
    id: `node/${pve.node}`,
    level: '',
    maxcpu: 16,
    maxdisk: 100_861_726_720,
    maxmem: 67_326_406_656,
    mem: 23_445_123_072,
    node: pve.node,
    status: 'online',
    type: 'node',
    uptime: Math.floor(ctx.now()) % 2_000_000,
  };
}

function jobView(job: PveState['backupJobs'][number], now: number, timeZone: string): Record<string, unknown> {
  const today = localParts(now, timeZone);
  let next = localToEpoch(timeZone, today.year, today.month, today.day, job.at.hour, job.at.minute);
  if (next <= now) next += DAY;
  return {
    all: job.all,
    compress: job.compress,
    enabled: job.enabled,
    exclude: job.exclude,
    id: job.id,
    mode: job.mode,
    'next-run': Math.floor(next),
    'notes-template': job['notes-template'],
    'notification-mode': job['notification-mode'],
    'prune-backups': job['prune-backups'],
    'repeat-missed': job['repeat-missed'],
    schedule: job.schedule,
    storage: job.storage,
    type: 'vzdump',
    vmid: job.vmid,
    comment: job.comment,
  };
}

function taskView(t: PveTask, active: boolean): Record<string, unknown> {
  return {
    endtime: t.endtime,
    id: t.id,
    node: t.node,
    pid: t.pid,
    pstart: t.pstart,
    starttime: t.starttime,
    status: t.running ? (active ? 'RUNNING' : undefined) : t.status,
    type: t.type,
    upid: t.upid,
    user: t.user,
  };
}

function findTask(pve: PveState, upid: string): PveTask {
  if (!/^UPID:[^:]+:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:[^:]+:[^:]*:[^:]+:$/.test(upid)) {
    throw new ApiError(`unable to parse worker upid '${upid}'`);
  }
  const t = pve.tasks.find((x) => x.upid === upid);
  if (!t) throw new ApiError(`no such task`);
  return t;
}

/** One storage.cfg entry as `pvesh get /storage` prints it. */
function storageConfig(ctx: ToolContext, s: PveStorage): Record<string, unknown> {
  const base = { storage: s.id, type: s.type, content: s.content.join(','), digest: 'f1c2d3e4b5a69788796a5b4c3d2e1f0a9b8c7d6e', ...(s.shared ? { shared: 1 } : {}), ...(s.disabled ? { disable: 1 } : {}) };
  if (s.type === 'pbs' && s.pbs) {
    const server = ctx.lab.state.hosts[s.pbs.host];
    return {
      ...base,
      server: s.pbs.server ?? s.pbs.host,
      datastore: s.pbs.datastore,
      username: s.pbs.username,
      ...(s.pbs.namespace ? { namespace: s.pbs.namespace } : {}),
      // What storage.cfg says; a storage without one there shows the server's (as the lab's own storages were added).
      ...(s.pbs.fingerprint !== undefined ? { fingerprint: s.pbs.fingerprint } : server?.pbs ? { fingerprint: server.pbs.certFingerprint } : {}),
      'prune-backups': 'keep-all=1',
    };
  }
  if (s.type === 'zfspool') return { ...base, pool: s.pool ?? 'rpool/data', sparse: 1 };
  if (s.type === 'lvmthin') return { ...base, thinpool: 'data', vgname: 'pve' };
  return { ...base, path: s.path ?? '/var/lib/vz', 'prune-backups': 'keep-all=1' };
}

/** datacenter.cfg `next-id` (its defaults). */
const NEXT_ID = { lower: 100, upper: 999_999_999 };

const num = (p: Params, k: string, dflt: number) => (p[k] === undefined ? dflt : Number(p[k]));

const ROUTES: readonly Route[] = [
  { pattern: /^\/version$/, options: [], handle: () => ({ release: '8.3', repoid: 'c1689ccb1065a83b', version: '8.3.2' }) },
  { pattern: /^\/nodes$/, options: [], handle: (ctx, pve) => [nodeResource(ctx, pve)] },
  {
    pattern: /^\/cluster\/resources$/,
    options: ['type'],
    enums: { type: ['vm', 'storage', 'node', 'sdn'] },
    handle: (ctx, pve, _m, p) => {
      const guests = Object.values(pve.guests).map((g) => guestResource(ctx, pve, g));
      const storages = Object.keys(pve.storages).map((id) => storageResource(ctx, pve, id));
      if (p.type === 'vm') return guests;
      if (p.type === 'storage') return storages;
      if (p.type === 'node') return [nodeResource(ctx, pve)];
      if (p.type === 'sdn') return [];
      return [nodeResource(ctx, pve), ...guests, ...storages];
    },
  },
  {
    // storage.cfg as the API lists it: a PBS entry names its server, datastore and namespace (secrets stay in /etc/pve/priv).
    pattern: /^\/storage$/,
    options: ['type'],
    enums: { type: ['btrfs', 'cephfs', 'cifs', 'dir', 'esxi', 'glusterfs', 'iscsi', 'iscsidirect', 'lvm', 'lvmthin', 'nfs', 'pbs', 'rbd', 'zfs', 'zfspool'] },
    handle: (ctx, pve, _m, p) =>
      Object.values(pve.storages)
        .filter((s) => !p.type || s.type === p.type)
        .map((s) => storageConfig(ctx, s)),
  },
  {
    pattern: /^\/cluster\/nextid$/,
    options: ['vmid'],
    handle: (_ctx, pve, _m, p) => {
      const taken = (id: number) => pve.guests[String(id)] !== undefined;
      if (p.vmid !== undefined) {
        if (taken(Number(p.vmid))) throw new ApiError(`400 Parameter verification failed.\nvmid: VM ${p.vmid} already exists\n\n${USAGE}`);
        // The API hands back the parameter it was given: a string.
        return p.vmid;
      }
      for (let id = NEXT_ID.lower; id <= NEXT_ID.upper; id++) if (!taken(id)) return id;
      throw new ApiError(`unable to get any free VMID in range [${NEXT_ID.lower}, ${NEXT_ID.upper}]`);
    },
  },
  { pattern: /^\/cluster\/backup$/, options: [], handle: (ctx, pve) => pve.backupJobs.map((j) => jobView(j, ctx.now(), ctx.host.timeZone)) },
  {
    pattern: /^\/cluster\/backup\/([^/]+)$/,
    options: [],
    handle: (ctx, pve, m) => {
      const job = pve.backupJobs.find((j) => j.id === m[1]);
      if (!job) throw new ApiError(`job '${m[1]}' does not exist`);
      return jobView(job, ctx.now(), ctx.host.timeZone);
    },
  },
  {
    pattern: /^\/cluster\/backup\/([^/]+)\/included_volumes$/,
    options: [],
    handle: (_ctx, pve, m) => {
      const job = pve.backupJobs.find((j) => j.id === m[1]);
      if (!job) throw new ApiError(`job '${m[1]}' does not exist`);
      return { children: jobGuests(job, pve).map((g) => ({ id: g.vmid, name: g.name, type: g.type, children: [] })) };
    },
  },
  {
    pattern: /^\/cluster\/backup-info\/not-backed-up$/,
    options: [],
    handle: (_ctx, pve) => notBackedUp(pve).map((g) => ({ name: g.name, type: g.type, vmid: g.vmid })),
  },
  {
    pattern: /^\/nodes\/([^/]+)\/(qemu|lxc)$/,
    options: ['full'],
    handle: (ctx, pve, m) => {
      checkNode(pve, m[1]!);
      return Object.values(pve.guests)
        .filter((g) => g.type === m[2])
        .map((g) => {
          const r = guestResource(ctx, pve, g);
          return { cpus: g.maxcpu, ...r, vmid: g.vmid };
        });
    },
  },
  {
    pattern: /^\/nodes\/([^/]+)\/(qemu|lxc)\/(\d+)\/snapshot$/,
    options: [],
    handle: (_ctx, pve, m) => {
      checkNode(pve, m[1]!);
      const g = guestOf(pve, m[2] as 'qemu' | 'lxc', m[3]!);
      const list: Record<string, unknown>[] = [...g.snapshots]
        .sort((a, b) => hashOrder(a.name) - hashOrder(b.name))
        .map((s) => ({
          description: s.description,
          name: s.name,
          parent: s.parent,
          snaptime: s.snaptime,
          snapstate: s.snapstate,
          ...(g.type === 'qemu' ? { vmstate: s.vmstate ?? 0 } : {}),
        }));
      list.push({
        description: 'You are here!',
        digest: configDigest(g),
        name: 'current',
        parent: g.current,
        running: g.status === 'running' ? 1 : 0,
      });
      return list;
    },
  },
  {
    pattern: /^\/nodes\/([^/]+)\/(qemu|lxc)\/(\d+)\/status\/current$/,
    options: [],
    handle: (ctx, pve, m) => {
      checkNode(pve, m[1]!);
      const g = guestOf(pve, m[2] as 'qemu' | 'lxc', m[3]!);
      const r = guestResource(ctx, pve, g);
      return { ...r, qmpstatus: g.type === 'qemu' ? g.status : undefined, ha: { managed: 0 } };
    },
  },
  {
    pattern: /^\/nodes\/([^/]+)\/(qemu|lxc)\/(\d+)\/config$/,
    options: ['current', 'snapshot'],
    handle: (_ctx, pve, m) => {
      checkNode(pve, m[1]!);
      const g = guestOf(pve, m[2] as 'qemu' | 'lxc', m[3]!);
      return guestConfig(g, configDigest(g));
    },
  },
  {
    pattern: /^\/nodes\/([^/]+)\/storage$/,
    options: ['content', 'enabled', 'format', 'storage', 'target'],
    handle: (ctx, pve, m, p) => {
      checkNode(pve, m[1]!);
      return Object.values(pve.storages)
        .filter((s) => !p.content || s.content.includes(p.content))
        .map((s) => {
          const st = pveStorageStatus(ctx.lab, ctx.host, s);
          return { active: st.active ? 1 : 0, avail: st.avail, content: s.content.join(','), enabled: s.disabled ? 0 : 1, shared: s.shared, storage: s.id, total: st.total, type: s.type, used: st.used, used_fraction: st.total ? st.used / st.total : 0 };
        });
    },
  },
  {
    pattern: /^\/nodes\/([^/]+)\/storage\/([^/]+)\/status$/,
    options: [],
    handle: (ctx, pve, m) => {
      checkNode(pve, m[1]!);
      const s = pve.storages[m[2]!];
      if (!s) throw new ApiError(`storage '${m[2]}' does not exist`);
      const st = pveStorageStatus(ctx.lab, ctx.host, s);
      return { active: st.active ? 1 : 0, avail: st.avail, content: s.content.join(','), enabled: s.disabled ? 0 : 1, shared: s.shared, total: st.total, type: s.type, used: st.used };
    },
  },
  {
    pattern: /^\/nodes\/([^/]+)\/storage\/([^/]+)\/content$/,
    options: ['content', 'vmid'],
    enums: { content: ['backup', 'images', 'iso', 'rootdir', 'snippets', 'vztmpl', 'import'] },
    handle: (ctx, pve, m, p) => {
      checkNode(pve, m[1]!);
      const s = pve.storages[m[2]!];
      if (!s) throw new ApiError(`storage '${m[2]}' does not exist`);
      if (p.content === 'images' || p.content === 'rootdir' || (p.content === undefined && s.type !== 'dir' && s.type !== 'pbs')) return guestVolumes(pve, s.id, p.content);
      if (p.content && p.content !== 'backup') return [];
      if (s.type === 'pbs' && s.pbs && !ctx.lab.isReachable(s.pbs.host)) {
        throw new ApiError(`error fetching datastores - 500 Can't connect to ${s.pbs.host}:8007 (Connection refused)`);
      }
      const content = backupContent(ctx.lab.state, s);
      if ('error' in content) throw new ApiError(content.error);
      const vmid = p.vmid === undefined ? undefined : Number(p.vmid);
      return content.filter((c) => vmid === undefined || c.vmid === vmid);
    },
  },
  {
    pattern: /^\/nodes\/([^/]+)\/tasks$/,
    options: ['typefilter', 'limit', 'start', 'vmid', 'source', 'errors', 'since', 'until', 'statusfilter', 'userfilter'],
    enums: { source: ['archive', 'active', 'all'] },
    handle: (_ctx, pve, m, p) => {
      checkNode(pve, m[1]!);
      const source = p.source ?? 'archive';
      const errorsOnly = p.errors === '1';
      const since = num(p, 'since', 0);
      const until = num(p, 'until', Number.MAX_SAFE_INTEGER);
      const list = [...pve.tasks]
        .reverse()
        .filter((t) => (source === 'archive' ? !t.running : source === 'active' ? t.running : true))
        .filter((t) => !p.typefilter || t.type === p.typefilter)
        .filter((t) => !p.vmid || t.id === p.vmid)
        .filter((t) => !p.userfilter || t.user.includes(p.userfilter))
        .filter((t) => !errorsOnly || (t.status !== undefined && t.status !== 'OK'))
        .filter((t) => t.starttime >= since && t.starttime <= until)
        .sort((a, b) => b.starttime - a.starttime);
      const start = num(p, 'start', 0);
      const limit = num(p, 'limit', 50);
      return list.slice(start, start + limit).map((t) => taskView(t, source !== 'archive'));
    },
  },
  {
    pattern: /^\/nodes\/([^/]+)\/tasks\/([^/]+)\/status$/,
    options: [],
    handle: (_ctx, pve, m) => {
      checkNode(pve, m[1]!);
      const t = findTask(pve, m[2]!);
      return {
        exitstatus: t.running ? undefined : t.status,
        id: t.id,
        node: t.node,
        pid: t.pid,
        pstart: t.pstart,
        starttime: t.starttime,
        status: t.running ? 'running' : 'stopped',
        type: t.type,
        upid: t.upid,
        user: t.user,
      };
    },
  },
  {
    pattern: /^\/nodes\/([^/]+)\/tasks\/([^/]+)\/log$/,
    options: ['start', 'limit', 'download'],
    handle: (ctx, pve, m, p) => {
      checkNode(pve, m[1]!);
      const t = findTask(pve, m[2]!);
      const lines = taskLog(pve, t, ctx.host.timeZone);
      const start = num(p, 'start', 0);
      const limit = num(p, 'limit', 50);
      return lines.slice(start, start + limit).map((text, i) => ({ n: start + i + 1, t: text }));
    },
  },
];

/** The guest volumes on a storage, as `.../content --content images|rootdir` lists them. */
function guestVolumes(pve: PveState, storage: string, content: string | undefined): Record<string, unknown>[] {
  return Object.values(pve.guests)
    .flatMap((g) => g.disks.filter((d) => storageOf(d.volume) === storage).map((d) => ({ g, d })))
    .filter(({ g }) => content === undefined || content === (g.type === 'lxc' ? 'rootdir' : 'images'))
    .map(({ g, d }) => ({
      content: g.type === 'lxc' ? 'rootdir' : 'images',
      ctime: Math.floor(g.startedAt ?? 1_700_000_000),
      format: d.volume.includes(':subvol-') ? 'subvol' : 'raw',
      size: d.size,
      used: Math.round((g.usedDisk * d.size) / Math.max(1, g.disks.reduce((n, x) => n + x.size, 0))),
      vmid: g.vmid,
      volid: d.volume,
    }))
    .sort((a, b) => (a.volid < b.volid ? -1 : 1));
}

export function configDigest(g: PveGuest): string {
  let h = 0x811c9dc5;
  const s = `${g.vmid}${g.name}${g.current ?? ''}${g.snapshots.length}${g.disks.map((d) => d.volume).join()}${Object.values(g.nets).join()}${g.lock ?? ''}`;
  let out = '';
  for (let k = 0; k < 5; k++) {
    for (const c of s) h = Math.imul(h ^ (c.charCodeAt(0) + k), 16777619);
    out += (h >>> 0).toString(16).padStart(8, '0');
  }
  return out;
}

const OUTPUT_FORMATS = ['text', 'json', 'json-pretty', 'yaml'];

export async function pvesh(ctx: ToolContext): Promise<number> {
  const pve = ctx.host.pve;
  const [cmd, path, ...rest] = ctx.argv.slice(1);
  if (!pve) {
    ctx.err('ipcc_send_rec[1] failed: Connection refused\nUnable to load access control list: Connection refused\n');
    return 111;
  }
  if (cmd === undefined) {
    ctx.err('ERROR: no command specified\nUSAGE: pvesh <COMMAND> [ARGS] [OPTIONS]\n');
    return 255;
  }
  if (!['get', 'ls', 'set', 'create', 'delete', 'usage'].includes(cmd)) {
    ctx.err(`ERROR: unknown command 'pvesh ${cmd}'\nUSAGE: pvesh <COMMAND> [ARGS] [OPTIONS]\n`);
    return 255;
  }
  if (path === undefined) {
    ctx.err(`400 not enough arguments\n${USAGE}\n`);
    return 255;
  }
  const normal = `/${path.replace(/^\/+|\/+$/g, '').replace(/\/+/g, '/')}`;
  const route = ROUTES.find((r) => r.pattern.test(normal));
  if (cmd !== 'get' || !route) {
    ctx.err(`No '${cmd}' handler defined for '${path}'\n`);
    return 1;
  }
  const params: Params = {};
  let format = 'text';
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const m = /^--?([a-z][a-z0-9_-]*)(?:=(.*))?$/.exec(a);
    if (!m) {
      ctx.err(`400 too many arguments\n${USAGE}\n`);
      return 255;
    }
    const name = m[1]!;
    const value = m[2] ?? rest[++i];
    if (name === 'noproxy' || name === 'quiet' || name === 'noborder' || name === 'noheader' || name === 'human-readable') continue;
    if (value === undefined) {
      ctx.err(`400 Parameter verification failed.\n${name}: property requires a value\n\n${USAGE}\n`);
      return 255;
    }
    if (name === 'output-format') {
      if (!OUTPUT_FORMATS.includes(value)) {
        ctx.err(`400 Parameter verification failed.\noutput-format: value '${value}' does not have a value in the enumeration '${OUTPUT_FORMATS.join(', ')}'\n\n${USAGE}\n`);
        return 255;
      }
      format = value;
      continue;
    }
    if (!route.options.includes(name)) {
      ctx.err(`400 Parameter verification failed.\n${name}: property is not defined in schema and the schema does not allow additional properties\n\n${USAGE}\n`);
      return 255;
    }
    const allowed = route.enums?.[name];
    if (allowed && !allowed.includes(value)) {
      ctx.err(`400 Parameter verification failed.\n${name}: value '${value}' does not have a value in the enumeration '${allowed.join(', ')}'\n\n${USAGE}\n`);
      return 255;
    }
    if (['limit', 'start', 'vmid', 'since', 'until'].includes(name) && !/^\d+$/.test(value)) {
      ctx.err(`400 Parameter verification failed.\n${name}: type check ('integer') failed - got '${value}'\n\n${USAGE}\n`);
      return 255;
    }
    params[name] = value;
  }
  let data: unknown;
  try {
    data = route.handle(ctx, pve, route.pattern.exec(normal)!, params);
  } catch (e) {
    if (e instanceof ApiError) {
      ctx.err(`${e.message}\n`);
      return e.code;
    }
    throw e;
  }
  await ctx.pace(30);
  if (format === 'json' || format === 'yaml') ctx.out(`${canonicalJson(data)}\n`);
  else if (format === 'json-pretty') ctx.out(`${JSON.stringify(JSON.parse(canonicalJson(data)), null, 3)}\n`);
  else if (Array.isArray(data)) ctx.out(pveTable(data as Record<string, unknown>[]));
  else if (data && typeof data === 'object') {
    ctx.out(pveTable(Object.entries(data).filter(([, v]) => v !== undefined).map(([key, value]) => ({ key, value })), ['key', 'value']));
  } else ctx.out(`${String(data)}\n`);
  return 0;
}

