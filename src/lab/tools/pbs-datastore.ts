/**
 * `proxmox-backup-manager datastore create` and `acl list|update` as PBS
 * 3.3 answers them (src/api2/config/datastore.rs, src/api2/access/acl.rs,
 * pbs-datastore chunk_store.rs). Create is a task: refused before it starts
 * for a name in use or a relative path; in the task for a non-empty
 * directory without `--reuse-datastore`, and with it for a directory (or its
 * `.chunks`, `.lock`) that is missing or not owned by `backup`. A reused
 * datastore's snapshots are read back from its files (state/pbs-layout.ts).
 */
import type { ToolContext } from '../shell/types.js';
import { getFile, isDir, mkdirs, walk } from '../state/fs.js';
import { knownAuthIds, ROLES, sortedAcl, validAclPath } from '../state/pbs-acl.js';
import { chunkStoreBytes, readDatastoreLayout } from '../state/pbs-layout.js';
import { atLeast } from '../state/tool-versions.js';
import type { PbsState, SimFs } from '../state/types.js';
import { last, type ParsedArgs } from './args.js';
import { ownerOf } from './file-tools.js';
import { boxTable, fail, PbsTaskError, printData, runPbsTask, type OutputFormat } from './pbs-common.js';

const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const TRUE = /^(1|true|yes|on)$/i;
const BOOL = /^(0|1|true|false|yes|no|on|off)$/i;
const DEFAULT_TOTAL = 3_998_614_536_192;

/** ChunkStore::check_permissions: the datastore's vital paths must exist and belong to backup. */
function checkOwned(fs: SimFs, path: string, kind: 'dir' | 'file'): void {
  const there = kind === 'dir' ? isDir(fs, path) : getFile(fs, path) !== undefined;
  if (!there) throw new PbsTaskError(`unable to open existing chunk store path "${path}" - ENOENT: No such file or directory`);
  if (ownerOf(fs, path) !== 'backup:backup') throw new PbsTaskError(`unable to open existing chunk store path "${path}" - permissions or owner not correct`);
}

/** What sits in a directory apart from dot files and lost+found (create refuses those). */
function hasContent(fs: SimFs, path: string): boolean {
  return walk(fs, path).some((e) => e.depth === 1 && !e.path.slice(path.length + 1).startsWith('.') && e.path.slice(path.length + 1) !== 'lost+found');
}

/** The filesystem a new datastore's path is on: that of a datastore beside it, if any. */
function filesystemOf(pbs: PbsState, path: string): { total: number; used: number } {
  const mount = path.split('/').slice(0, 3).join('/');
  const beside = Object.values(pbs.datastores).find((d) => d.path.split('/').slice(0, 3).join('/') === mount);
  return beside ? { total: beside.total, used: beside.used } : { total: DEFAULT_TOTAL, used: 0 };
}

