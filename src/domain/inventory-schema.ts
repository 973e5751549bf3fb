/**
 * The zod schema of the inventory file (inventory-file.ts). Objects are
 * strict, so a typo such as "reop" is reported instead of silently ignored.
 * Cross-references (host names, copyOf, tiers) are checked in inventory.ts.
 */
import { z } from 'zod';
import { ASSET_ID_HINT, isAssetId } from './asset-id.js';
import { DURATION_HINT, parseDuration } from './duration.js';
import type { InventoryFile, SecretRef } from './inventory-file.js';
import { LAYER_KINDS, type LayerKind } from './inventory-file.js';
import { parseKeepOptions } from './retention/keep-options.js';
import { showValue } from './show-value.js';
import { suggest } from './suggest.js';

export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DATASET = /^[A-Za-z][A-Za-z0-9_.:-]*(?:\/[A-Za-z0-9_.:-]+)*$/;

const show = (v: unknown): string => showValue(v);

/** A host name can be a fully qualified domain name, at most 253 characters (RFC 1035). */
export const NAME_MAX_CHARS = 253;
/** Paths, addresses and other text: PATH_MAX on Linux. */
export const TEXT_MAX_CHARS = 4096;

const tooLong = (max: number) => ({
  abort: true,
  error: (i: { input?: unknown }) => `${show(i.input)} is too long: at most ${max} characters`,
});

const name = (what: string) =>
  z
    .string({ error: (i) => `expected ${what} (a string), got ${show(i.input)}` })
    .max(NAME_MAX_CHARS, tooLong(NAME_MAX_CHARS))
    .regex(NAME, {
      error: (i) => `${show(i.input)} is not ${what}: letters, digits, ".", "_" and "-", starting with a letter or digit`,
    });

const text = z.string().min(1, { error: 'must not be empty' }).max(TEXT_MAX_CHARS, tooLong(TEXT_MAX_CHARS));
/** `..` is refused: the path a tool reports back is written out, so `/srv/../etc` would never match it. */
const absolutePath = z
  .string()
  .max(TEXT_MAX_CHARS, tooLong(TEXT_MAX_CHARS))
  .refine((p) => p.startsWith('/'), { error: (i) => `${show(i.input)} is not an absolute path`, abort: true })
  .refine((p) => !p.split('/').includes('..'), { error: (i) => `${show(i.input)} goes up with ".."; write the path out in full` });

const duration = z.custom<string>((v) => typeof v === 'string' && parseDuration(v).ok, {
  error: (i) => {
    if (typeof i.input === 'string') {
      const r = parseDuration(i.input);
      if (!r.ok && !r.error.message.includes(DURATION_HINT)) return r.error.message;
    }
    return `${show(i.input)} is not ${DURATION_HINT}`;
  },
});

const SECRET_HINT = 'a secret reference: {"command": "..."}, {"file": "/path"} or {"env": "NAME"}';

function isSecretRef(v: unknown): v is SecretRef {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== 1) return false;
  const [k] = keys;
  const value = (v as Record<string, unknown>)[k!];
  if (typeof value !== 'string' || value === '' || value.length > TEXT_MAX_CHARS) return false;
  if (k === 'env') return ENV_NAME.test(value);
  return k === 'command' || k === 'file';
}

const secretRef = z.custom<SecretRef>(isSecretRef, {
  error: (i) => {
    if (typeof i.input === 'string' || typeof i.input === 'number') {
      return `a literal secret where a secret reference belongs: secrets never go in this file; use ${SECRET_HINT}`;
    }
    const only = typeof i.input === 'object' && i.input !== null && !Array.isArray(i.input) ? Object.values(i.input) : [];
    if (only.length === 1 && typeof only[0] === 'string' && only[0].length > TEXT_MAX_CHARS) {
      return `a secret reference of ${only[0].length.toLocaleString('en-US')} characters; at most ${TEXT_MAX_CHARS}`;
    }
    if (typeof i.input === 'object' && i.input !== null && 'env' in i.input) {
      return `{"env": ${show((i.input as { env: unknown }).env)}} does not name an environment variable`;
    }
    return `expected ${SECRET_HINT}, got ${show(i.input)}`;
  },
});

