/**
 * `npm run bench -- domain [runs]`: the pure core at homelab-and-then-some
 * scale. evaluate() over 100,000 ZFS snapshots, 10,000 restic snapshots and
 * 5,000 PBS snapshots across 200 assets (with a restic copy chain over the PBS
 * datastore; the restic paths add 26 file assets), and a retention plan of
 * 100,000 points in a DST zone, PBS and
 * restic semantics. Targets: each under 300 ms, peak RSS under 200 MB. Prints
 * the first (cold) run and the median of the following ones; does not assert.
 * Peak RSS is measured in a fresh process that builds the input and does each
 * job once, as `strata status` and a prune plan do; repeated timed runs in one
 * process only measure how lazily V8 collects their garbage (printed too).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { evaluate } from '../src/domain/evaluate.js';
import { validateInventory, type Inventory } from '../src/domain/inventory.js';
import { parseKeepOptions, planRetention } from '../src/domain/retention/index.js';
import type { Asset, HostObservation, LayerObservation, RecoveryPoint } from '../src/domain/types.js';

const NOW = 1_770_000_000;
const H = 3600;
const GUESTS = 100;
const DATASETS = 100;

function inventory(): Inventory {
  const datasets = Array.from({ length: DATASETS }, (_, i) => `tank/d${i}`);
  const r = validateInventory({
    version: 1,
    hosts: [{ name: 'pve1' }, { name: 'pbs1' }, { name: 'nas1' }, { name: 'docker1' }],
    layers: [
      { id: 'pbs-local', kind: 'pbs', host: 'pbs1', repository: 'u@pbs@h:usb', media: 'usb-ssd', rpo: '1d', verifyMaxAge: '30d' },
      {
        id: 'restic-cloud', kind: 'restic', host: 'docker1', repository: 's3:x', secret: { file: '/p' },
        media: 'cloud', offsite: true, rpo: '7d', copyOf: ['pbs-local'], carriers: ['files/docker1:/mnt/usb/pbs'],
      },
      { id: 'nas-snap', kind: 'zfs-snapshots', host: 'nas1', datasets, media: 'nvme', rpo: '1h' },
      { id: 'nas-repl', kind: 'zfs-replication', host: 'nas1', source: { dataset: 'tank/d0' }, target: { dataset: 'backup/d0' }, media: 'hdd', rpo: '1d' },
    ],
    tiers: [
      {
        name: 'tier0', rpo: '1d', copies: 3, media: 2, offsite: 1, retention: 'keep-daily=7,keep-weekly=4,keep-monthly=3',
        assets: Array.from({ length: GUESTS / 2 }, (_, i) => `vm/${100 + i}`),
      },
    ],
  });
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return r.inventory;
}

/** 5,000 PBS (50 per guest), 10,000 restic (half carrying the datastore), 100,000 ZFS (60 % snapshots, 40 % replicas). */
function observations(): { hosts: HostObservation[]; layers: LayerObservation[] } {
  const guests: Asset[] = Array.from({ length: GUESTS }, (_, i) => ({ id: `vm/${100 + i}`, kind: 'vm', name: `guest${i}`, host: 'pve1' }));
  const datasets: Asset[] = Array.from({ length: DATASETS }, (_, i) => ({ id: `dataset/tank/d${i}`, kind: 'dataset', host: 'nas1', pool: 'tank' }));
  const pbs: RecoveryPoint[] = [];
  for (const g of guests) {
    for (let k = 0; k < 50; k++) {
      const time = NOW - 2 * H - k * 24 * H;
      pbs.push({ layerId: 'pbs-local', assetId: g.id, timeSec: time, ref: `${g.id}/${time}`, verification: { state: 'ok', atSec: time + H } });
    }
  }
  const restic: RecoveryPoint[] = [];
  for (let k = 0; k < 10_000; k++) {
    const time = NOW - H - k * 6 * H;
    const assetId = k % 2 === 0 ? 'files/docker1:/mnt/usb/pbs' : `files/docker1:/srv/app${k % 50}`;
    restic.push({ layerId: 'restic-cloud', assetId, timeSec: time, ref: `restic-${k}` });
  }
  const snaps: RecoveryPoint[] = [];
  const repl: RecoveryPoint[] = [];
  for (let k = 0; k < 100_000; k++) {
    const d = k % DATASETS;
    const time = NOW - 600 - Math.floor(k / DATASETS) * H;
    if (k % 5 < 3) snaps.push({ layerId: 'nas-snap', assetId: `dataset/tank/d${d}`, timeSec: time, ref: `tank/d${d}@autosnap_${k}` });
    else repl.push({ layerId: 'nas-repl', assetId: `dataset/tank/d${d}`, timeSec: time, ref: `backup/d${d}@autosnap_${k}` });
  }
  const hosts = ['pve1', 'pbs1', 'nas1', 'docker1'].map((name) => ({ name, reachable: true, error: null, clockSkewSeconds: 1, readAtSec: NOW }));
  const layer = (layerId: string, points: RecoveryPoint[], assets: Asset[] = []): LayerObservation => ({ layerId, readAtSec: NOW, points, jobs: [], assets, errors: [] });
  return {
    hosts,
    layers: [layer('pbs-local', pbs, guests), layer('restic-cloud', restic), layer('nas-snap', snaps, datasets), layer('nas-repl', repl)],
  };
}

