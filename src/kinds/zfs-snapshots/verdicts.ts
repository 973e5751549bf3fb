/**
 * ZFS's own answers: a dataset's snapshot list (with `expect`, the proof a
 * send/recv arrived; both zfs kinds use it) and a pool's last scrub.
 */
import { parsePoolScan, type PoolScan } from '../../adapters/zfs/actions.js';
import { parseZfsGetSnapshots, parseZfsSnapshotList } from '../../adapters/zfs/parse.js';
import type { StepOutput } from '../action-types.js';
import { always, collecting, never, plural, unreadable, type StepOutputSpecs, type StepVerdict } from '../shared/step-reading.js';
import { formatDurationShort } from '../shared/words.js';

export type ZfsOutput = Extract<StepOutput, { readonly kind: 'zfs-snapshots' | 'zpool-scrub' }>;

export const zfsVerdicts: StepOutputSpecs<ZfsOutput> = {
  'zfs-snapshots': {
    verifies: never,
    listing: true,
    reader: (output) =>
      collecting((stdout, stderr, code) => {
        const parse = output.form === 'get' ? parseZfsGetSnapshots : parseZfsSnapshotList;
        const r = parse(stdout, stderr, code);
        if (!r.ok) return unreadable(`snapshots of ${output.dataset}`, r);
        const own = r.value.filter((s) => s.dataset === output.dataset);
        if (output.expect !== undefined) {
          const found = own.some((s) => s.snapshot === output.expect);
          return found
            ? { state: 'ok', summary: `${output.dataset}@${output.expect} is on the ${output.side}`, snapshots: own }
            : { state: 'failed', summary: `${output.dataset}@${output.expect} is not on the ${output.side}: the replication did not arrive`, snapshots: own };
        }
        const newest = own.at(-1);
        return { state: 'ok', summary: `${output.dataset}: ${plural(own.length, 'snapshot')}${newest ? `, newest @${newest.snapshot}` : ''}`, snapshots: own };
      }, () => true, 1_000_000),
  },
  'zpool-scrub': {
    verifies: always,
    reader: (output, _cmd, now) =>
      collecting((stdout, stderr, code) => {
        const r = parsePoolScan(stdout, stderr, code);
        if (!r.ok) return unreadable(`zpool status ${output.pool}`, r);
        return judgeScrub(r.value, output.maxAgeSeconds, now());
      }),
  },
};

function judgeScrub(s: PoolScan, maxAge: number | null, now: number): StepVerdict {
  const pool = `pool ${s.pool}`;
  const degraded = s.state !== 'ONLINE' ? ` (pool is ${s.state})` : '';
  if ((s.scrubErrors ?? 0) > 0 || (s.dataErrors ?? 0) > 0) {
    const what = (s.scrubErrors ?? 0) > 0 ? `last scrub found ${plural(s.scrubErrors!, 'error')}` : `${plural(s.dataErrors!, 'data error')} known`;
    return { state: 'failed', summary: `${pool}: ${what}${degraded}`, verified: 'failed', ...(s.atSec !== undefined ? { provenAtSec: s.atSec } : {}) };
  }
  switch (s.scan) {
    case 'none':
      return { state: 'warn', summary: `${pool}: never scrubbed ("none requested")${degraded}` };
    case 'scrubbing':
      return { state: 'warn', summary: `${pool}: a scrub is running (${s.text})${degraded}` };
    case 'scrub-canceled':
    case 'scrub-paused':
      return { state: 'warn', summary: `${pool}: the last scrub did not finish (${s.text})${degraded}` };
    case 'resilver':
      return { state: 'warn', summary: `${pool}: the last scan was a resilver, not a scrub (${s.text})${degraded}` };
    case 'scrubbed': {
      const age = Math.max(0, now - s.atSec!);
      const ago = `${formatDurationShort(age)} ago`;
      if (maxAge !== null && age > maxAge) {
        return { state: 'warn', summary: `${pool}: last scrub clean but ${ago} (older than ${formatDurationShort(maxAge)})${degraded}` };
      }
      return { state: degraded ? 'warn' : 'ok', summary: `${pool}: last scrub ${ago} found no errors${degraded}`, verified: 'ok', provenAtSec: s.atSec! };
    }
  }
}
