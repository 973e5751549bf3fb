/**
 * Proxmox Backup Server probes (reference §3). The client reads its secret
 * from PBS_PASSWORD, or itself from PBS_PASSWORD_FILE / PBS_PASSWORD_CMD (first
 * line; proxmox-backup pbs-client `get_secret_from_env`), and pins the server
 * certificate with PBS_FINGERPRINT. The repository string holds no secret.
 */
import type { Command } from '../../transport/command.js';
import { mergeEnv, secretEnv, type CommandEnv, type ResolvedSecret, type SecretVariables } from '../secrets.js';
import { MiB, SMALL_OUTPUT_BYTES } from '../shared/output-limits.js';

/**
 * `snapshot list`: 0.6 to 1 KiB of JSON per snapshot (its archives, owner,
 * verification with its UPID). 64 MiB is some 70,000 snapshots: 200 guests
 * keeping 300 each, far beyond a datastore Strata is meant for.
 */
export const SNAPSHOT_LIST_MAX_BYTES = 64 * MiB;
/** `task list --limit 100`: about 300 bytes a task, 30 KB in all. */
export const TASK_LIST_MAX_BYTES = SMALL_OUTPUT_BYTES;

export const PBS_PASSWORD_VARS: SecretVariables = {
  value: 'PBS_PASSWORD',
  file: 'PBS_PASSWORD_FILE',
  command: 'PBS_PASSWORD_CMD',
};

export interface PbsAccess {
  /** `[[user@realm[!token]@]server[:port]:]datastore` */
  readonly repository: string;
  readonly namespace?: string;
  /** Server certificate fingerprint (PBS_FINGERPRINT). */
  readonly fingerprint?: string;
  readonly password?: ResolvedSecret;
}

export function checkWord(what: string, v: string): string {
  if (v === '' || v.startsWith('-') || /[\s\0]/.test(v)) throw new TypeError(`not a PBS ${what}: ${JSON.stringify(v)}`);
  return v;
}

/** The datastore part of a repository string: everything after its last colon. */
export function datastoreOfRepository(repository: string): string {
  const i = repository.lastIndexOf(':');
  return i < 0 ? repository : repository.slice(i + 1);
}

export function clientEnv(a: PbsAccess): CommandEnv {
  return mergeEnv(
    a.fingerprint ? { env: { PBS_FINGERPRINT: a.fingerprint } } : {},
    a.password ? secretEnv(a.password, PBS_PASSWORD_VARS) : {},
  );
}

function clientCommand(a: PbsAccess, sub: readonly string[], withNamespace: boolean): Command {
  const ns = withNamespace && a.namespace ? ['--ns', checkWord('namespace', a.namespace)] : [];
  return {
    argv: [
      'proxmox-backup-client',
      ...sub,
      '--repository',
      checkWord('repository', a.repository),
      ...ns,
      '--output-format',
      'json',
    ],
    ...clientEnv(a),
  };
}

export const snapshotListCommand = (a: PbsAccess): Command => ({ ...clientCommand(a, ['snapshot', 'list'], true), maxOutputBytes: SNAPSHOT_LIST_MAX_BYTES });

/** A datastore's total, used and available bytes: some 200 bytes. */
export const datastoreStatusCommand = (a: PbsAccess): Command => ({ ...clientCommand(a, ['status'], false), maxOutputBytes: SMALL_OUTPUT_BYTES });

export function taskListCommand(limit = 100): Command {
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`not a task limit: ${limit}`);
  return {
    argv: ['proxmox-backup-manager', 'task', 'list', '--all', '--limit', String(limit), '--output-format', 'json'],
    maxOutputBytes: TASK_LIST_MAX_BYTES,
  };
}
