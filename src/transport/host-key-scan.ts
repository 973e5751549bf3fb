/**
 * What `ssh-keyscan` does: connects, takes the host key the server offers
 * and hangs up before authenticating. Nothing is trusted here; the caller
 * shows the fingerprint to an operator who compares it on the host's own
 * console, and only then writes the line to a known_hosts file.
 */
import ssh2 from 'ssh2';
import { TransportError } from './errors.js';
import { fingerprintSha256, knownHostsName } from './known-hosts.js';

const { Client } = ssh2;

export interface OfferedHostKey {
  readonly keyType: string;
  /** The key blob, base64, as a known_hosts line carries it. */
  readonly keyBase64: string;
  /** `SHA256:...` as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
}

/** The key type is the blob's first SSH string (uint32 length, then the name). */
function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  return n > 0 && n < 64 && blob.length >= 4 + n ? blob.subarray(4, 4 + n).toString('latin1') : 'unknown';
}

export function scanHostKey(opts: { readonly name: string; readonly address: string; readonly port: number; readonly timeoutMs: number }): Promise<OfferedHostKey> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let offered: OfferedHostKey | undefined;
    const done = (f: () => void) => {
      client.removeAllListeners();
      client.on('error', () => {});
      client.end();
      f();
    };
    client.on('error', (e: Error) => done(() => (offered ? resolve(offered) : reject(new TransportError('unreachable', { host: opts.name, detail: `${opts.address}:${opts.port}: ${e.message}`, cause: e })))));
    client.on('close', () => done(() => (offered ? resolve(offered) : reject(new TransportError('unreachable', { host: opts.name, detail: `${opts.address}:${opts.port} closed the connection before offering a host key` })))));
    client.on('ready', () => done(() => (offered ? resolve(offered) : reject(new TransportError('unreachable', { host: opts.name, detail: 'no host key seen' })))));
    try {
      client.connect({
        host: opts.address,
        port: opts.port,
        username: 'strata-keyscan',
        readyTimeout: opts.timeoutMs,
        hostVerifier: (key: Buffer) => {
          offered = { keyType: keyTypeOf(key), keyBase64: key.toString('base64'), fingerprint: fingerprintSha256(key) };
          return false;
        },
      });
    } catch (e) {
      done(() => reject(new TransportError('unreachable', { host: opts.name, detail: (e as Error).message, cause: e })));
    }
  });
}

/** The known_hosts line for a key at an address and port. */
export function knownHostsLine(address: string, port: number, key: Pick<OfferedHostKey, 'keyType' | 'keyBase64'>): string {
  return `${knownHostsName(address, port)} ${key.keyType} ${key.keyBase64}`;
}