const envName = z.string().max(NAME_MAX_CHARS, tooLong(NAME_MAX_CHARS)).regex(ENV_NAME, { error: (i) => `${show(i.input)} is not an environment variable name` });

const assetId = z.custom<string>((v) => isAssetId(v), { error: (i) => `${show(i.input)} is not ${ASSET_ID_HINT}` });

const dataset = z
  .string()
  .max(TEXT_MAX_CHARS, tooLong(TEXT_MAX_CHARS))
  .regex(DATASET, { error: (i) => `${show(i.input)} is not a ZFS dataset name like tank/data`, abort: true })
  .refine((d) => !d.split('/').some((part) => part === '.' || part === '..'), { error: (i) => `${show(i.input)} has a "." or ".." in it, which no ZFS dataset name has` });

const count = (min: number) =>
  z
    .number({ error: (i) => `expected a whole number, got ${show(i.input)}` })
    .int({ error: (i) => `expected a whole number, got ${show(i.input)}` })
    .min(min, { error: `must be at least ${min}` });

export const hostSchema = z.strictObject({
  name: name('a host name'),
  transport: z.enum(['ssh', 'local']).optional(),
  address: text.optional(),
  port: count(1).max(65_535, { error: 'must be at most 65535' }).optional(),
  user: text.optional(),
  identityFile: text.optional(),
  knownHostsFile: text.optional(),
  hostKeyFingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, { error: (i) => `${show(i.input)} is not a fingerprint like SHA256:<43 base64 characters> (ssh-keygen -lf)` })
    .optional(),
  node: text.optional(),
});

const layerBase = {
  id: name('a layer id'),
  host: name('a host name'),
  description: z.string().max(TEXT_MAX_CHARS, tooLong(TEXT_MAX_CHARS)).optional(),
  media: text.optional(),
  offsite: z.boolean({ error: (i) => `expected true or false, got ${show(i.input)}` }).optional(),
  rpo: duration.optional(),
  copyOf: z.array(name('a layer id')).optional(),
  verifyMaxAge: duration.optional(),
  carriers: z.array(assetId).optional(),
};

const secretEnv = z.record(envName, secretRef);
const replicationSourceSchema = z.strictObject({ host: name('a host name').optional(), dataset });
const replicationTargetSchema = z.strictObject({ dataset });

export const layerSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ ...layerBase, kind: z.literal('pve-snapshots'), guests: z.array(count(100)).optional() }),
    z.strictObject({ ...layerBase, kind: z.literal('vzdump'), storage: name('a PVE storage id') }),
    z.strictObject({
      ...layerBase,
      kind: z.literal('pbs'),
      repository: text,
      secret: secretRef.optional(),
      fingerprint: z
        .string()
        .regex(/^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){31}$/, { error: (i) => `${show(i.input)} is not a certificate fingerprint like ab:cd:...(32 bytes)` })
        .optional(),
      namespace: z.string().max(TEXT_MAX_CHARS, tooLong(TEXT_MAX_CHARS)).optional(),
      datastore: name('a datastore name').optional(),
      keyfile: z
        .string()
        .max(TEXT_MAX_CHARS, tooLong(TEXT_MAX_CHARS))
        .regex(/^\/[^\0\n]*$/, { error: (i) => `${show(i.input)} is not an absolute path on the host` })
        .optional(),
      keySecret: secretRef.optional(),
    }),
    z.strictObject({ ...layerBase, kind: z.literal('zfs-snapshots'), datasets: z.array(dataset).min(1, { error: 'must name at least one dataset' }) }),
    z.strictObject({
      ...layerBase,
      kind: z.literal('zfs-replication'),
      source: replicationSourceSchema,
      target: replicationTargetSchema,
    }),
    z.strictObject({
      ...layerBase,
      kind: z.literal('restic'),
      repository: text,
      secret: secretRef,
      paths: z.array(absolutePath).optional(),
      secretEnv: secretEnv.optional(),
      env: z.record(envName, z.string().max(TEXT_MAX_CHARS, tooLong(TEXT_MAX_CHARS))).optional(),
    }),
    z.strictObject({
      ...layerBase,
      kind: z.literal('rclone'),
      remote: text,
      source: absolutePath.optional(),
      configFile: text.optional(),
      secretEnv: secretEnv.optional(),
    }),
    z.strictObject({
      ...layerBase,
      kind: z.literal('config-backup'),
      paths: z.array(absolutePath).min(1, { error: 'must name at least one path' }),
      directory: absolutePath,
    }),
  ],
  {
    error: (i) => {
      if (typeof i.input !== 'object' || i.input === null || Array.isArray(i.input)) return `expected a layer (an object), got ${show(i.input)}`;
      const kind = (i.input as { kind?: unknown }).kind;
      if (kind === undefined) return `missing; one of ${LAYER_KINDS.join(', ')}`;
      const hint = typeof kind === 'string' ? suggest(kind, LAYER_KINDS) : undefined;
      return `${show(kind)} is not a layer kind${hint ? ` (did you mean "${hint}"?)` : ''}; one of ${LAYER_KINDS.join(', ')}`;
    },
  },
);

