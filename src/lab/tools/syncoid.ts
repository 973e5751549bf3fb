/**
 * `syncoid [--no-sync-snap] [--identifier=ID] [--quiet] SRC [HOST:]DST`, as
 * sanoid's replication tool does it: a fresh `syncoid_...` snapshot on the
 * source, a full send when the target is new, else an incremental send
 * (`-I`, all intermediate snapshots) from the newest common snapshot, then the
 * older syncoid snapshots of this host removed on both sides.
 */
import type { ToolContext } from '../shell/types.js';
import { formatOffset, localParts } from '../state/clock.js';
import {
  createSnapshot,
  dataset,
  destroySnapshot,
  makeStream,
  receiveStream,
  sortedSnapshots,
} from '../state/zfs.js';
import type { HostState, ZfsSnapshot } from '../state/types.js';
import { goBytes } from './format.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `syncoid_[ID_]host_2024-01-31:01:15:02-GMT+00:00` (local time, with the offset). */
export function syncoidSnapName(hostname: string, epoch: number, timeZone: string, identifier?: string): string {
  const p = localParts(epoch, timeZone);
  return `syncoid_${identifier ? `${identifier}_` : ''}${hostname}_${p.year}-${pad(p.month)}-${pad(p.day)}:${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}-GMT${formatOffset(p.offsetMinutes, true)}`;
}

