/**
 * Opens one authenticated ssh2 connection, or fails with the TransportError
 * that says why: unreachable, auth-failed, unknown-host-key, host-key-changed.
 */
import { existsSync, readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { AuthMethod, Client as ClientType, ConnectConfig } from 'ssh2';
import { TransportError } from './errors.js';
import {
  checkKnownHosts,
  checkPinned,
  fingerprintSha256,
  knownHostsName,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
  type KnownHostEntry,
} from './known-hosts.js';
import type { SshSettings } from './ssh-settings.js';
import { KEEPALIVE_COUNT_MAX } from './target.js';

const { Client, utils } = ssh2;

interface AuthPlan {
  readonly methods: AuthMethod[];
  /** What was offered and what was skipped, for the auth-failed message. */
  readonly notes: string[];
}

function planAuth(s: SshSettings): AuthPlan {
  const methods: AuthMethod[] = [];
  const notes: string[] = [];
  if (s.agentSocket) {
    methods.push({ type: 'agent', username: s.user, agent: s.agentSocket } as AuthMethod);
    notes.push(`agent ${s.agentSocket}`);
  }
  for (const { path, explicit } of s.identityFiles) {
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (e) {
      if (explicit) notes.push(`identity ${path} unreadable (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      continue;
    }
    const parsed = utils.parseKey(data);
    if (parsed instanceof Error) {
      notes.push(
        /passphrase/i.test(parsed.message)
          ? `identity ${path} is encrypted (load it into ssh-agent)`
          : `identity ${path} is not a usable key (${parsed.message})`,
      );
      continue;
    }
    methods.push({ type: 'publickey', username: s.user, key: data } as AuthMethod);
    notes.push(`key ${path}`);
  }
  return { methods, notes };
}

function readKnownHosts(files: readonly string[]): KnownHostEntry[] {
  return files.flatMap((f) => (existsSync(f) ? parseKnownHosts(readFileSync(f, 'utf8'), f) : []));
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'EADDRNOTAVAIL',
]);

type Ssh2Error = Error & { level?: string; code?: string };

function connectError(s: SshSettings, e: Ssh2Error, authNotes: string[]): TransportError {
  const host = s.name;
  const where = `${s.user}@${s.hostname}:${s.port}`;
  if (e.level === 'client-authentication') {
    return new TransportError('auth-failed', {
      host,
      detail: `${where} refused ${authNotes.length > 0 ? authNotes.join(', ') : 'everything (no agent, no identity file)'}`,
      cause: e,
    });
  }
  if (e.level === 'client-timeout') {
    return new TransportError('unreachable', {
      host,
      detail: `${where}: no SSH session within ${s.connectTimeoutMs} ms`,
      cause: e,
    });
  }
  const code = e.code && UNREACHABLE_CODES.has(e.code) && !e.message.includes(e.code) ? `${e.code} ` : '';
  return new TransportError('unreachable', { host, detail: `${where}: ${code}${e.message}`, cause: e });
}

/** Connects and authenticates. `onLost` is called once if the link dies later. */
export function connectSsh(s: SshSettings, onLost: (err: TransportError) => void): Promise<ClientType> {
  const entries = s.pinnedFingerprint ? [] : readKnownHosts(s.knownHostsFiles);
  const lookupName = knownHostsName(s.hostname, s.port);
  const auth = planAuth(s);
  // ssh2 reports a refused host key only as a generic handshake failure: the reason is kept here.
  let refusal: TransportError | undefined;

  const hostVerifier = (key: Buffer): boolean => {
    const verdict = s.pinnedFingerprint ? checkPinned(s.pinnedFingerprint, key) : checkKnownHosts(entries, lookupName, key);
    if (verdict.ok) return true;
    const checked = s.pinnedFingerprint ? '' : ` (checked ${s.knownHostsFiles.join(', ')})`;
    refusal = new TransportError(verdict.kind, {
      host: s.name,
      fingerprint: fingerprintSha256(key),
      detail: `${verdict.detail}${checked}`,
    });
    return false;
  };

  const preferred = preferredHostKeyAlgorithms(entries, lookupName);
  const config: ConnectConfig = {
    host: s.hostname,
    port: s.port,
    username: s.user,
    readyTimeout: s.connectTimeoutMs,
    keepaliveInterval: s.keepaliveIntervalMs,
    keepaliveCountMax: KEEPALIVE_COUNT_MAX,
    hostVerifier,
    authHandler: auth.methods,
    ...(preferred.length > 0 ? { algorithms: { serverHostKey: { remove: preferred, prepend: preferred } as never } } : {}),
  };

  return new Promise((resolve, reject) => {
    const client = new Client();
    let ready = false;
    let settled = false;
    const fail = (err: TransportError) => {
      if (!ready) {
        if (!settled) {
          settled = true;
          reject(err);
        }
        client.end();
        return;
      }
      if (!settled) {
        settled = true;
        onLost(err);
      }
    };
    client.on('ready', () => {
      ready = true;
      // Small request/answer packets: without TCP_NODELAY each waits for a delayed ACK (~40 ms).
      client.setNoDelay(true);
      resolve(client);
    });
    client.on('error', (e: Ssh2Error) => {
      if (!ready) fail(refusal ?? connectError(s, e, auth.notes));
      else fail(new TransportError('connection-lost', { host: s.name, detail: e.message, cause: e }));
    });
    client.on('close', () => {
      if (!ready) fail(refusal ?? new TransportError('unreachable', { host: s.name, detail: `${s.hostname}:${s.port} closed the connection during the handshake` }));
      else fail(new TransportError('connection-lost', { host: s.name, detail: 'the connection closed' }));
    });
    try {
      client.connect(config);
    } catch (e) {
      fail(new TransportError('unreachable', { host: s.name, detail: (e as Error).message, cause: e }));
    }
  });
}
