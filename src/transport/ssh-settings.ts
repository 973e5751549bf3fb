/**
 * The effective connection settings of an SSH target: inventory fields first,
 * then the operator's ssh config (HostName, User, Port, IdentityFile,
 * UserKnownHostsFile), then OpenSSH's defaults.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_KEEPALIVE_INTERVAL_MS,
  DEFAULT_MAX_CONCURRENT,
  type SshTarget,
} from './target.js';

export interface SshSettings {
  /** Inventory name. */
  readonly name: string;
  /** What to connect to (HostName). */
  readonly hostname: string;
  readonly port: number;
  readonly user: string;
  /** Tried in order after the agent. `explicit` ones that cannot be read are reported. */
  readonly identityFiles: readonly { readonly path: string; readonly explicit: boolean }[];
  readonly knownHostsFiles: readonly string[];
  readonly pinnedFingerprint: string | undefined;
  readonly agentSocket: string | undefined;
  readonly maxConcurrent: number;
  readonly connectTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
}

const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk'];

function expandPath(p: string, tokens: Record<string, string>): string {
  const withTokens = p.replace(/%([%dhpru])/g, (_, t: string) => (t === '%' ? '%' : (tokens[t] ?? '')));
  return withTokens === '~' ? homedir() : withTokens.startsWith('~/') ? join(homedir(), withTokens.slice(2)) : withTokens;
}

function readSshConfig(path: string, alias: string): Record<string, string | string[]> {
  if (!existsSync(path)) return {};
  // Match exec would run commands from the config file just to read settings.
  return SSHConfig.parse(readFileSync(path, 'utf8')).compute(alias, { ignoreCase: true, matchExec: false });
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function resolveSshSettings(target: SshTarget, env: NodeJS.ProcessEnv = process.env): SshSettings {
  const alias = target.address ?? target.name;
  const cfg = readSshConfig(target.sshConfigFile ?? join(homedir(), '.ssh', 'config'), alias);
  const localUser = userInfo().username;
  const hostname = first(cfg.hostname)?.replace(/%h/g, alias) ?? alias;
  const cfgPort = Number(first(cfg.port));
  const port = target.port ?? (Number.isInteger(cfgPort) && cfgPort > 0 ? cfgPort : 22);
  const user = target.user ?? first(cfg.user) ?? localUser;
  const tokens = { d: homedir(), h: hostname, p: String(port), r: user, u: localUser };

  let identityFiles: SshSettings['identityFiles'];
  if (target.identityFile) identityFiles = [{ path: expandPath(target.identityFile, tokens), explicit: true }];
  else if (cfg.identityfile !== undefined) {
    identityFiles = all(cfg.identityfile).map((p) => ({ path: expandPath(p, tokens), explicit: true }));
  } else identityFiles = DEFAULT_IDENTITIES.map((f) => ({ path: join(homedir(), '.ssh', f), explicit: false }));

  let knownHostsFiles: string[];
  if (target.knownHostsFile) knownHostsFiles = [expandPath(target.knownHostsFile, tokens)];
  else if (cfg.userknownhostsfile !== undefined) {
    knownHostsFiles = all(cfg.userknownhostsfile)
      .flatMap((v) => v.split(/\s+/))
      .filter((v) => v !== '')
      .map((p) => expandPath(p, tokens));
  } else {
    knownHostsFiles = [
      join(homedir(), '.ssh', 'known_hosts'),
      join(homedir(), '.ssh', 'known_hosts2'),
      '/etc/ssh/ssh_known_hosts',
      '/etc/ssh/ssh_known_hosts2',
    ];
  }

  const agent = target.agentSocket === undefined ? env.SSH_AUTH_SOCK : target.agentSocket;
  return {
    name: target.name,
    hostname,
    port,
    user,
    identityFiles,
    knownHostsFiles,
    pinnedFingerprint: target.hostKeyFingerprint,
    agentSocket: agent ? agent : undefined,
    maxConcurrent: Math.max(1, target.maxConcurrent ?? DEFAULT_MAX_CONCURRENT),
    connectTimeoutMs: target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepaliveIntervalMs: target.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS,
  };
}
