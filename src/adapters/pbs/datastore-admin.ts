/**
 * Adding a datastore directory that already holds chunks to a PBS server and
 * letting a token read it (chain-commands.md 5, 6): `datastore create
 * --reuse-datastore` (PBS 3.3+) takes the directory with its `.chunks` as it
 * is instead of refusing a directory that is not empty; `acl list --output-format
 * json` prints `[{path, ugid, ugid_type, roleid, propagate}]`.
 */
import { z } from 'zod';
import { ok, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { exitFailure } from '../shared/failure.js';
import { parseJsonAs } from '../shared/json.js';
import { SMALL_OUTPUT_BYTES } from '../shared/output-limits.js';

export function datastoreCreateCommand(name: string, path: string): Command {
  if (!path.startsWith('/')) throw new TypeError(`not an absolute datastore path: ${JSON.stringify(path)}`);
  return { argv: ['proxmox-backup-manager', 'datastore', 'create', name, path, '--reuse-datastore', 'true'] };
}

export const datastorePath = (name: string) => `/datastore/${name}`;

export function aclUpdateCommand(path: string, role: string, authId: string): Command {
  return { argv: ['proxmox-backup-manager', 'acl', 'update', path, role, '--auth-id', authId] };
}

export function aclListCommand(timeoutMs: number): Command {
  return { argv: ['proxmox-backup-manager', 'acl', 'list', '--output-format', 'json'], timeoutMs, maxOutputBytes: SMALL_OUTPUT_BYTES };
}

export interface AclEntry {
  readonly path: string;
  readonly ugid: string;
  readonly roleid: string;
  readonly propagate: boolean;
}

const aclList = z.array(z.object({ path: z.string(), ugid: z.string(), roleid: z.string(), propagate: z.union([z.boolean(), z.number()]).optional() }).loose());

export function parseAclList(stdout: string, stderr: string, exitCode: number): Result<AclEntry[]> {
  const what = 'proxmox-backup-manager acl list';
  if (exitCode !== 0) return exitFailure(what, exitCode, stderr);
  const list = parseJsonAs(aclList, stdout, what);
  if (!list.ok) return list;
  return ok(list.value.map((a) => ({ path: a.path, ugid: a.ugid, roleid: a.roleid, propagate: a.propagate === undefined ? true : Boolean(a.propagate) })));
}

/** Whether `authId` may read `path` with `role` (given on the path itself or, propagated, on a parent). */
export function aclGrants(entries: readonly AclEntry[], path: string, role: string, authId: string): boolean {
  return entries.some((e) => e.ugid === authId && e.roleid === role && (e.path === path || (e.propagate && (e.path === '/' || path.startsWith(`${e.path}/`)))));
}
