/**
 * The lab rclone's configuration, as rclone reads it (fs/configmap.go,
 * fs/config): a remote's key from RCLONE_CONFIG_<NAME>_<KEY> when set (the
 * name upper-cased as it is, the key's `-` as `_`: fs.ConfigToEnv), else
 * from the config file (--config, RCLONE_CONFIG, else root's rclone.conf); a
 * remote the file lacks exists when its type is in the environment. `config
 * dump` prints the file's remotes; a bucket with keys in the lab's state
 * answers only to requests signed with them.
 */
import { getFile, resolvePath } from '../state/fs.js';
import type { ToolContext } from '../shell/types.js';
import type { RcloneRemote } from '../state/types.js';

const DEFAULT_CONFIG = '/root/.config/rclone/rclone.conf';

export class RcloneFail extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

type Sections = Record<string, Record<string, string>>;

/** The config file rclone reads: --config, else RCLONE_CONFIG, else root's. */
const configPath = (ctx: ToolContext, flagValue: string | undefined): string => resolvePath(ctx.cwd, flagValue ?? ctx.env.RCLONE_CONFIG ?? DEFAULT_CONFIG);

/** The remotes of the config file in its order (INI: `[name]`, `key = value`); a host without the file has the remotes its state names. */
function configSections(ctx: ToolContext, path: string): Sections {
  const text = getFile(ctx.host.fs, path)?.content;
  if (text === undefined) {
    if (path !== DEFAULT_CONFIG) return {};
    return Object.fromEntries(Object.entries(ctx.host.rcloneRemotes ?? {}).map(([name, r]) => [name, { type: r.type, ...(r.provider ? { provider: r.provider } : {}), ...(r.storageClass ? { storage_class: r.storageClass } : {}) }]));
  }
  const out: Sections = {};
  let section: Record<string, string> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) section = out[head[1]!] ??= {};
    else if (section) {
      const eq = line.indexOf('=');
      if (eq > 0) section[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
  }
  return out;
}

/** fs.ConfigToEnv: the remote's name upper-cased as it is (a `-` stays), the key's `-` as `_`. */
const configEnv = (remote: string, key: string) => `RCLONE_CONFIG_${`${remote}_${key.replace(/-/g, '_')}`.toUpperCase()}`;

/** A remote's value as rclone looks it up: the environment first, then the file (an empty value there is unset). */
function configValue(ctx: ToolContext, sections: Sections, remote: string, key: string): string | undefined {
  const fromEnv = ctx.env[configEnv(remote, key)];
  if (fromEnv !== undefined) return fromEnv;
  const v = Object.hasOwn(sections, remote) ? sections[remote]![key] : undefined;
  return v === '' ? undefined : v;
}

export function remoteConfig(ctx: ToolContext, name: string, spec: string, configFlag: string | undefined): RcloneRemote | undefined {
  const sections = configSections(ctx, configPath(ctx, configFlag));
  const type = configValue(ctx, sections, name, 'type');
  if (type === undefined) return undefined;
  if (type !== 's3' && type !== 'local') throw new RcloneFail(`Failed to create file system for "${spec}": didn't find backend called "${type}"`, 1);
  const provider = configValue(ctx, sections, name, 'provider');
  const storageClass = configValue(ctx, sections, name, 'storage_class');
  return { type, ...(provider ? { provider } : {}), ...(storageClass ? { storageClass } : {}) };
}

/** `rclone config dump`: every remote of the config file, each key's value as rclone reads it; Go's json.MarshalIndent (sorted keys, four spaces, no newline at the end). */
export function configDump(ctx: ToolContext, configFlag: string | undefined): number {
  const sections = configSections(ctx, configPath(ctx, configFlag));
  const sorted = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const dump = sorted(Object.fromEntries(Object.entries(sections).map(([name, keys]) => [name, sorted(Object.fromEntries(Object.keys(keys).map((k) => [k, configValue(ctx, sections, name, k) ?? ''])))])));
  ctx.out(JSON.stringify(dump, null, 4).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`));
  return 0;
}

/** The keys an s3 remote signs with: its own, else with env_auth the AWS_* variables (as the SDK's chain finds them). */
export function s3Keys(ctx: ToolContext, name: string, configFlag: string | undefined): { id: string; secret: string } | undefined {
  const sections = configSections(ctx, configPath(ctx, configFlag));
  const id = configValue(ctx, sections, name, 'access_key_id');
  const secret = configValue(ctx, sections, name, 'secret_access_key');
  if (id !== undefined && secret !== undefined) return { id, secret };
  if (configValue(ctx, sections, name, 'env_auth') === 'true' && ctx.env.AWS_ACCESS_KEY_ID && ctx.env.AWS_SECRET_ACCESS_KEY) return { id: ctx.env.AWS_ACCESS_KEY_ID, secret: ctx.env.AWS_SECRET_ACCESS_KEY };
  return undefined;
}

/** S3's answer to a request signed with other keys than the bucket's (buckets without keys in the lab's state take any). */
export function refusedKeys(ctx: ToolContext, bucket: string, keys: { id: string; secret: string } | undefined): string | undefined {
  const want = ctx.lab.state.cloud.bucketKeys?.[bucket];
  if (!want) return undefined;
  const tail = `\n\tstatus code: 403, request id: ${ctx.lab.rng.hex(8).toUpperCase()}, host id: `;
  if (!keys) return `AccessDenied: Access Denied${tail}`;
  if (keys.id !== want.accessKeyId) return `InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.${tail}`;
  if (keys.secret !== want.secretAccessKey) return `SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your key and signing method.${tail}`;
  return undefined;
}
