/**
 * What the PBS file commands share (restore-formats §3): the snapshot path,
 * the encryption key file (`--keyfile`) and its passphrase
 * (PBS_ENCRYPTION_PASSWORD[_FILE|_CMD], first set wins, never in argv), and
 * the client's version, which decides whether `restore` takes `--pattern`.
 */
import { err, ok, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { mergeEnv, secretEnv, type CommandEnv, type ResolvedSecret, type SecretVariables } from '../secrets.js';
import { exitFailure } from '../shared/failure.js';
import { excerpt } from '../shared/json.js';
import { SMALL_OUTPUT_BYTES } from '../shared/output-limits.js';
import { checkWord, clientEnv, type PbsAccess } from './commands.js';

export const PBS_ENCRYPTION_PASSWORD_VARS: SecretVariables = {
  value: 'PBS_ENCRYPTION_PASSWORD',
  file: 'PBS_ENCRYPTION_PASSWORD_FILE',
  command: 'PBS_ENCRYPTION_PASSWORD_CMD',
};

export interface PbsKey {
  /** Path on the host of the key file (`--keyfile`). */
  readonly keyfile: string;
  /** The key's passphrase, when it has one. */
  readonly password?: ResolvedSecret;
}

export interface PbsFileAccess extends PbsAccess {
  readonly key?: PbsKey;
}

const SNAPSHOT = /^(vm|ct|host)\/[A-Za-z0-9_][A-Za-z0-9._-]*\/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const GROUP = /^(vm|ct|host)\/[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** `vm/100/2024-01-31T02:00:01Z`; with `group`, also `vm/100` (= the newest). */
export function checkSnapshotPath(path: string, group = false): string {
  if (!SNAPSHOT.test(path) && !(group && GROUP.test(path))) throw new TypeError(`not a PBS snapshot path: ${JSON.stringify(path)}`);
  return path;
}

export function keyArgs(a: PbsFileAccess): string[] {
  if (!a.key) return [];
  if (!a.key.keyfile.startsWith('/') || /[\0\n]/.test(a.key.keyfile)) throw new TypeError(`not an absolute key file path: ${JSON.stringify(a.key.keyfile)}`);
  return ['--keyfile', a.key.keyfile];
}

export function fileEnv(a: PbsFileAccess): CommandEnv {
  return mergeEnv(clientEnv(a), a.key?.password ? secretEnv(a.key.password, PBS_ENCRYPTION_PASSWORD_VARS) : {});
}

/** `--repository R [--ns NS] [--keyfile F]` */
export function repositoryArgs(a: PbsFileAccess): string[] {
  return ['--repository', checkWord('repository', a.repository), ...(a.namespace ? ['--ns', checkWord('namespace', a.namespace)] : []), ...keyArgs(a)];
}

export interface PbsClientVersion {
  readonly major: number;
  readonly minor: number;
  readonly release: number;
  readonly text: string;
}

export interface PbsClientFeatures {
  /**
   * `restore ... --pattern P` (repeatable, pathpatterns include matches). Read
   * in a client newer than 3.2.4 (the one with split pxar archives and
   * `--prelude-target`); 3.2.4 has no selection and refuses the option. Taken
   * as present from 4.0, the client of PVE 9; 3.3 and 3.4 are not known, so
   * they are treated as without (the fallback, `proxmox-file-restore
   * extract` per path, works everywhere).
   */
  readonly restorePattern: boolean;
}

/** `proxmox-backup-client version --output-format json`: no repository, no server contact. */
export const pbsClientVersionCommand = (): Command => ({
  argv: ['proxmox-backup-client', 'version', '--output-format', 'json'],
  maxOutputBytes: SMALL_OUTPUT_BYTES,
});

/** `{"client":{"version":"3.2","release":"7",...}}`, or the text `client version: 3.2.7`. */
export function parsePbsClientVersion(stdout: string, stderr: string, exitCode: number): Result<PbsClientVersion> {
  if (exitCode !== 0) return exitFailure('proxmox-backup-client version', exitCode, stderr);
  const text = stdout.trim();
  let version: string | undefined;
  if (text.startsWith('{')) {
    try {
      const c = (JSON.parse(text) as { client?: { version?: unknown; release?: unknown } }).client;
      if (c && typeof c.version === 'string') version = `${c.version}.${typeof c.release === 'string' || typeof c.release === 'number' ? String(c.release) : '0'}`;
    } catch {
      // fall through
    }
  } else version = /^client version: (\S+)$/m.exec(text)?.[1];
  const m = version ? /^(\d+)\.(\d+)\.(\d+)$/.exec(version) : null;
  if (!m) return err('parse', `proxmox-backup-client version: no client version in "${excerpt(text) || 'no output'}"`);
  return ok({ major: Number(m[1]), minor: Number(m[2]), release: Number(m[3]), text: version! });
}

export function pbsClientFeatures(v: PbsClientVersion): PbsClientFeatures {
  return { restorePattern: v.major >= 4 };
}
