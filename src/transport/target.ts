/**
 * Where commands run. Services map inventory hosts onto these; transport does
 * not know the inventory file.
 */

/** The machine Strata itself runs on. */
export interface LocalTarget {
  readonly kind: 'local';
  readonly name: string;
}

/** A host reached over SSH. Fields given here win over the operator's ~/.ssh/config. */
export interface SshTarget {
  readonly kind?: 'ssh';
  /** Inventory name, used in errors and the journal. */
  readonly name: string;
  /** Address, or a Host alias of the ssh config; defaults to `name`. */
  readonly address?: string;
  readonly port?: number;
  readonly user?: string;
  readonly identityFile?: string;
  readonly knownHostsFile?: string;
  /** Pinned host key, `SHA256:<base64 without padding>` as `ssh-keygen -lf` prints it. When set, it alone decides. */
  readonly hostKeyFingerprint?: string;
  /** Default ~/.ssh/config; a missing file means no config. */
  readonly sshConfigFile?: string;
  /** ssh-agent socket; default SSH_AUTH_SOCK; `false` uses no agent. */
  readonly agentSocket?: string | false;
  /** Commands running at once on this host (worker shells plus exec channels); default 8, below OpenSSH's MaxSessions 10. */
  readonly maxConcurrent?: number;
  /** TCP connect, handshake and authentication together; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** SSH keepalive period; a link is declared dead after 3 unanswered ones. Default 1 s. */
  readonly keepaliveIntervalMs?: number;
}

export type RunnerTarget = LocalTarget | SshTarget;

export const DEFAULT_MAX_CONCURRENT = 8;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 1000;
export const KEEPALIVE_COUNT_MAX = 3;