export async function datastoreCreate(ctx: ToolContext, pbs: PbsState, args: ParsedArgs, format: OutputFormat): Promise<number> {
  const [, , name, path] = args.positionals;
  if (name === undefined || path === undefined) {
    const missing = name === undefined ? 'name' : 'path';
    return fail(ctx, `parameter verification failed\n\n${missing}: parameter is missing and it is not optional.`);
  }
  if (!NAME.test(name) || name.length < 3 || name.length > 32) return fail(ctx, 'parameter verification failed\n\nname: value does not match the regex pattern');
  const reuseText = last(args, 'reuse-datastore');
  // The option came with PBS 3.3; an older server's schema has no such property.
  if (reuseText !== undefined && !atLeast(ctx.host, 'pbsServer', '3.3')) return fail(ctx, 'parameter verification failed\n\nreuse-datastore: schema does not allow additional properties.');
  if (reuseText !== undefined && !BOOL.test(reuseText)) return fail(ctx, 'parameter verification failed\n\nreuse-datastore: Unable to parse boolean option.');
  const reuse = reuseText !== undefined && TRUE.test(reuseText);
  // Refusals of the API before any task (param_bail! over HTTP).
  if (Object.hasOwn(pbs.datastores, name)) return fail(ctx, `parameter verification errors\n\nparameter 'name': datastore '${name}' already exists.`);
  if (!path.startsWith('/')) return fail(ctx, `parameter verification errors\n\nparameter 'path': expected an absolute path, '${path}' is not`);
  const root = path.replace(/(.)\/+$/, '$1');
  const comment = last(args, 'comment');
  const gcSchedule = last(args, 'gc-schedule');
  return runPbsTask(ctx, pbs, { workerType: 'create-datastore', workerId: name }, format === 'text', format, async (t) => {
    const fs = ctx.host.fs;
    if (root === '/') throw new PbsTaskError('cannot create datastore in root path');
    await t.pace(150);
    if (reuse) {
      checkOwned(fs, root, 'dir');
      checkOwned(fs, `${root}/.chunks`, 'dir');
      checkOwned(fs, `${root}/.lock`, 'file');
    } else {
      if (isDir(fs, root) && hasContent(fs, root)) throw new PbsTaskError('datastore path not empty');
      mkdirs(fs, `${root}/.chunks`);
      (fs.dirOwners ??= {})[root] = 'backup:backup';
      fs.dirOwners[`${root}/.chunks`] = 'backup:backup';
      fs.files[`${root}/.lock`] = { size: 0, mtime: ctx.now(), mode: 0o644, owner: 'backup:backup' };
      for (let p = 1; p < 100; p++) {
        t.log(`Chunkstore create: ${p}%`);
        if (p % 10 === 0) await t.pace(20);
      }
    }
    const snapshots = reuse ? readDatastoreLayout(fs, root) : [];
    const chunks = chunkStoreBytes(fs, root);
    const filesystem = filesystemOf(pbs, root);
    pbs.datastores[name] = {
      name,
      path: root,
      total: filesystem.total,
      used: Math.min(filesystem.total, filesystem.used + chunks),
      ...(comment !== undefined ? { comment } : {}),
      ...(gcSchedule !== undefined ? { gcSchedule } : {}),
      snapshots,
    };
  });
}

export function aclList(ctx: ToolContext, pbs: PbsState, format: OutputFormat): number {
  const rows = sortedAcl(pbs.acl ?? []).map((e) => ({ path: e.path, propagate: e.propagate, roleid: e.roleid, ugid: e.ugid, ugid_type: 'user' }));
  printData(ctx, format, rows, () =>
    boxTable(
      [{ key: 'ugid', title: 'ugid' }, { key: 'path', title: 'path' }, { key: 'propagate', title: 'propagate' }, { key: 'roleid', title: 'roleid' }],
      rows.map((r) => ({ ugid: r.ugid, path: r.path, propagate: r.propagate ? '1' : '0', roleid: r.roleid })),
    ),
  );
  return 0;
}

/** `acl update PATH ROLE --auth-id ID [--propagate B] [--delete B]`: prints nothing when it worked. */
export function aclUpdate(ctx: ToolContext, pbs: PbsState, args: ParsedArgs): number {
  const [, , path, role] = args.positionals;
  if (path === undefined || role === undefined) return fail(ctx, `parameter verification failed\n\n${path === undefined ? 'path' : 'role'}: parameter is missing and it is not optional.`);
  if (!(ROLES as readonly string[]).includes(role)) return fail(ctx, `parameter verification failed\n\nrole: value '${role}' is not defined in the enumeration.`);
  for (const k of ['propagate', 'delete']) {
    const v = last(args, k);
    if (v !== undefined && !BOOL.test(v)) return fail(ctx, `parameter verification failed\n\n${k}: Unable to parse boolean option.`);
  }
  const authId = last(args, 'auth-id');
  if (authId === undefined) return fail(ctx, "missing 'userid' or 'group' parameter.");
  if (!/^[^@!\s:]+@[A-Za-z0-9._-]+(![A-Za-z0-9._-]+)?$/.test(authId)) return fail(ctx, 'parameter verification failed\n\nauth-id: value does not match the regex pattern');
  const remove = TRUE.test(last(args, 'delete') ?? '0');
  const propagate = !/^(0|false|no|off)$/i.test(last(args, 'propagate') ?? '1');
  if (!remove && !knownAuthIds(pbs).has(authId)) return fail(ctx, `no such ${authId.includes('!') ? 'API token' : 'user'}.`);
  if (!remove && !validAclPath(path)) return fail(ctx, `invalid acl path '${path}'.`);
  const acl = (pbs.acl ??= []);
  const at = acl.findIndex((e) => e.path === path && e.ugid === authId && e.roleid === role);
  if (remove) {
    if (at >= 0) acl.splice(at, 1);
  } else if (at >= 0) acl[at]!.propagate = propagate;
  else acl.push({ path, ugid: authId, propagate, roleid: role });
  return 0;
}
