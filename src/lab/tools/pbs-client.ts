/**
 * `proxmox-backup-client` against a datastore of a simulated PBS server:
 * `snapshot list`, `list`, `status`, `prune`, `restore`, and `backup` of
 * host directories. The repository comes from `--repository` or
 * PBS_REPOSITORY; the secret from PBS_PASSWORD, PBS_PASSWORD_FILE or
 * PBS_PASSWORD_CMD (first line); PBS_FINGERPRINT, when set, must match the
 * server certificate. Keys are kebab-case; lists come in no useful order.
 */
import { configFileText, guestOfTemplate } from '../state/guest-config.js';
import { posix } from 'node:path';
import { keyShow } from './pbs-keys.js';
import { canSeeDatastore } from '../state/pbs-acl.js';
import type { ToolContext } from '../shell/types.js';
import { isoUtc } from '../state/clock.js';
import { filesUnder, getFile, isDir, mkdirs, resolvePath, writeFile } from '../state/fs.js';
import {
  addSnapshot,
  datastoreStatus,
  groupKey,
  groups,
  parseRepository,
  pruneGroup,
  resolveServer,
  snapshotByPath,
} from '../state/pbs.js';
import { pbsSnapshotPath, pbsSnapshotSize } from '../state/pve.js';
import type { HostState, PbsDatastore, PbsSnapshot } from '../state/types.js';
import { isArgError, last, parseArgs, type OptionSpec } from './args.js';
import { goBytes } from './format.js';
import { boxTable, fail, keepFromArgs, outputFormat, printData } from './pbs-common.js';
import { catalogLines, selectedFiles } from './pbs-files.js';
import { pxarFiles } from '../state/pbs-files.js';
import { writeFileSet } from '../state/file-sets.js';
import { atLeast, toolVersion } from '../state/tool-versions.js';
import { keepOptions } from '../state/retention.js';

const COMMON = { repository: 'value', ns: 'value', 'output-format': 'value', keyfile: 'value', 'crypt-mode': 'value' } as const;

const SPECS: Record<string, OptionSpec> = {
  'snapshot list': { long: COMMON },
  snapshots: { long: COMMON },
  list: { long: COMMON },
  status: { long: COMMON },
  prune: {
    long: { ...COMMON, 'dry-run': 'flag', quiet: 'flag', 'keep-last': 'value', 'keep-hourly': 'value', 'keep-daily': 'value', 'keep-weekly': 'value', 'keep-monthly': 'value', 'keep-yearly': 'value' },
  },
  restore: { long: { ...COMMON, 'allow-existing-dirs': 'flag', overwrite: 'flag', 'ignore-acls': 'flag' } },
  'restore with pattern': { long: { ...COMMON, 'allow-existing-dirs': 'flag', overwrite: 'flag', 'ignore-acls': 'flag', pattern: 'value' } },
  'catalog dump': { long: COMMON },
  backup: { long: { ...COMMON, 'backup-type': 'value', 'backup-id': 'value', 'backup-time': 'value', include: 'value', exclude: 'value', 'skip-lost-and-found': 'flag', 'change-detection-mode': 'value' } },
};

/** Stable but meaningless order, like a listing of directories and hash maps. */
function scramble<T>(items: readonly T[], key: (t: T) => string): T[] {
  const h = (s: string) => {
    let x = 2166136261;
    for (const c of s) x = Math.imul(x ^ c.charCodeAt(0), 16777619);
    return x >>> 0;
  };
  return [...items].sort((a, b) => h(key(a)) - h(key(b)));
}

async function secretOf(ctx: ToolContext): Promise<string | undefined> {
  if (ctx.env.PBS_PASSWORD !== undefined) return ctx.env.PBS_PASSWORD;
  if (ctx.env.PBS_PASSWORD_FILE !== undefined) {
    const f = getFile(ctx.host.fs, resolvePath(ctx.cwd, ctx.env.PBS_PASSWORD_FILE));
    if (!f) throw new Error(`unable to read password from file '${ctx.env.PBS_PASSWORD_FILE}' - No such file or directory (os error 2)`);
    return (f.content ?? '').split('\n')[0];
  }
  if (ctx.env.PBS_PASSWORD_CMD !== undefined) {
    const r = await ctx.run({ argv: ['sh', '-c', ctx.env.PBS_PASSWORD_CMD], env: ctx.env, cwd: ctx.cwd });
    if (r.code !== 0) throw new Error(`command '${ctx.env.PBS_PASSWORD_CMD}' failed: exit code ${r.code}`);
    return r.stdout.split('\n')[0];
  }
  return undefined;
}

interface Connected {
  server: HostState;
  ds: PbsDatastore;
}

