/**
 * rclone probes (reference §6). The config file goes in RCLONE_CONFIG; secret
 * settings (RCLONE_CONFIG_PASS, RCLONE_CONFIG_<REMOTE>_SECRET_ACCESS_KEY, ...)
 * through `secretEnv`.
 */
import type { Command } from '../../transport/command.js';
import { mergeEnv, secretMapEnv, type CommandEnv, type ResolvedSecret } from '../secrets.js';
import { MiB, SMALL_OUTPUT_BYTES } from '../shared/output-limits.js';

/**
 * `lsjson -R`: 150 to 250 bytes an object. 128 MiB is some 600,000 objects: a
 * copy of a PBS datastore holds one per chunk (2 to 4 MiB each), so about a
 * 1.5 TiB datastore. A bigger listing is UNKNOWN, "output too large", rather
 * than a process that holds and parses it whole.
 */
export const LSJSON_MAX_BYTES = 128 * MiB;

export interface RcloneAccess {
  /** `remote:bucket/path` */
  readonly remote: string;
  readonly configFile?: string;
  readonly secretEnv?: Readonly<Record<string, ResolvedSecret>>;
}

function checkRemote(remote: string): string {
  if (remote === '' || remote.startsWith('-') || remote.includes('\0')) {
    throw new TypeError(`not an rclone remote path: ${JSON.stringify(remote)}`);
  }
  return remote;
}

function rcloneEnv(a: RcloneAccess): CommandEnv {
  return mergeEnv(secretMapEnv(a.secretEnv), a.configFile ? { env: { RCLONE_CONFIG: a.configFile } } : {});
}

export const lsjsonCommand = (a: RcloneAccess): Command => ({
  argv: ['rclone', 'lsjson', '-R', '--files-only', '--no-mimetype', checkRemote(a.remote)],
  ...rcloneEnv(a),
  maxOutputBytes: LSJSON_MAX_BYTES,
});

/** Four numbers. */
export const aboutCommand = (a: RcloneAccess): Command => ({
  argv: ['rclone', 'about', checkRemote(a.remote), '--json'],
  ...rcloneEnv(a),
  maxOutputBytes: SMALL_OUTPUT_BYTES,
});
