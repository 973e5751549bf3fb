/**
 * PBS access control (pbs-config acl.rs, pbs-api-types acl.rs): roles on
 * ACL paths for users and API tokens. A token may do what both it and its
 * user are granted; root@pam may do everything. The lab asks one question:
 * may an auth id see a datastore (list it, its snapshots, restore from it)?
 */
import type { PbsAclEntry, PbsState } from './types.js';

export const ROLES = [
  'Admin',
  'Audit',
  'NoAccess',
  'DatastoreAdmin',
  'DatastoreReader',
  'DatastoreBackup',
  'DatastorePowerUser',
  'DatastoreAudit',
  'RemoteAudit',
  'RemoteAdmin',
  'RemoteSyncOperator',
  'TapeAudit',
  'TapeAdmin',
  'TapeOperator',
  'TapeReader',
] as const;

/** Roles holding Datastore.Audit, Datastore.Read or Datastore.Backup. */
const SEES_DATASTORE = new Set(['Admin', 'Audit', 'DatastoreAdmin', 'DatastoreReader', 'DatastoreBackup', 'DatastorePowerUser', 'DatastoreAudit']);

/** The roles an ugid holds on a path: its entries there, and the propagating ones above it; NoAccess there takes all away. */
function rolesOn(acl: readonly PbsAclEntry[], ugid: string, path: string): string[] {
  const mine = acl.filter((e) => e.ugid === ugid);
  const parts = path.split('/').filter(Boolean);
  // The most specific path with an entry decides (acl.rs roles(): a deeper node replaces what it inherits).
  for (let n = parts.length; n >= 0; n--) {
    const at = `/${parts.slice(0, n).join('/')}`;
    const here = mine.filter((e) => e.path === at && (n === parts.length || e.propagate));
    if (here.length > 0) return here.some((e) => e.roleid === 'NoAccess') ? [] : here.map((e) => e.roleid);
  }
  return [];
}

export function canSeeDatastore(pbs: PbsState, authId: string, store: string): boolean {
  if (!pbs.acl || authId === 'root@pam') return true;
  const path = `/datastore/${store}`;
  const sees = (ugid: string) => rolesOn(pbs.acl!, ugid, path).some((r) => SEES_DATASTORE.has(r));
  const bang = authId.indexOf('!');
  return bang < 0 ? sees(authId) : sees(authId.slice(0, bang)) && sees(authId);
}

/** Users and tokens the server knows (user.cfg): those with a secret, and the users of tokens. */
export function knownAuthIds(pbs: PbsState): Set<string> {
  const ids = new Set<string>();
  for (const id of Object.keys(pbs.credentials)) {
    ids.add(id);
    if (id.includes('!')) ids.add(id.slice(0, id.indexOf('!')));
  }
  return ids;
}

/** pbs-config check_acl_path: the paths an ACL may name. */
export function validAclPath(path: string): boolean {
  const c = path.split('/').filter(Boolean);
  if (c.length === 0) return true;
  switch (c[0]) {
    case 'access':
      return c.length === 1 || (['acl', 'users', 'domains'].includes(c[1]!) && c.length === 2) || (c[1] === 'openid' && c.length <= 3);
    case 'datastore':
      return c.length <= 2 + 7;
    case 'remote':
      return c.length <= 3;
    case 'system':
      return c.length <= 3;
    case 'tape':
      return c.length <= 3;
    default:
      return false;
  }
}

/** acl.cfg order: by path, then ugid, then role. */
export function sortedAcl(acl: readonly PbsAclEntry[]): PbsAclEntry[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...acl].sort((a, b) => cmp(a.path, b.path) || cmp(a.ugid, b.ugid) || cmp(a.roleid, b.roleid));
}
