/**
 * A test host with its own network namespace, joined to this machine by a veth
 * pair with two addresses of a /30. `cut()` takes the link down (packets are
 * silently lost, as on a pulled cable), `restore()` brings it back. Names are
 * unique per run, and `destroy()` (also run at process exit) removes the
 * namespace and both ends of the link.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface Netns {
  readonly name: string;
  /** The end of the link on this machine. */
  readonly hostVeth: string;
  readonly hostAddress: string;
  /** The address of the test host inside the namespace. */
  readonly nsAddress: string;
  cut(): void;
  restore(): void;
  destroy(): void;
}

function ip(args: string[], check = true): string {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (check && r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

const created = new Set<Netns>();
process.once('exit', () => {
  for (const ns of created) ns.destroy();
});

/** A /30 in 10.231.0.0/16 that no interface of this machine uses yet: [third octet, base of the fourth]. */
function freeSubnet(): [number, number] {
  const used = ip(['-o', '-4', 'addr']);
  for (let i = 0; i < 50; i++) {
    const n = randomBytes(2).readUInt16BE() % (256 * 64);
    const [third, base] = [n >> 6, (n & 63) * 4];
    if (!used.includes(`10.231.${third}.${base + 1}/`) && !used.includes(`10.231.${third}.${base + 2}/`)) return [third, base];
  }
  throw new Error('no free test subnet');
}

export function createNetns(): Netns {
  const id = randomBytes(4).toString('hex');
  const name = `strata-${id}`;
  const hostVeth = `sh${id}`;
  const nsVeth = `sn${id}`;
  const [third, base] = freeSubnet();
  const hostAddress = `10.231.${third}.${base + 1}`;
  const nsAddress = `10.231.${third}.${base + 2}`;
  let destroyed = false;
  const ns: Netns = {
    name,
    hostVeth,
    hostAddress,
    nsAddress,
    cut: () => void ip(['link', 'set', hostVeth, 'down']),
    restore: () => void ip(['link', 'set', hostVeth, 'up']),
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      created.delete(ns);
      ip(['link', 'del', hostVeth], false);
      ip(['netns', 'del', name], false);
    },
  };
  created.add(ns);
  try {
    ip(['netns', 'add', name]);
    ip(['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', nsVeth]);
    ip(['link', 'set', nsVeth, 'netns', name]);
    ip(['addr', 'add', `${hostAddress}/30`, 'dev', hostVeth]);
    ip(['link', 'set', hostVeth, 'up']);
    ip(['netns', 'exec', name, 'ip', 'addr', 'add', `${nsAddress}/30`, 'dev', nsVeth]);
    ip(['netns', 'exec', name, 'ip', 'link', 'set', nsVeth, 'up']);
    ip(['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (e) {
    ns.destroy();
    throw e;
  }
  return ns;
}
