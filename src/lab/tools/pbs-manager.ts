/**
 * `proxmox-backup-manager` on a simulated PBS server: `task list|log`,
 * `datastore list|create` and `acl list|update` (pbs-datastore.ts),
 * `verify`, `verify-job|sync-job|prune-job list|run`,
 * `garbage-collection start|status`, `remote list`, `version`. The task list
 * is the one snake_case output of PBS. A task started in json mode only
 * prints its UPID and runs on; in text mode its log is followed.
 */
import type { ToolContext } from '../shell/types.js';
import {
  garbageCollect,
  groups,
  pbsTaskRow,
  pruneGroup,
  pullSync,
  toVerify,
  sortedGroups,
  storeProgress,
  verifySnapshot,
} from '../state/pbs.js';
import { pbsSnapshotPath } from '../state/pve.js';
import { keepOptions } from '../state/retention.js';
import { toolVersion } from '../state/tool-versions.js';
import type { PbsState } from '../state/types.js';
import { has, isArgError, last, parseArgs } from './args.js';
import { aclList, aclUpdate, datastoreCreate } from './pbs-datastore.js';
import { boxTable, fail, outputFormat, PbsTaskError, printData, runPbsTask, type OutputFormat } from './pbs-common.js';

const PER_SNAPSHOT_MS = 120;

function jobTaskTimes(pbs: PbsState): Map<string, number> {
  return new Map(pbs.tasks.map((t) => [t.upid, t.starttime]));
}

