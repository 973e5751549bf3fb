/**
 * The shape of the inventory file (DESIGN.md "Inventory"), version 1, as the
 * operator writes it: durations are strings (`30m`, `12h`, `1d`, `2w`), secrets
 * are references, never values. The schema in inventory-schema.ts validates a
 * parsed JSON value against this shape and turns it into `Inventory`.
 * Extend; do not rename.
 */

/** Where a secret comes from. Never the secret itself. */
export type SecretRef =
  /** A command run on the layer's host whose first output line is the secret. */
  | { readonly command: string }
  /** A file on the layer's host holding the secret. */
  | { readonly file: string }
  /** A variable of the Strata process, sent to the host over the SSH channel's stdin. */
  | { readonly env: string };

export interface HostFile {
  readonly name: string;
  /** `ssh` (default) or `local`: the host Strata itself runs on. */
  readonly transport?: 'ssh' | 'local';
  /** Address or a Host alias of ~/.ssh/config; defaults to `name`. */
  readonly address?: string;
  readonly port?: number;
  readonly user?: string;
  readonly identityFile?: string;
  readonly knownHostsFile?: string;
  /** A pinned host key fingerprint, `SHA256:<base64>` as `ssh-keygen -lf` prints it. */
  readonly hostKeyFingerprint?: string;
  /** The PVE node name; defaults to what `hostname` prints. */
  readonly node?: string;
}

export type LayerKind =
  | 'pve-snapshots'
  | 'vzdump'
  | 'pbs'
  | 'zfs-snapshots'
  | 'zfs-replication'
  | 'restic'
  | 'rclone'
  | 'config-backup';

export const LAYER_KINDS: readonly LayerKind[] = [
  'pve-snapshots',
  'vzdump',
  'pbs',
  'zfs-snapshots',
  'zfs-replication',
  'restic',
  'rclone',
  'config-backup',
];

interface LayerFileBase {
  readonly id: string;
  readonly host: string;
  readonly description?: string;
  /** What the copies sit on: `nvme`, `hdd`, `usb-ssd`, `cloud`, ... (3-2-1 counts distinct media). */
  readonly media?: string;
  readonly offsite?: boolean;
  /** Newest point older than this is a warning (older than twice this: critical). */
  readonly rpo?: string;
  /** Layers whose data this layer copies: a copy at time t holds every point of those layers before t. */
  readonly copyOf?: readonly string[];
  /** The newest point must have been verified within this long. */
  readonly verifyMaxAge?: string;
  /**
   * For a layer with `copyOf`: the assets of this layer's own points that hold
   * the copied data (e.g. `files/docker1:/mnt/usb/pbs`, the PBS datastore
   * directory). Default: every point of an asset the copied layers do not hold
   * themselves.
   */
  readonly carriers?: readonly string[];
}

export interface PveSnapshotsLayerFile extends LayerFileBase {
  readonly kind: 'pve-snapshots';
  /** Limit to these guests; default every guest of the node. */
  readonly guests?: readonly number[];
}

export interface VzdumpLayerFile extends LayerFileBase {
  readonly kind: 'vzdump';
  /** PVE storage id holding the archives (a directory, NFS or PBS storage). */
  readonly storage: string;
}

export interface PbsLayerFile extends LayerFileBase {
  readonly kind: 'pbs';
  /** `[[user@realm[!token]@]server[:port]:]datastore` */
  readonly repository: string;
  readonly secret?: SecretRef;
  /** PBS server certificate fingerprint (PBS_FINGERPRINT). */
  readonly fingerprint?: string;
  readonly namespace?: string;
  /** Datastore name for proxmox-backup-manager (verify, GC); defaults to the repository's datastore. */
  readonly datastore?: string;
  /** Encryption key file on the layer's host (`--keyfile`), for file restores of encrypted snapshots. */
  readonly keyfile?: string;
  /** The key's passphrase (PBS_ENCRYPTION_PASSWORD[_FILE|_CMD]), by reference. */
  readonly keySecret?: SecretRef;
}

export interface ZfsSnapshotsLayerFile extends LayerFileBase {
  readonly kind: 'zfs-snapshots';
  readonly datasets: readonly string[];
}

export interface ZfsReplicationLayerFile extends LayerFileBase {
  readonly kind: 'zfs-replication';
  /** `host` is the target host; the source may be on another host. */
  readonly source: { readonly host?: string; readonly dataset: string };
  readonly target: { readonly dataset: string };
}

export interface ResticLayerFile extends LayerFileBase {
  readonly kind: 'restic';
  readonly repository: string;
  readonly secret: SecretRef;
  /** Only snapshots of these paths count (default: every snapshot in the repository). */
  readonly paths?: readonly string[];
  /** Further secret environment, e.g. AWS_SECRET_ACCESS_KEY for an S3 repository. */
  readonly secretEnv?: Readonly<Record<string, SecretRef>>;
  /** Further non-secret environment, e.g. AWS_ACCESS_KEY_ID is a secret, AWS_DEFAULT_REGION is not. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RcloneLayerFile extends LayerFileBase {
  readonly kind: 'rclone';
  /** `remote:bucket/path` */
  readonly remote: string;
  /** What `rclone sync` copies there (a local path on the layer's host). */
  readonly source?: string;
  readonly configFile?: string;
  readonly secretEnv?: Readonly<Record<string, SecretRef>>;
}