export async function connect(ctx: ToolContext, repoText: string | undefined): Promise<Connected | string> {
  const text = repoText ?? ctx.env.PBS_REPOSITORY;
  if (!text) return 'unable to get (default) repository';
  const repo = parseRepository(text);
  if (!repo) return `parameter verification failed\n\nrepository: value does not match the regex pattern`;
  const server = resolveServer(ctx.lab.state, ctx.host, repo.server);
  if (!server) return 'error trying to connect: dns error: failed to lookup address information: Name or service not known';
  if (!ctx.lab.isReachable(server.name) || !server.pbs) return 'error trying to connect: tcp connect error: Connection refused (os error 111)';
  await ctx.pace(60);
  const fp = ctx.env.PBS_FINGERPRINT;
  if (fp !== undefined && fp.toLowerCase() !== server.pbs.certFingerprint.toLowerCase()) {
    return 'error trying to connect: error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:../ssl/statem/statem_clnt.c:1889:';
  }
  let secret: string | undefined;
  try {
    secret = await secretOf(ctx);
  } catch (e) {
    return (e as Error).message;
  }
  if (secret === undefined) return 'no password input mechanism available';
  const authId = repo.authId ?? 'root@pam';
  if (server.pbs.credentials[authId] === undefined || server.pbs.credentials[authId] !== secret) {
    return 'authentication failed - invalid credentials';
  }
  const ds = server.pbs.datastores[repo.datastore];
  if (!ds) return `datastore '${repo.datastore}' does not exist`;
  if (!canSeeDatastore(server.pbs, authId, ds.name)) return 'permission check failed';
  return { server, ds };
}

function snapshotRow(s: PbsSnapshot): Record<string, unknown> {
  return {
    'backup-id': s.id,
    'backup-time': s.time,
    'backup-type': s.type,
    comment: s.comment,
    files: s.files.map((f) => ({ 'crypt-mode': f.cryptMode, filename: f.filename, size: f.size })),
    owner: s.owner,
    protected: s.protected,
    size: pbsSnapshotSize(s),
    verification: s.verification ? { state: s.verification.state, upid: s.verification.upid } : undefined,
  };
}

function parseGroup(text: string): { type: string; id: string } | undefined {
  const m = /^(vm|ct|host)\/([A-Za-z0-9_][A-Za-z0-9._-]*)$/.exec(text);
  return m ? { type: m[1]!, id: m[2]! } : undefined;
}

/** What `restore ... -` prints for an archive: configs are text, images are bytes. */
function archiveContent(s: PbsSnapshot, archive: string): string | undefined {
  const file = s.files.find((f) => f.filename.replace(/\.(fidx|didx|blob)$/, '') === archive);
  if (!file) return undefined;
  if ((archive === 'qemu-server.conf' || archive === 'pct.conf') && s.guest) return configFileText(guestOfTemplate(Number(s.id), s.guest));
  if (archive === 'index.json') return `${JSON.stringify({ 'backup-type': s.type, 'backup-id': s.id, 'backup-time': s.time, files: s.files.map((f) => ({ filename: f.filename, size: f.size })) })}\n`;
  return '\u0000'.repeat(64);
}

