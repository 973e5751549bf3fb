/**
 * Task ids of Proxmox VE and Proxmox Backup Server (reference §1.8). The start
 * time inside a verification's UPID is when that verification ran, which the
 * snapshot list does not state otherwise.
 */
export interface Upid {
  readonly node: string;
  readonly startTimeSec: number;
  readonly type: string;
  readonly id: string;
  readonly user: string;
}

const HEX = /^[0-9A-Fa-f]+$/;

export function parseUpid(upid: string): Upid | undefined {
  const parts = upid.split(':');
  if (parts[0] !== 'UPID' || parts.at(-1) !== '') return undefined;
  // PVE: UPID:node:pid:pstart:starttime:type:id:user:  (9 parts with the trailing empty one)
  // PBS: UPID:node:pid:pstart:taskid:starttime:type:id:authid:  (10 parts)
  const pbs = parts.length === 10;
  if (!pbs && parts.length !== 9) return undefined;
  const start = parts[pbs ? 5 : 4] ?? '';
  if (!HEX.test(start)) return undefined;
  return {
    node: parts[1] ?? '',
    startTimeSec: parseInt(start, 16),
    type: parts[pbs ? 6 : 5] ?? '',
    id: pbs ? unescapeSystemd(parts[7] ?? '') : (parts[6] ?? ''),
    user: parts[pbs ? 8 : 7] ?? '',
  };
}

/** PBS escapes worker ids like systemd unit names: '-' for '/', `\x3a` for ':', `\x2d` for '-'. */
function unescapeSystemd(s: string): string {
  return s.replace(/-/g, '/').replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}