export async function proxmoxBackupManager(ctx: ToolContext): Promise<number> {
  const pbs = ctx.host.pbs;
  if (!pbs) {
    ctx.err('Error: unable to open /etc/proxmox-backup/datastore.cfg - No such file or directory (os error 2)\n');
    return 255;
  }
  const words = ctx.argv.slice(1);
  const two = `${words[0] ?? ''} ${words[1] ?? ''}`;
  const args = parseArgs(words, {
    long: {
      'output-format': 'value',
      all: 'bool',
      limit: 'value',
      'ignore-verified': 'bool',
      'outdated-after': 'value',
      since: 'value',
      typefilter: 'value',
      errors: 'bool',
      'reuse-datastore': 'bool',
      comment: 'value',
      'gc-schedule': 'value',
      'auth-id': 'value',
      propagate: 'bool',
      delete: 'bool',
    },
  });
  if (isArgError(args)) return fail(ctx, `parameter verification failed\n\n${args.option.replace(/^-+/, '')}: schema does not allow additional properties.`);
  const format = outputFormat(ctx, last(args, 'output-format'));
  if (!format) return 255;
  const pos = args.positionals;
  const follow = format === 'text';

  switch (two) {
    case 'task list': {
      const all = has(args, 'all');
      const limit = Number(last(args, 'limit') ?? 50);
      const rows = [...pbs.tasks]
        .filter((t) => all || t.running)
        .filter((t) => !has(args, 'errors') || (t.status !== undefined && t.status !== 'OK'))
        .filter((t) => !last(args, 'typefilter') || t.workerType.startsWith(last(args, 'typefilter')!))
        .sort((a, b) => b.starttime - a.starttime || b.taskId - a.taskId)
        .slice(0, limit);
      printData(ctx, format, rows.map(pbsTaskRow), () =>
        boxTable(
          [{ key: 'starttime', title: 'starttime' }, { key: 'endtime', title: 'endtime' }, { key: 'upid', title: 'upid' }, { key: 'status', title: 'status' }],
          rows.map((t) => ({
            starttime: new Date(t.starttime * 1000).toUTCString(),
            endtime: t.endtime ? new Date(t.endtime * 1000).toUTCString() : '',
            upid: t.upid,
            status: t.status ?? '',
          })),
        ),
      );
      return 0;
    }
    case 'task stop': {
      const upid = pos[2] ?? '';
      const t = pbs.tasks.find((x) => x.upid === upid);
      if (!t) return fail(ctx, `unable to parse UPID '${upid}'`);
      // Stopping a task that already ended is not an error.
      ctx.lab.serverTasks.get(upid)?.();
      return 0;
    }
    case 'task log': {
      const t = pbs.tasks.find((x) => x.upid === pos[2]);
      if (!t) return fail(ctx, `unable to parse UPID '${pos[2] ?? ''}'`);
      ctx.out((t.log ?? [t.status === 'OK' ? 'TASK OK' : `TASK ERROR: ${t.status ?? ''}`]).map((l) => `${l}\n`).join(''));
      return 0;
    }
    case 'cert info': {
      ctx.out(certInfoText(ctx.host.hostname, pbs.certFingerprint, ctx.lab.state.createdAt));
      return 0;
    }
    case 'datastore list': {
      const rows = Object.values(pbs.datastores).map((d) => ({ comment: d.comment, 'gc-schedule': d.gcSchedule, name: d.name, path: d.path }));
      printData(ctx, format, rows, () => boxTable([{ key: 'name', title: 'name' }, { key: 'path', title: 'path' }, { key: 'comment', title: 'comment' }], rows.map((r) => ({ name: r.name, path: r.path, comment: r.comment ?? '' }))));
      return 0;
    }
    case 'datastore create':
      return datastoreCreate(ctx, pbs, args, format);
    case 'acl list':
      return aclList(ctx, pbs, format);
    case 'acl update':
      return aclUpdate(ctx, pbs, args);
    case 'remote list': {
      const rows = Object.entries(pbs.remotes).map(([name, r]) => ({ 'auth-id': r.authId, host: r.host, name }));
      printData(ctx, format, rows, () => boxTable([{ key: 'name', title: 'name' }, { key: 'host', title: 'host' }, { key: 'auth-id', title: 'auth-id' }], rows));
      return 0;
    }
    case 'verify-job list': {
      const rows = pbs.verifyJobs.map((j) => ({ comment: j.comment, id: j.id, 'ignore-verified': j['ignore-verified'], 'outdated-after': j['outdated-after'], schedule: j.schedule, store: j.store }));
      printData(ctx, format, rows, () => boxTable([{ key: 'id', title: 'id' }, { key: 'store', title: 'store' }, { key: 'schedule', title: 'schedule' }], rows.map((r) => ({ id: r.id, store: r.store, schedule: r.schedule }))));
      return 0;
    }
    case 'sync-job list': {
      const rows = pbs.syncJobs.map((j) => ({ comment: j.comment, 'group-filter': j['group-filter'], id: j.id, owner: j.owner, remote: j.remote, 'remote-store': j['remote-store'], 'remove-vanished': j['remove-vanished'], schedule: j.schedule, store: j.store }));
      printData(ctx, format, rows, () => boxTable([{ key: 'id', title: 'id' }, { key: 'store', title: 'store' }, { key: 'remote', title: 'remote' }, { key: 'remote-store', title: 'remote-store' }, { key: 'schedule', title: 'schedule' }], rows.map((r) => ({ id: r.id, store: r.store, remote: r.remote, 'remote-store': r['remote-store'], schedule: r.schedule }))));
      return 0;
    }
    case 'prune-job list': {
      const rows = pbs.pruneJobs.map((j) => ({ comment: j.comment, disable: j.disable ? true : undefined, id: j.id, schedule: j.schedule, store: j.store, ...j.keep }));
      printData(ctx, format, rows, () => boxTable([{ key: 'id', title: 'id' }, { key: 'store', title: 'store' }, { key: 'schedule', title: 'schedule' }], rows.map((r) => ({ id: r.id, store: r.store, schedule: r.schedule }))));
      return 0;
    }
    case 'verify-job run': {
      const job = pbs.verifyJobs.find((j) => j.id === pos[2]);
      if (!job) return fail(ctx, `job '${pos[2] ?? ''}' does not exist.`);
      return verify(ctx, pbs, job.store, { ignoreVerified: job['ignore-verified'], ...(job['outdated-after'] !== undefined ? { outdatedAfterDays: job['outdated-after'] } : {}) }, { workerType: 'verificationjob', workerId: `${job.store}:${job.id}` }, follow, format);
    }
    case 'sync-job run': {
      const job = pbs.syncJobs.find((j) => j.id === pos[2]);
      if (!job) return fail(ctx, `job '${pos[2] ?? ''}' does not exist.`);
      const workerId = `${job.remote}:${job['remote-store']}:${job.store}::${job.id}`;
      return runPbsTask(ctx, pbs, { workerType: 'syncjob', workerId }, follow, format, async (t) => {
        const remote = pbs.remotes[job.remote];
        const dst = pbs.datastores[job.store];
        if (!remote || !dst) throw new PbsTaskError(`remote '${job.remote}' does not exist.`);
        await t.pace(300);
        if (!ctx.lab.isReachable(remote.host)) throw new PbsTaskError('error trying to connect: tcp connect error: Connection refused (os error 111)');
        const src = ctx.lab.state.hosts[remote.host]?.pbs?.datastores[job['remote-store']];
        if (!src) throw new PbsTaskError(`datastore '${job['remote-store']}' does not exist`);
        const failing = ctx.fault('failing-job');
        const r = pullSync(src, dst, job.owner ?? 'root@pam', workerId, job['group-filter']);
        for (const line of r.log) {
          t.log(line);
          await t.pace(15);
        }
        if (failing) throw new PbsTaskError(failing.message ?? 'sync failed with some errors.');
      });
    }
    case 'prune-job run': {
      const job = pbs.pruneJobs.find((j) => j.id === pos[2]);
      if (!job) return fail(ctx, `job '${pos[2] ?? ''}' does not exist.`);
      return runPbsTask(ctx, pbs, { workerType: 'prunejob', workerId: `${job.store}:${job.id}` }, follow, format, async (t) => {
        const ds = pbs.datastores[job.store];
        if (!ds) throw new PbsTaskError(`datastore '${job.store}' does not exist`);
        t.log(`Starting datastore prune on datastore '${ds.name}', root namespace`);
        t.log(`retention options: ${Object.entries(job.keep).map(([k, v]) => `--${k} ${v}`).join(' ')}`);
        for (const g of [...groups(ds).keys()].sort()) {
          t.log(`Pruning group :"${g}"`);
          for (const v of pruneGroup(ds, g, keepOptions(job.keep), ctx.host.timeZone, false)) {
            t.log(`${v.keep ? 'keep' : 'remove'} ${pbsSnapshotPath(v.snapshot)}`);
          }
          await t.pace(30);
        }
      });
    }
    case 'garbage-collection start': {
      const ds = pbs.datastores[pos[2] ?? ''];
      if (!ds) return fail(ctx, `datastore '${pos[2] ?? ''}' does not exist`);
      return runPbsTask(ctx, pbs, { workerType: 'garbage_collection', workerId: ds.name }, follow, format, async (t) => {
        await t.pace(600);
        for (const line of garbageCollect(ds, t.task.upid)) t.log(line);
      });
    }
    case 'garbage-collection status': {
      const ds = pbs.datastores[pos[2] ?? ''];
      if (!ds) return fail(ctx, `datastore '${pos[2] ?? ''}' does not exist`);
      const gc = ds.lastGc ?? {};
      printData(ctx, format, gc, () => boxTable([{ key: 'k', title: 'Name' }, { key: 'v', title: 'Value' }], Object.entries(gc).map(([k, v]) => ({ k, v: String(v) }))));
      return 0;
    }
  }
  if (words[0] === 'verify') {
    const store = pos[1];
    const ds = store === undefined ? undefined : pbs.datastores[store];
    if (!ds) return fail(ctx, store === undefined ? 'parameter verification failed\n\nstore: parameter is missing and it is not optional.' : `datastore '${store}' does not exist`);
    const outdated = last(args, 'outdated-after');
    return verify(ctx, pbs, ds.name, { ignoreVerified: args.values['ignore-verified'] === undefined ? true : has(args, 'ignore-verified'), ...(outdated !== undefined ? { outdatedAfterDays: Number(outdated) } : {}) }, { workerType: 'verify', workerId: ds.name }, follow, format);
  }
  if (words[0] === 'version' || words[0] === 'versions') {
    const v = toolVersion(ctx.host, 'pbsServer');
    ctx.out(`proxmox-backup-server ${v}-1 running version: ${v}\n`);
    return 0;
  }
  return fail(ctx, words[0] === undefined ? 'no command specified' : `no such command '${words.slice(0, 2).join(' ')}'`);
}

