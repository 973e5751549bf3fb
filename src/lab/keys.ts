/**
 * Keys of the lab: an ed25519 host key per simulated host (plus a second one
 * for the `host-key-changed` fault) and the client key Strata logs in with.
 * Fingerprints are what `ssh-keygen -lf` prints: `SHA256:` and the unpadded
 * base64 of the SHA-256 of the public key blob.
 */
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';

export interface KeyPair {
  /** OpenSSH private key format. */
  readonly privateKey: string;
  /** `ssh-ed25519 AAAA... comment` */
  readonly publicKey: string;
  readonly fingerprint: string;
}

export function generateKeyPair(comment: string): KeyPair {
  // ssh2 1.17's encoder now and then writes a key its own parser rejects
  // ("Malformed OpenSSH private key", about 1 in 250): make another one.
  for (let attempt = 0; ; attempt++) {
    const k = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    if (ssh2.utils.parseKey(k.private) instanceof Error && attempt < 20) continue;
    const publicKey = k.public.trim();
    return { privateKey: k.private, publicKey, fingerprint: fingerprintOf(publicKey) };
  }
}

export function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Fingerprint of a raw public key blob (what an SSH client sees in the handshake). */
export function fingerprintOfBlob(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