const retention = z.custom<string>((v) => typeof v === 'string' && parseKeepOptions(v).ok, {
  error: (i) => {
    if (typeof i.input !== 'string') return `expected keep options like "keep-daily=7,keep-weekly=4", got ${show(i.input)}`;
    const r = parseKeepOptions(i.input);
    return r.ok ? 'invalid' : r.error.message;
  },
});

export const tierSchema = z.strictObject({
  name: name('a tier name'),
  rpo: duration,
  copies: count(1),
  media: count(1),
  offsite: count(0),
  retention: retention.optional(),
  rto: duration.optional(),
  assets: z.array(assetId),
});

const percent = z.number().min(0, { error: 'must be between 0 and 100' }).max(100, { error: 'must be between 0 and 100' });

const defaultTierSchema = z.strictObject({
  copies: count(1).optional(),
  media: count(0).optional(),
  offsite: count(0).optional(),
  rpo: duration.optional(),
});

const thresholdsSchema = z.strictObject({
  rpoCritFactor: z.number().min(1, { error: 'must be at least 1' }).optional(),
  capacityWarnPercent: percent.optional(),
  capacityCritPercent: percent.optional(),
  clockSkewWarnSeconds: z.number().min(0, { error: 'must be 0 or more' }).optional(),
  verifyMaxAge: duration.optional(),
});

const httpUrl = text.refine((u) => /^https?:\/\/[^\s/]+/.test(u), { error: (i) => `${show(i.input)} is not an http:// or https:// address` });
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headerName = z.string().max(NAME_MAX_CHARS, tooLong(NAME_MAX_CHARS)).regex(HEADER_NAME, { error: (i) => `${show(i.input)} is not an HTTP header name` });
/** One line: a value with a line break would start a header (or a mail header) of its own. */
const oneLineText = text.refine((v) => !/[\r\n\0]/.test(v), { error: 'must be one line' });
const mailbox = oneLineText.refine((v) => /^[^\s@<>]+@[^\s@<>]+$/.test(v), { error: (i) => `${show(i.input)} is not an e-mail address like ops@example.com` });
const targetBase = { name: name('a target name') };

const NOTIFY_KINDS = ['ntfy', 'gotify', 'telegram', 'webhook', 'sendmail', 'smtp', 'healthchecks'] as const;

