/**
 * Maps the inventory's hosts onto transport targets. `~` in paths means the
 * operator's home, as in OpenSSH; without a pinned fingerprint the operator's
 * known_hosts decides (never trust-on-first-use).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HostFile } from '../domain/inventory-file.js';
import type { RunnerTarget } from '../transport/target.js';

export function expandHome(path: string, home = homedir()): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

export function targetFor(host: HostFile, home = homedir()): RunnerTarget {
  if (host.transport === 'local') return { kind: 'local', name: host.name };
  return {
    kind: 'ssh',
    name: host.name,
    address: host.address ?? host.name,
    ...(host.port !== undefined ? { port: host.port } : {}),
    ...(host.user !== undefined ? { user: host.user } : {}),
    ...(host.identityFile !== undefined ? { identityFile: expandHome(host.identityFile, home) } : {}),
    ...(host.hostKeyFingerprint !== undefined
      ? { hostKeyFingerprint: host.hostKeyFingerprint }
      : { knownHostsFile: expandHome(host.knownHostsFile ?? '~/.ssh/known_hosts', home) }),
  };
}
