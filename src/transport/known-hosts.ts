/**
 * Host key checks as OpenSSH does them: known_hosts files (plain names,
 * `[host]:port`, comma lists with `*`/`?` and `!` negation, hashed `|1|salt|hmac`
 * entries, `@revoked`; `@cert-authority` lines are not host keys) or a pinned
 * `SHA256:` fingerprint. Pure functions over the file text and the key blob.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** `SHA256:<base64 without padding>` of an SSH public key blob, as `ssh-keygen -lf` prints it. */
export function fingerprintSha256(keyBlob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

export interface KnownHostEntry {
  readonly marker: 'revoked' | 'cert-authority' | undefined;
  /** The host field as written: a pattern list, or `|1|salt|hmac`. */
  readonly hosts: string;
  readonly keyType: string;
  readonly key: Buffer;
  /** `FILE:LINE`, for messages. */
  readonly where: string;
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    out.push({ marker, hosts, keyType, key: Buffer.from(b64, 'base64'), where: `${file}:${i + 1}` });
  });
  return out;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.hosts.startsWith('|1|')) {
    const [, , salt, hash] = entry.hosts.split('|');
    if (!salt || !hash) return false;
    const want = Buffer.from(hash, 'base64');
    const got = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
    return want.length === got.length && timingSafeEqual(want, got);
  }
  let matched = false;
  for (const p of entry.hosts.split(',')) {
    const negated = p.startsWith('!');
    if (globToRegExp(negated ? p.slice(1) : p).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export type HostKeyVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: 'unknown-host-key' | 'host-key-changed'; readonly detail: string };

/** Checks an offered key against the entries of every known_hosts file (read by the caller). */
export function checkKnownHosts(entries: readonly KnownHostEntry[], name: string, keyBlob: Buffer): HostKeyVerdict {
  // A revoked key is refused whatever host pattern its line carries.
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(keyBlob));
  if (revoked) return { ok: false, kind: 'host-key-changed', detail: `the offered key is marked @revoked at ${revoked.where}` };
  const forHost = entries.filter((e) => e.marker === undefined && entryMatches(e, name));
  if (forHost.some((e) => e.key.equals(keyBlob))) return { ok: true };
  if (forHost.length > 0) {
    return {
      ok: false,
      kind: 'host-key-changed',
      detail: `${forHost.map((e) => e.where).join(', ')} holds another key for ${name}`,
    };
  }
  return { ok: false, kind: 'unknown-host-key', detail: `no entry for ${name}` };
}

export function checkPinned(pinned: string, keyBlob: Buffer): HostKeyVerdict {
  const offered = fingerprintSha256(keyBlob);
  const want = pinned.trim().replace(/=+$/, '');
  if (offered === want) return { ok: true };
  return { ok: false, kind: 'host-key-changed', detail: `the inventory pins ${want}` };
}

const RSA_ALGORITHMS = ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
const PLAIN_KEY_TYPES = new Set([
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
]);

/**
 * Host key algorithms to ask for first: those of the keys known for this host,
 * so a host holding several keys shows the one we can check (as OpenSSH does).
 */
export function preferredHostKeyAlgorithms(entries: readonly KnownHostEntry[], name: string): string[] {
  const types = new Set(
    entries.filter((e) => e.marker === undefined && PLAIN_KEY_TYPES.has(e.keyType) && entryMatches(e, name)).map((e) => e.keyType),
  );
  return [...types].flatMap((t) => (t === 'ssh-rsa' ? RSA_ALGORITHMS : [t]));
}