function verify(
  ctx: ToolContext,
  pbs: PbsState,
  store: string,
  opts: { ignoreVerified: boolean; outdatedAfterDays?: number },
  t: { workerType: string; workerId: string },
  follow: boolean,
  format: OutputFormat,
): Promise<number> {
  // As verify_all_backups: every group in order, every snapshot newest first, the
  // ones the filter leaves out said SKIPPED; one snapshot at a time, so a kill leaves the rest.
  return runPbsTask(ctx, pbs, t, follow, format, async (run) => {
    const ds = pbs.datastores[store];
    if (!ds) throw new PbsTaskError(`datastore '${store}' does not exist`);
    const picked = new Set(toVerify(ds, { ...opts, now: ctx.now(), taskTimes: jobTaskTimes(pbs) }));
    const failing = ctx.fault('failing-job');
    const failed: string[] = [];
    const list = sortedGroups(ds);
    run.log(`verify datastore ${ds.name}`);
    run.log(`found ${list.length} groups`);
    for (const [doneGroups, [g, snaps]] of list.entries()) {
      run.log(`verify group ${ds.name}:${g} (${snaps.length} snapshots)`);
      const newestFirst = [...snaps].sort((a, b) => b.time - a.time);
      for (const [i, s] of newestFirst.entries()) {
        const path = `${ds.name}:${pbsSnapshotPath(s)}`;
        if (s.partial) run.log(`SKIPPED: verify ${path} - could not acquire snapshot lock: backup is running or snapshot is in use`);
        else if (!picked.has(s)) run.log(`SKIPPED: verify ${path} (recently verified)`);
        else {
          await run.pace(PER_SNAPSHOT_MS);
          if (ds.snapshots.includes(s)) {
            const r = verifySnapshot(ds, s, run.task.upid);
            for (const line of r.log) run.log(line);
            if (!r.ok) failed.push(pbsSnapshotPath(s));
          }
        }
        run.log(`percentage done: ${storeProgress({ doneGroups, totalGroups: list.length, doneSnapshots: i + 1, groupSnapshots: snaps.length })}`);
      }
    }
    if (failing) throw new PbsTaskError(failing.message ?? 'verification failed - please check the log for details');
    if (failed.length > 0) {
      run.log('Failed to verify the following snapshots/groups:');
      for (const f of failed) run.log(`\t${f}`);
      throw new PbsTaskError('verification failed - please check the log for details');
    }
  });
}