export const notifyTargetSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ ...targetBase, kind: z.literal('ntfy'), url: httpUrl, topic: name('an ntfy topic'), token: secretRef.optional() }),
    z.strictObject({ ...targetBase, kind: z.literal('gotify'), url: httpUrl, token: secretRef }),
    z.strictObject({
      ...targetBase,
      kind: z.literal('telegram'),
      botToken: secretRef,
      chatId: z.string().regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{5,64})$/, { error: (i) => `${show(i.input)} is not a Telegram chat id (digits, -100… for a group, or @channelname)` }),
      apiUrl: httpUrl.optional(),
    }),
    z.strictObject({
      ...targetBase,
      kind: z.literal('webhook'),
      url: httpUrl,
      headers: z.record(headerName, oneLineText).optional(),
      secretHeaders: z.record(headerName, secretRef).optional(),
      template: z.json().optional(),
    }),
    z.strictObject({ ...targetBase, kind: z.literal('sendmail'), to: z.array(mailbox).min(1, { error: 'must name at least one address' }), from: mailbox.optional(), command: absolutePath.optional() }),
    z.strictObject({
      ...targetBase,
      kind: z.literal('smtp'),
      host: oneLineText,
      port: count(1).max(65_535, { error: 'must be at most 65535' }).optional(),
      tls: z.enum(['starttls', 'tls', 'none']).optional(),
      user: oneLineText.optional(),
      password: secretRef.optional(),
      to: z.array(mailbox).min(1, { error: 'must name at least one address' }),
      from: mailbox,
      caFile: absolutePath.optional(),
    }),
    z.strictObject({ ...targetBase, kind: z.literal('healthchecks'), url: httpUrl.optional(), check: secretRef }),
  ],
  {
    error: (i) => {
      if (typeof i.input !== 'object' || i.input === null || Array.isArray(i.input)) return `expected a notification target (an object), got ${show(i.input)}`;
      const kind = (i.input as { kind?: unknown }).kind;
      if (kind === undefined) return `missing; one of ${NOTIFY_KINDS.join(', ')}`;
      const hint = typeof kind === 'string' ? suggest(kind, NOTIFY_KINDS) : undefined;
      return `${show(kind)} is not a notification target kind${hint ? ` (did you mean "${hint}"?)` : ''}; one of ${NOTIFY_KINDS.join(', ')}`;
    },
  },
);

const notificationsSchema = z.strictObject({
  remindEvery: duration.optional(),
  targets: z.array(notifyTargetSchema),
});

export const inventorySchema = z.strictObject({
  version: z.literal(1, { error: (i) => `expected 1 (the only version of this file), got ${show(i.input)}` }),
  hosts: z.array(hostSchema),
  layers: z.array(layerSchema),
  tiers: z.array(tierSchema).optional(),
  defaultTier: defaultTierSchema.optional(),
  thresholds: thresholdsSchema.optional(),
  refreshSeconds: count(1).optional(),
  probeTimeoutSeconds: count(1).max(3600, { error: (i) => `at most 3600 (an hour), got ${show(i.input)}` }).optional(),
  notifications: notificationsSchema.optional(),
});

/** The schema's output is the file shape; this line fails to compile if they drift apart. */
export type SchemaMatchesFile = z.infer<typeof inventorySchema> extends InventoryFile ? true : never;
const schemaMatchesFile: SchemaMatchesFile = true;
void schemaMatchesFile;

/** The keys each object of the file takes, from the schema itself: "did you mean" offers only these. */
export const KEYS_OF = {
  inventory: Object.keys(inventorySchema.shape),
  host: Object.keys(hostSchema.shape),
  tier: Object.keys(tierSchema.shape),
  defaultTier: Object.keys(defaultTierSchema.shape),
  thresholds: Object.keys(thresholdsSchema.shape),
  replicationSource: Object.keys(replicationSourceSchema.shape),
  replicationTarget: Object.keys(replicationTargetSchema.shape),
  notifications: Object.keys(notificationsSchema.shape),
} as const;

/** The keys of a notification target of each kind. */
export const NOTIFY_TARGET_KEYS = Object.fromEntries(notifyTargetSchema.options.map((o) => [o.shape.kind.value, Object.keys(o.shape)])) as unknown as Record<
  (typeof NOTIFY_KINDS)[number],
  readonly string[]
>;

/** The keys of a layer of each kind. */
export const LAYER_KEYS = Object.fromEntries(layerSchema.options.map((o) => [o.shape.kind.value, Object.keys(o.shape)])) as unknown as Record<LayerKind, readonly string[]>;