function retentionPoints(): { timeSec: number; protected?: boolean }[] {
  // Every 15 minutes for ~2.9 years, crossing six DST changes; a few protected.
  return Array.from({ length: 100_000 }, (_, i) => ({ timeSec: NOW - i * 900 - (i % 7) * 13, ...(i % 997 === 0 ? { protected: true } : {}) }));
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = fn();
  return { ms: performance.now() - t, value };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;
const verdict = (ms: number, target: number) => (ms < target ? 'ok' : 'OVER TARGET');

const KEEP = 'keep-last=24,keep-hourly=48,keep-daily=30,keep-weekly=12,keep-monthly=24,keep-yearly=10';

/** One process, each job once; prints its peak RSS in MB as JSON. */
export function once(): void {
  const start = process.resourceUsage().maxRSS / 1024;
  const inv = inventory();
  const input = observations();
  const points = retentionPoints();
  const keep = parseKeepOptions(KEEP);
  if (!keep.ok) throw new Error(keep.error.message);
  const report = evaluate(inv, input, NOW);
  const pbs = planRetention(points, keep.value, { semantics: 'pbs', timeZone: 'Europe/Berlin', nowSec: NOW });
  const restic = planRetention(points, keep.value, { semantics: 'restic', timeZone: 'Europe/Berlin', nowSec: NOW });
  process.stdout.write(JSON.stringify({ start, peak: process.resourceUsage().maxRSS / 1024, sizes: [report.assets.length, pbs.length, restic.length] }));
}

function peakInFreshProcess(): { start: number; peak: number } {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `(await import(${JSON.stringify(self)})).once()`], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`the RSS probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { start: number; peak: number };
}

export async function run(args: string[]): Promise<void> {
  const runs = Math.max(2, Number(args[0] ?? 5));
  const fresh = peakInFreshProcess();
  const rssBefore = process.resourceUsage().maxRSS / 1024;
  const inv = inventory();
  const input = observations();
  const points = retentionPoints();
  const keep = parseKeepOptions(KEEP);
  if (!keep.ok) throw new Error(keep.error.message);
  const rssInput = process.resourceUsage().maxRSS / 1024;

  const figures: [string, number[], string][] = [];
  const evalTimes: number[] = [];
  let summary = '';
  let assetCount = 0;
  for (let i = 0; i < runs; i++) {
    const r = time(() => evaluate(inv, input, NOW));
    evalTimes.push(r.ms);
    const a = r.value.assets;
    assetCount = a.length;
    summary = `overall ${r.value.overall}, vm/100 ${a.find((x) => x.id === 'vm/100')?.copies} copies`;
  }
  figures.push([`evaluate (115,000 points, ${assetCount} assets)`, evalTimes, summary]);
  const rssEvaluate = process.resourceUsage().maxRSS / 1024;

  for (const semantics of ['pbs', 'restic'] as const) {
    const ts: number[] = [];
    let kept = 0;
    for (let i = 0; i < runs; i++) {
      const r = time(() => planRetention(points, keep.value, { semantics, timeZone: 'Europe/Berlin', nowSec: NOW }));
      ts.push(r.ms);
      kept = r.value.filter((d) => d.action === 'keep').length;
    }
    figures.push([`planRetention ${semantics} (100,000 points)`, ts, `keeps ${kept}`]);
  }
  const rssPeak = process.resourceUsage().maxRSS / 1024;

  const lines = [`domain, ${runs} runs each (first run is cold), Node ${process.version}`];
  for (const [name, ts, note] of figures) {
    lines.push(`  ${name.padEnd(40)} first ${fmt(ts[0]!)}  median ${fmt(median(ts.slice(1)))}  max ${fmt(Math.max(...ts))}  ${verdict(Math.max(...ts), 300)}  (${note})`);
  }
  lines.push(
    `  peak RSS, one process doing each once: ${fresh.peak.toFixed(0)} MB  ${fresh.peak < 200 ? 'ok' : 'OVER TARGET'} (target 200 MB; node+tsx alone ${fresh.start.toFixed(0)} MB)`,
    `  peak RSS here after all timed runs: ${rssPeak.toFixed(0)} MB (start ${rssBefore.toFixed(0)}, input built ${rssInput.toFixed(0)}, after evaluate ${rssEvaluate.toFixed(0)}; garbage V8 had not yet collected)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
