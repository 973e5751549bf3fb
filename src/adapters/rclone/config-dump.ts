/**
 * A remote's configuration carried to another host as environment: `rclone
 * config dump` prints every remote of a config file as JSON
 * (`{"name": {"type": "s3", "access_key_id": ...}}`), and rclone reads a
 * remote from `RCLONE_CONFIG_<NAME>_<KEY>` variables as well as from a file
 * (fs.ConfigToEnv: upper case, the key's `-` as `_` but the name's kept, so a
 * remote whose name has a `-` cannot be given so). A remote that wraps another
 * (crypt, alias, union: a `remote`/`upstreams` value naming `other:path`)
 * brings that one along. The values are secrets: they go to the other host
 * as Command.secrets only.
 */
import { err, ok, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { ENV_NAME } from '../../transport/command.js';
import { mergeEnv, secretMapEnv, type ResolvedSecret } from '../secrets.js';
import { parseJsonText } from '../shared/json.js';
import { SMALL_OUTPUT_BYTES } from '../shared/output-limits.js';
import { rcloneFailure } from './parse.js';

export type RcloneConfigDump = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * `--ask-password=false`: fail rather than prompt for the password of an
 * encrypted config that RCLONE_CONFIG_PASS does not open (rclone would
 * otherwise read it from stdin, which may carry other secrets, or wait).
 */
export function configDumpCommand(a: { readonly configFile?: string; readonly secretEnv?: Readonly<Record<string, ResolvedSecret>> }): Command {
  return { argv: ['rclone', 'config', 'dump', '--ask-password=false'], ...mergeEnv(secretMapEnv(a.secretEnv), a.configFile ? { env: { RCLONE_CONFIG: a.configFile } } : {}), maxOutputBytes: SMALL_OUTPUT_BYTES };
}

export function parseConfigDump(stdout: string, stderr: string, exitCode: number): Result<RcloneConfigDump> {
  if (exitCode !== 0) return rcloneFailure(stderr, exitCode);
  const json = parseJsonText(stdout, 'rclone config dump');
  if (!json.ok) return json;
  const v = json.value;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return err('parse', 'rclone config dump: not a JSON object of remotes');
  const out: Record<string, Record<string, string>> = {};
  for (const [name, section] of Object.entries(v as Record<string, unknown>)) {
    if (!section || typeof section !== 'object' || Array.isArray(section)) return err('parse', `rclone config dump: remote ${name} is not an object`);
    out[name] = Object.fromEntries(Object.entries(section as Record<string, unknown>).flatMap(([k, x]) => (typeof x === 'string' ? [[k, x]] : typeof x === 'number' || typeof x === 'boolean' ? [[k, String(x)]] : [])));
  }
  return ok(out);
}

/** `RCLONE_CONFIG_<NAME>_<KEY>` as rclone looks it up (fs.ConfigToEnv): `my-remote`, `ignore-size` -> `RCLONE_CONFIG_MY-REMOTE_IGNORE_SIZE`. */
export const configEnvName = (remote: string, key: string) => `RCLONE_CONFIG_${remote}_${key.replace(/-/g, '_')}`.toUpperCase();

/** Whether the variables of this remote can be set at all: rclone keeps the name as it is, and a variable name has letters, digits and `_` only. */
export const remoteEnvCarries = (remote: string): boolean => ENV_NAME.test(configEnvName(remote, 'type'));

/** The remote of `name:path`. */
export const remoteName = (remote: string): string => remote.slice(0, Math.max(0, remote.indexOf(':')));

/** The variables that define `name` and every remote it wraps; an error names a remote the dump lacks or a name no variable can carry. */
export function remoteConfigEnv(dump: RcloneConfigDump, name: string): Result<Record<string, string>> {
  const out: Record<string, string> = {};
  const todo = [name];
  const seen = new Set<string>();
  while (todo.length > 0) {
    const n = todo.shift()!;
    if (seen.has(n)) continue;
    seen.add(n);
    const section = dump[n];
    if (!section) return err('parse', `the rclone configuration has no remote ${n}`);
    if (!remoteEnvCarries(n)) return err('parse', `remote ${n}: rclone reads it from ${configEnvName(n, '*')} variables, and no environment can carry that name: rename the remote (letters, digits, _)`);
    for (const [k, v] of Object.entries(section)) {
      const envName = configEnvName(n, k);
      if (!ENV_NAME.test(envName)) return err('parse', `remote ${n}, key ${k}: no environment variable can carry it (${envName})`);
      if (/[\n\0]/.test(v)) return err('parse', `remote ${n}, key ${k}: its value holds a line break`);
      out[envName] = v;
      if (k === 'remote' || k === 'upstreams') for (const ref of v.split(/\s+/)) if (ref.includes(':') && !ref.startsWith('/')) todo.push(remoteName(ref));
    }
  }
  return ok(out);
}

/** What the DR card may print of a remote: its backend and where and how it stores, never a key. */
export interface RcloneRemoteSettings {
  readonly type: string;
  readonly provider?: string;
  readonly region?: string;
  readonly storageClass?: string;
}

/**
 * A remote's printable settings from `rclone config dump`. Only these named
 * keys are kept; every other value (keys, passwords, tokens) is dropped here,
 * so nothing past the adapter ever holds one.
 */
export function parseRemoteSettings(stdout: string, stderr: string, exitCode: number, name: string): Result<RcloneRemoteSettings> {
  const dump = parseConfigDump(stdout, stderr, exitCode);
  if (!dump.ok) return dump;
  const s = dump.value[name];
  if (!s) return err('parse', `the rclone configuration has no remote ${name}`);
  const type = s.type;
  if (!type) return err('parse', `remote ${name} has no type`);
  return ok({ type, ...(s.provider ? { provider: s.provider } : {}), ...(s.region ? { region: s.region } : {}), ...(s.storage_class ? { storageClass: s.storage_class } : {}) });
}