/**
 * `cert info` (proxmox-backup src/bin/proxmox_backup_manager/cert.rs): the
 * self-signed certificate every PBS makes at install, valid for two years.
 */
function certInfoText(hostname: string, fingerprint: string, nowSec: number): string {
  const day = 86_400;
  const from = Math.floor(nowSec / day) * day - 400 * day;
  const when = (t: number) => {
    const d = new Date(t * 1000);
    const mon = d.toUTCString().slice(8, 11);
    return `${mon} ${String(d.getUTCDate()).padStart(2)} ${d.toISOString().slice(11, 19)} ${d.getUTCFullYear()} GMT`;
  };
  return [
    `Subject: CN = ${hostname}, O = Proxmox Backup Server, OU = ${fingerprint.replace(/:/g, '').slice(0, 32)}`,
    `    DNS:${hostname}`,
    '    DNS:localhost',
    '    IP:[127, 0, 0, 1]',
    `Issuer: CN = ${hostname}, O = Proxmox Backup Server, OU = ${fingerprint.replace(/:/g, '').slice(0, 32)}`,
    'Validity:',
    `    Not Before: ${when(from)}`,
    `    Not After : ${when(from + 730 * day)}`,
    `Fingerprint (sha256): ${fingerprint}`,
    'Public key type: rsaEncryption',
    'Public key bits: 4096',
    '',
  ].join('\n');
}
