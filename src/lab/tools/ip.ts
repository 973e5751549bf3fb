/**
 * `ip -j link` and `ip -br addr` (iproute2): the NIC names a rebuilt node
 * has, to hold against the archived /etc/network/interfaces (names change
 * with hardware, restore-formats §5).
 */
import type { ToolContext } from '../shell/types.js';
import type { HostLink, HostState } from '../state/types.js';

const DEFAULT_LINKS: readonly HostLink[] = [
  { ifname: 'lo', mac: '00:00:00:00:00:00', mtu: 65536, up: true, linkType: 'loopback', address: '127.0.0.1/8' },
  { ifname: 'eth0', mac: '52:54:00:12:34:56', mtu: 1500, up: true, linkType: 'ether' },
];

export function linksOf(host: HostState): readonly HostLink[] {
  return host.links ?? DEFAULT_LINKS;
}

function flags(l: HostLink): string[] {
  if (l.linkType === 'loopback') return ['LOOPBACK', 'UP', 'LOWER_UP'];
  return ['BROADCAST', 'MULTICAST', ...(l.up ? ['UP', 'LOWER_UP'] : [])];
}

export async function ip(ctx: ToolContext): Promise<number> {
  const args = ctx.argv.slice(1);
  const json = args.includes('-j') || args.includes('-json');
  const brief = args.includes('-br') || args.includes('-brief');
  const [object, verb] = args.filter((a) => !a.startsWith('-'));
  const links = linksOf(ctx.host);
  if (verb !== undefined && verb !== 'show') {
    ctx.err(`Command "${verb}" is unknown, try "ip ${object ?? ''} help".\n`);
    return 255;
  }
  if (object === 'link' || object === 'l') {
    if (json) {
      const rows = links.map((l, i) => ({
        ifindex: i + 1,
        ifname: l.ifname,
        flags: flags(l),
        mtu: l.mtu,
        qdisc: l.linkType === 'loopback' || l.master === undefined ? 'noqueue' : 'mq',
        ...(l.master ? { master: l.master } : {}),
        operstate: l.linkType === 'loopback' ? 'UNKNOWN' : l.up ? 'UP' : 'DOWN',
        linkmode: 'DEFAULT',
        group: 'default',
        txqlen: 1000,
        link_type: l.linkType,
        address: l.mac,
        broadcast: l.linkType === 'loopback' ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff',
      }));
      ctx.out(`${JSON.stringify(rows)}\n`);
      return 0;
    }
    links.forEach((l, i) => {
      ctx.out(`${i + 1}: ${l.ifname}: <${flags(l).join(',')}> mtu ${l.mtu} qdisc noqueue${l.master ? ` master ${l.master}` : ''} state ${l.linkType === 'loopback' ? 'UNKNOWN' : l.up ? 'UP' : 'DOWN'} mode DEFAULT group default qlen 1000\n    link/${l.linkType} ${l.mac} brd ${l.linkType === 'loopback' ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff'}\n`);
    });
    return 0;
  }
  if ((object === 'addr' || object === 'a' || object === 'address') && brief && !json) {
    for (const l of links) {
      const state = l.linkType === 'loopback' ? 'UNKNOWN' : l.up ? 'UP' : 'DOWN';
      ctx.out(`${l.ifname.padEnd(16)} ${state.padEnd(14)} ${l.address ?? ''}${l.address ? ' ' : ''}\n`);
    }
    return 0;
  }
  ctx.err(`Object "${object ?? ''}" is unknown, try "ip help".\n`);
  return 255;
}
