/**
 * restic-cloud runs at 03:40 and 15:40 in the lab, restic-usb every few
 * hours: which holds the fresher point of /srv/app depends on the time of
 * day a test runs. The ranking puts a point an hour or more fresher first,
 * else the nearer copy (restic-usb, on the same host).
 */
import { SAME_FRESHNESS_SECONDS } from '../../../src/domain/restore/rank.js';

/** Whether restic-usb ranks before restic-cloud: restic-cloud's point is not an hour or more fresher. */
export function usbRanksFirst(sources: readonly { readonly layerId: string; readonly point: { readonly timeSec: number } }[]): boolean {
  const at = (id: string) => {
    const s = sources.find((x) => x.layerId === id);
    if (!s) throw new Error(`no source on ${id}: ${sources.map((x) => x.layerId).join(', ')}`);
    return s.point.timeSec;
  };
  return Math.floor(Math.max(0, at('restic-cloud') - at('restic-usb')) / SAME_FRESHNESS_SECONDS) === 0;
}