export interface ConfigBackupLayerFile extends LayerFileBase {
  readonly kind: 'config-backup';
  /** What to archive, e.g. /etc/pve, /etc/network. */
  readonly paths: readonly string[];
  /** Where the archives are written on the host. */
  readonly directory: string;
}

export type LayerFile =
  | PveSnapshotsLayerFile
  | VzdumpLayerFile
  | PbsLayerFile
  | ZfsSnapshotsLayerFile
  | ZfsReplicationLayerFile
  | ResticLayerFile
  | RcloneLayerFile
  | ConfigBackupLayerFile;

export interface TierFile {
  readonly name: string;
  readonly rpo: string;
  readonly copies: number;
  readonly media: number;
  readonly offsite: number;
  /** `keep-daily=7,keep-weekly=4,keep-monthly=3` */
  readonly retention?: string;
  /** How long bringing one of its workloads back may take: a target that drills and restores measure, and the disaster-recovery rebuild orders and reports against. */
  readonly rto?: string;
  /** Asset ids: `vm/100`, `ct/101`, `dataset/tank/data`, `files/docker1:/srv`, `host/pve1`. */
  readonly assets: readonly string[];
}

export interface ThresholdsFile {
  /** Age beyond rpo * this is critical (between rpo and this: warning). Default 2. */
  readonly rpoCritFactor?: number;
  readonly capacityWarnPercent?: number; // default 80
  readonly capacityCritPercent?: number; // default 90
  readonly clockSkewWarnSeconds?: number; // default 60
  /** Default for layers without verifyMaxAge. */
  readonly verifyMaxAge?: string;
}

/** A JSON value, as a webhook's body template holds it. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

interface NotifyTargetBase {
  /** The target's name in messages and in the state of what was sent. Unique. */
  readonly name: string;
}

/** An ntfy server's topic: POST of the message text with Title, Priority and Tags headers. */
export interface NtfyTargetFile extends NotifyTargetBase {
  readonly kind: 'ntfy';
  readonly url: string;
  readonly topic: string;
  /** An access token (Authorization: Bearer). */
  readonly token?: SecretRef;
}

export interface GotifyTargetFile extends NotifyTargetBase {
  readonly kind: 'gotify';
  readonly url: string;
  /** The application token (X-Gotify-Key). */
  readonly token: SecretRef;
}

export interface TelegramTargetFile extends NotifyTargetBase {
  readonly kind: 'telegram';
  readonly botToken: SecretRef;
  readonly chatId: string;
  /** The Bot API's address (a local Bot API server). */
  readonly apiUrl?: string;
}

export interface WebhookTargetFile extends NotifyTargetBase {
  readonly kind: 'webhook';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly secretHeaders?: Readonly<Record<string, SecretRef>>;
  /** The JSON body, with `{{title}}`, `{{text}}`, ... in its strings (docs/inventory.md lists them). */
  readonly template?: JsonValue;
}

/** E-mail through the management host's sendmail. */
export interface SendmailTargetFile extends NotifyTargetBase {
  readonly kind: 'sendmail';
  readonly to: readonly string[];
  readonly from?: string;
  /** The sendmail program (default /usr/sbin/sendmail). */
  readonly command?: string;
}

/** E-mail over SMTP: STARTTLS or TLS, AUTH PLAIN or LOGIN. */
export interface SmtpTargetFile extends NotifyTargetBase {
  readonly kind: 'smtp';
  readonly host: string;
  readonly port?: number;
  readonly tls?: 'starttls' | 'tls' | 'none';
  readonly user?: string;
  readonly password?: SecretRef;
  readonly to: readonly string[];
  readonly from: string;
  /** CA certificates (PEM) to trust for the server, beside the system's. */
  readonly caFile?: string;
}

/** Dead-man pings in the Healthchecks style: /start, then success or /fail with the status as body. */
export interface HealthchecksTargetFile extends NotifyTargetBase {
  readonly kind: 'healthchecks';
  readonly url?: string;
  /** The check's UUID, or `PING_KEY/slug`: whoever has it can ping, so it is a secret. */
  readonly check: SecretRef;
}

export type NotifyTargetFile =
  | NtfyTargetFile
  | GotifyTargetFile
  | TelegramTargetFile
  | WebhookTargetFile
  | SendmailTargetFile
  | SmtpTargetFile
  | HealthchecksTargetFile;

export type NotifyTargetKind = NotifyTargetFile['kind'];

export interface NotificationsFile {
  /** A problem that stays is told again after this long (default 1d). */
  readonly remindEvery?: string;
  readonly targets: readonly NotifyTargetFile[];
}

export interface InventoryFile {
  readonly version: 1;
  readonly hosts: readonly HostFile[];
  readonly layers: readonly LayerFile[];
  readonly tiers?: readonly TierFile[];
  readonly defaultTier?: {
    readonly copies?: number;
    readonly media?: number;
    readonly offsite?: number;
    /** Freshness window for points of layers without an rpo (default 1d); other points use their layer's rpo. */
    readonly rpo?: string;
  };
  readonly thresholds?: ThresholdsFile;
  /** Seconds between refreshes in the TUI (default 60). */
  readonly refreshSeconds?: number;
  /**
   * Seconds one probe may take, from the moment it asks for a session, before its
   * layer is UNKNOWN "timed out" (default 20). Raise it for repositories that
   * answer slowly: restic over a WAN link with a cold cache, a busy off-site PBS.
   */
  readonly probeTimeoutSeconds?: number;
  /** Where `strata notify` (and the panel) send messages on health changes. */
  readonly notifications?: NotificationsFile;
}