export async function syncoid(ctx: ToolContext): Promise<number> {
  let noSyncSnap = false;
  let quiet = false;
  let identifier: string | undefined;
  const pos: string[] = [];
  for (const a of ctx.argv.slice(1)) {
    if (a === '--no-sync-snap') noSyncSnap = true;
    else if (a === '--quiet') quiet = true;
    else if (a.startsWith('--identifier=')) identifier = a.slice(13);
    else if (['--no-privilege-elevation', '--recursive', '-r', '--skip-parent', '--no-rollback', '--force-delete', '--create-bookmark'].includes(a) || a.startsWith('--sendoptions=') || a.startsWith('--recvoptions=') || a.startsWith('--compress=')) continue;
    else if (a.startsWith('-')) {
      ctx.err(`Unknown option: ${a.replace(/^-+/, '')}\n`);
      return 1;
    } else pos.push(a);
  }
  if (pos.length !== 2) {
    ctx.err('\nUsage: syncoid [options]... SOURCE TARGET\n');
    return 1;
  }
  const [src, dst] = pos as [string, string];
  const srcZfs = ctx.host.zfs;
  let target: HostState = ctx.host;
  let dstName = dst;
  const remote = /^(?:[^@]+@)?([^:]+):(.+)$/.exec(dst);
  if (remote) {
    const h = Object.values(ctx.lab.state.hosts).find((x) => x.name === remote[1] || x.hostname === remote[1]);
    if (!h || !ctx.lab.isReachable(h.name)) {
      ctx.err(`ssh: connect to host ${remote[1]} port 22: Connection refused\nCRITICAL ERROR: ssh connection echo test failed for ${remote[1]} with exit code 255\n`);
      return 2;
    }
    target = h;
    dstName = remote[2]!;
  }
  const source = srcZfs ? dataset(srcZfs, src) : undefined;
  if (!srcZfs || !source) {
    ctx.err(`CRITICAL ERROR: Source ${src} does not exist!\n`);
    return 2;
  }
  const dstZfs = target.zfs;
  if (!dstZfs) {
    ctx.err(`CRITICAL ERROR: Target ${dst} does not exist!\n`);
    return 2;
  }
  const say = (line: string) => {
    if (!quiet) ctx.out(`${line}\n`);
  };
  let newSnap: ZfsSnapshot | undefined;
  if (!noSyncSnap) {
    const name = syncoidSnapName(ctx.host.hostname, ctx.now(), ctx.host.timeZone, identifier);
    newSnap = createSnapshot(srcZfs, source, name, ctx.now(), 0);
  }
  const latest = sortedSnapshots(source).at(-1);
  if (!latest) {
    ctx.err(`CRITICAL ERROR: no snapshots exist on source ${src}, and you asked for --no-sync-snap.\n`);
    return 2;
  }
  const failing = ctx.fault('failing-job');
  const existing = dataset(dstZfs, dstName);
  let problem: string | undefined;
  if (!existing) {
    const oldest = sortedSnapshots(source)[0]!;
    say(`INFO: Sending oldest full snapshot ${src}@${oldest.name} (~ ${goBytes(oldest.referenced)}) to new target filesystem:`);
    await ctx.pace(900);
    if (failing) problem = failing.message ?? 'cannot receive new filesystem stream: out of space';
    else {
      problem = receiveStream(dstZfs, dstName, makeStream(source, oldest), false, ctx.now());
      if (!problem && oldest !== latest) {
        say(`INFO: Updating new target filesystem with incremental ${src}@${oldest.name} ... ${latest.name} (~ ${goBytes(latest.referenced / 20)}):`);
        await ctx.pace(600);
        problem = receiveStream(dstZfs, dstName, makeStream(source, latest, oldest, true), true, ctx.now());
      }
    }
  } else {
    const guids = new Set(existing.snapshots.map((s) => s.guid));
    const common = sortedSnapshots(source).filter((s) => guids.has(s.guid)).at(-1);
    if (!common) {
      ctx.err(`CRITICAL ERROR: Target ${dst} exists but has no snapshots matching with ${src}!\n              Replication to target would require destroying existing\n              target. Cowardly refusing to destroy your existing target.\n`);
      if (newSnap) destroySnapshot(source, newSnap);
      return 2;
    }
    if (common === latest) {
      say(`INFO: no snapshots on source newer than ${common.name} on target. Nothing to do, not syncing.`);
      return 0;
    }
    say(`Sending incremental ${src}@${common.name} ... ${latest.name} (~ ${goBytes(Math.max(4096, latest.referenced / 40))}):`);
    for (let i = 1; i <= 4; i++) {
      await ctx.pace(300);
      if (!quiet) ctx.err(`${goBytes(Math.round((latest.referenced / 160) * i))} 0:00:0${i} [${(12.4 * i).toFixed(1)}MiB/s] [${'='.repeat(i * 5)}>${' '.repeat(20 - i * 5)}] ${i * 25}%\n`);
    }
    if (failing) problem = failing.message ?? "cannot receive incremental stream: destination backup/data has been modified\nsince most recent snapshot";
    else problem = receiveStream(dstZfs, dstName, makeStream(source, latest, common, true), true, ctx.now());
  }
  if (problem) {
    ctx.err(`${problem}\nCRITICAL ERROR:  zfs send  -I '${src}'@'...' '${src}'@'${latest.name}' | mbuffer  -q -s 128k -m 16M | zfs receive  -s -F '${dstName}' failed: 256 at /usr/sbin/syncoid line 889.\n`);
    return 2;
  }
  // Keep only the newest syncoid snapshot of this host on both sides.
  const mine = new RegExp(`^syncoid_${identifier ? `${identifier}_` : ''}${ctx.host.hostname}_`);
  for (const ds of [source, dataset(dstZfs, dstName)!]) {
    for (const s of ds.snapshots.filter((x) => mine.test(x.name) && x.name !== latest.name)) destroySnapshot(ds, s);
  }
  // The replica's files are what the source holds now.
  const srcMount = source.mountpoint;
  const dstMount = dataset(dstZfs, dstName)?.mountpoint;
  if (srcMount && dstMount) {
    for (const p of Object.keys(target.fs.files)) if (p.startsWith(`${dstMount}/`)) delete target.fs.files[p];
    for (const [p, f] of Object.entries(ctx.host.fs.files)) {
      if (p.startsWith(`${srcMount}/`)) target.fs.files[dstMount + p.slice(srcMount.length)] = { ...f };
    }
  }
  return 0;
}