export async function proxmoxBackupClient(ctx: ToolContext): Promise<number> {
  let words = ctx.argv.slice(1);
  let sub = words[0];
  if ((sub === 'snapshot' && words[1] === 'list') || (sub === 'catalog' && words[1] === 'dump')) {
    sub = `${sub} ${words[1]}`;
    words = words.slice(2);
  } else words = words.slice(1);
  if (sub === 'version') {
    const [major = '4', minor = '0', release = '0'] = toolVersion(ctx.host, 'pbsClient').split('.');
    if (words.includes('json')) ctx.out(`${JSON.stringify({ client: { version: `${major}.${minor}`, release, repoid: 'c0ffee' } })}\n`);
    else ctx.out(`client version: ${major}.${minor}.${release}\n`);
    return 0;
  }
  if (sub === 'key' && words[0] === 'show') return keyShow(ctx, words.slice(1));
  // `--pattern` is an option of restore from client 4.0; 3.x refuses it.
  const specName = sub === 'restore' && atLeast(ctx.host, 'pbsClient', '4.0') ? 'restore with pattern' : sub;
  const spec = specName === undefined ? undefined : SPECS[specName];
  if (!spec) {
    ctx.err(`Error: ${sub === undefined ? 'no command specified' : `no such command '${sub}'`}\n`);
    return 255;
  }
  const args = parseArgs(words, spec);
  if (isArgError(args)) return fail(ctx, `parameter verification failed\n\n${args.option.replace(/^-+/, '')}: schema does not allow additional properties.`);
  const format = outputFormat(ctx, last(args, 'output-format'));
  if (!format) return 255;
  const conn = await connect(ctx, last(args, 'repository'));
  if (typeof conn === 'string') return fail(ctx, conn);
  const { ds, server } = conn;

  switch (sub) {
    case 'catalog dump': {
      const snapText = args.positionals[0];
      if (snapText === undefined) return fail(ctx, 'parameter verification failed\n\nsnapshot: parameter is missing and it is not optional.');
      const snap = snapshotByPath(ds, snapText);
      if (!snap) return fail(ctx, `unable to find snapshot '${snapText}'`);
      const lines = catalogLines(snap, ctx.host.timeZone);
      if (!lines) return fail(ctx, "manifest does not contain file 'catalog.pcat1.didx'");
      await ctx.pace(100 + lines.length / 50);
      for (const l of lines) ctx.err(`${l}\n`);
      return 0;
    }
    case 'snapshot list':
    case 'snapshots': {
      const filter = args.positionals[0];
      if (filter !== undefined && !parseGroup(filter)) return fail(ctx, `unable to parse backup group path '${filter}'`);
      const list = scramble(
        ds.snapshots.filter((s) => !s.partial && (filter === undefined || groupKey(s) === filter)),
        (s) => `${groupKey(s)}${s.time % 7}`,
      );
      printData(ctx, format, list.map(snapshotRow), () =>
        boxTable(
          [{ key: 'snapshot', title: 'snapshot' }, { key: 'size', title: 'size', right: true }, { key: 'files', title: 'files' }],
          [...list].sort((a, b) => (groupKey(a) < groupKey(b) ? -1 : groupKey(a) > groupKey(b) ? 1 : a.time - b.time)).map((s) => ({
            snapshot: pbsSnapshotPath(s),
            size: goBytes(pbsSnapshotSize(s)),
            files: s.files.map((f) => f.filename.replace(/\.(fidx|didx|blob)$/, '')).join(' '),
          })),
        ),
      );
      return 0;
    }
    case 'list': {
      const rows = scramble([...groups(ds).entries()], ([k]) => k).map(([, list]) => {
        const newest = list.reduce((a, b) => (b.time > a.time ? b : a));
        return {
          'backup-count': list.length,
          'backup-id': newest.id,
          'backup-type': newest.type,
          comment: newest.comment,
          files: newest.files.map((f) => f.filename),
          'last-backup': newest.time,
          owner: newest.owner,
        };
      });
      printData(ctx, format, rows, () =>
        boxTable(
          [{ key: 'group', title: 'group' }, { key: 'last', title: 'last snapshot' }, { key: 'count', title: 'backup-count', right: true }],
          rows.map((r) => ({ group: `${r['backup-type']}/${r['backup-id']}`, last: isoUtc(r['last-backup']), count: String(r['backup-count']) })),
        ),
      );
      return 0;
    }
    case 'status': {
      const st = datastoreStatus(ds);
      printData(ctx, format, st, () => `total: ${goBytes(st.total)}, used: ${goBytes(st.used)} (${((100 * st.used) / st.total).toFixed(2)}%), available: ${goBytes(st.avail)}\n`);
      return 0;
    }
    case 'prune': {
      const group = args.positionals[0];
      if (group === undefined) return fail(ctx, 'parameter verification failed\n\ngroup: parameter is missing and it is not optional.');
      if (!parseGroup(group)) return fail(ctx, `unable to parse backup group path '${group}'`);
      const keep = keepFromArgs(args.values);
      if (typeof keep === 'string') return fail(ctx, keep);
      const dryRun = args.values['dry-run'] !== undefined;
      const verdicts = pruneGroup(ds, group, keepOptions(keep), server.timeZone, dryRun);
      const rows = verdicts.map((v) => ({
        'backup-id': v.snapshot.id,
        'backup-time': v.snapshot.time,
        'backup-type': v.snapshot.type,
        keep: v.keep,
        protected: v.snapshot.protected,
      }));
      printData(ctx, format, rows, () =>
        `${boxTable(
          [{ key: 'snapshot', title: 'snapshot' }, { key: 'action', title: 'action' }],
          verdicts.map((v) => ({ snapshot: pbsSnapshotPath(v.snapshot), action: v.keep ? 'keep' : 'remove' })),
        )}`,
      );
      return 0;
    }
    case 'restore': {
      const [snapText, archive, target] = args.positionals;
      if (snapText === undefined || archive === undefined || target === undefined) {
        return fail(ctx, 'parameter verification failed\n\nsnapshot, archive-name and target are required.');
      }
      const group = parseGroup(snapText);
      const snap = group
        ? ds.snapshots.filter((s) => s.type === group.type && s.id === group.id && !s.partial).sort((a, b) => b.time - a.time)[0]
        : snapshotByPath(ds, snapText);
      if (!snap) return fail(ctx, `unable to find snapshot '${snapText}'`);
      const name = archive.replace(/\.(fidx|didx|blob)$/, '');
      const content = archiveContent(snap, name);
      if (content === undefined) return fail(ctx, `unable to find archive '${archive}' in backup manifest`);
      const file = snap.files.find((f) => f.filename.replace(/\.(fidx|didx|blob)$/, '') === name)!;
      const steps = Math.max(2, Math.min(8, Math.round(file.size / 2 ** 30)));
      for (let i = 0; i < steps; i++) {
        await ctx.pace(150);
        if (snap.corrupt && i === Math.floor(steps / 2)) {
          return fail(ctx, `can't verify chunk, load failed - store '${ds.name}', unable to load chunk '${'9f3a'.repeat(16)}' - blob has wrong CRC checksum`);
        }
      }
      if (target === '-') {
        ctx.out(content);
        return 0;
      }
      const path = resolvePath(ctx.cwd, target);
      if (name.endsWith('.pxar')) {
        if (isDir(ctx.host.fs, path) && args.values['allow-existing-dirs'] === undefined && filesUnder(ctx.host.fs, path).length > 0) {
          return fail(ctx, `error extracting archive - directory already exists: '${path}'`);
        }
        mkdirs(ctx.host.fs, path);
        const kept = pxarFiles(snap, file.filename) ?? {};
        if (Object.keys(kept).length === 0) writeFile(ctx.host.fs, posix.join(path, '.pxar-restored'), { size: file.size, mtime: ctx.now(), content: `${pbsSnapshotPath(snap)}\n` });
        else writeFileSet(ctx.host.fs, path, selectedFiles(kept, args.values.pattern ?? []));
      } else {
        if (!isDir(ctx.host.fs, posix.dirname(path))) return fail(ctx, `unable to create target file '${target}' - No such file or directory (os error 2)`);
        writeFile(ctx.host.fs, path, { size: file.size, mtime: ctx.now(), ...(file.size < 1 << 20 ? { content } : {}) });
      }
      return 0;
    }
    case 'backup': {
      const specs = args.positionals;
      if (specs.length === 0) return fail(ctx, 'parameter verification failed\n\nbackupspec: parameter is missing and it is not optional.');
      const type = last(args, 'backup-type') ?? 'host';
      if (!['vm', 'ct', 'host'].includes(type)) return fail(ctx, `parameter verification failed\n\nbackup-type: value '${type}' is not defined in the enumeration.`);
      const id = last(args, 'backup-id') ?? ctx.host.hostname;
      const time = Math.floor(ctx.now());
      const files: PbsSnapshot['files'] = [];
      ctx.err(`Starting backup: ${type}/${id}/${isoUtc(time)}\nClient name: ${ctx.host.hostname}\nStarting backup protocol: ${new Date(time * 1000).toUTCString()}\nNo previous manifest available.\n`);
      for (const spec of specs) {
        const m = /^([A-Za-z0-9_][A-Za-z0-9._-]*)\.(pxar|img|conf|log):(.+)$/.exec(spec);
        if (!m) return fail(ctx, `unable to parse backup specification '${spec}'`);
        const src = resolvePath(ctx.cwd, m[3]!);
        if (!isDir(ctx.host.fs, src) && !getFile(ctx.host.fs, src)) return fail(ctx, `unable to access '${m[3]}' - No such file or directory (os error 2)`);
        const bytes = filesUnder(ctx.host.fs, src).reduce((n, [, f]) => n + f.size, 0);
        ctx.err(`Upload directory '${m[3]}' to '${last(args, 'repository') ?? ctx.env.PBS_REPOSITORY}' as ${m[1]}.${m[2]}.didx\n`);
        await ctx.pace(300);
        ctx.err(`${m[1]}.${m[2]}: had to backup ${goBytes(bytes)} of ${goBytes(bytes)} (compressed ${goBytes(Math.round(bytes / 3))}) in 0.31s\n`);
        files.push({ filename: `${m[1]}.${m[2]}.didx`, size: bytes, cryptMode: 'none' });
      }
      files.push({ filename: 'catalog.pcat1.didx', size: 1200, cryptMode: 'none' }, { filename: 'index.json.blob', size: 400, cryptMode: 'none' });
      addSnapshot(ds, { type: type as PbsSnapshot['type'], id, time, files, owner: parseRepository(last(args, 'repository') ?? ctx.env.PBS_REPOSITORY ?? '')?.authId ?? 'root@pam', protected: false });
      ctx.err(`Uploaded backup catalog (1.17 KiB)\nDuration: 0.62s\nEnd Time: ${new Date(time * 1000).toUTCString()}\n`);
      return 0;
    }
  }
  return 255;
}
