/**
 * `vzdump VMID... | --all 1 [--exclude L] --storage S [--mode M] [--compress C]
 * [--prune-backups K] [--notes-template T]`: backs guests up one after another
 * as one task, printing the `INFO:` log line by line over a few (scaled)
 * seconds. Each guest gets an archive (directory storage) or a PBS snapshot
 * (PBS storage) and is then pruned. A guest that fails makes the job end with
 * `job errors` (stderr, exit 255); a kill ends it with the task status
 * `interrupted by signal`.
 */
import { Killed, type ToolContext } from '../shell/types.js';
import { strftime } from '../state/clock.js';
import { backupTarget, commitBackup } from '../state/backup.js';
import { vzdumpCommandLine, vzdumpGuestLines } from '../state/pve.js';
import type { PveGuest, TaskGuestResult } from '../state/types.js';
import { has, isArgError, last, parseArgs } from './args.js';
import { paramError, runPveTask, TaskError } from './pve-task.js';

const USAGE = 'vzdump {<vmid>} [OPTIONS]';

const OPTIONS = {
  long: {
    all: 'bool',
    exclude: 'value',
    storage: 'value',
    mode: 'value',
    compress: 'value',
    'prune-backups': 'value',
    'notes-template': 'value',
    node: 'value',
    quiet: 'bool',
    mailto: 'value',
    mailnotification: 'value',
    'notification-mode': 'value',
    protected: 'bool',
    remove: 'bool',
    'job-id': 'value',
    bwlimit: 'value',
    ionice: 'value',
    zstd: 'value',
    pool: 'value',
  },
  singleDashLong: true,
} as const;

/** Seconds one guest's backup takes at time scale 1 (scaled down from real minutes). */
const GUEST_MS = 2200;
const STEPS = 6;

export async function vzdump(ctx: ToolContext): Promise<number> {
  const pve = ctx.host.pve;
  if (!pve) {
    ctx.err('ipcc_send_rec[1] failed: Connection refused\n');
    return 255;
  }
  const args = parseArgs(ctx.argv.slice(1), OPTIONS);
  if (isArgError(args)) return paramError(ctx, { [args.option.replace(/^-+/, '')]: 'property is not defined in schema and the schema does not allow additional properties' }, USAGE);
  const mode = last(args, 'mode') ?? 'snapshot';
  if (!['snapshot', 'suspend', 'stop'].includes(mode)) return paramError(ctx, { mode: `value '${mode}' does not have a value in the enumeration 'snapshot, suspend, stop'` }, USAGE);
  const compress = last(args, 'compress') ?? '0';
  if (!['0', '1', 'gzip', 'lzo', 'zstd'].includes(compress)) return paramError(ctx, { compress: `value '${compress}' does not have a value in the enumeration '0, 1, gzip, lzo, zstd'` }, USAGE);
  const all = has(args, 'all');
  const vmids = args.positionals.flatMap((p) => p.split(/[,;]/)).filter((p) => p !== '');
  for (const v of vmids) if (!/^\d+$/.test(v)) return paramError(ctx, { vmid: `invalid format - value does not look like a valid VM ID` }, USAGE);
  if (!all && vmids.length === 0 && !last(args, 'pool')) {
    ctx.err('please specify a VMID, --all or --pool\n');
    return 255;
  }
  const storageId = last(args, 'storage') ?? Object.values(pve.storages).find((s) => s.type === 'dir' && s.content.includes('backup'))?.id ?? 'local';
  const storage = pve.storages[storageId];
  if (!storage) {
    ctx.err(`storage '${storageId}' does not exist\n`);
    return 255;
  }
  if (!storage.content.includes('backup')) {
    ctx.err(`storage '${storageId}' does not support backups\n`);
    return 255;
  }
  let prune: Record<string, string> | undefined;
  const pruneText = last(args, 'prune-backups');
  if (pruneText !== undefined) {
    prune = {};
    for (const part of pruneText.split(',').filter(Boolean)) {
      const m = /^(keep-(?:all|last|hourly|daily|weekly|monthly|yearly))=(\d+)$/.exec(part.trim());
      if (!m) return paramError(ctx, { 'prune-backups': `invalid format - format error\nprune-backups.${part.split('=')[0]}: property is not defined in schema` }, USAGE);
      prune[m[1]!] = m[2]!;
    }
  }
  const exclude = last(args, 'exclude');
  const excluded = new Set((exclude ?? '').split(/[,;\s]+/).filter(Boolean));
  const selected: (PveGuest | number)[] = all
    ? Object.values(pve.guests).filter((g) => !excluded.has(String(g.vmid))).sort((a, b) => a.vmid - b.vmid)
    : vmids.map((v) => pve.guests[v] ?? Number(v));
  const notesTemplate = last(args, 'notes-template');
  const single = selected.length === 1 ? String(typeof selected[0] === 'number' ? selected[0] : selected[0]!.vmid) : '';

  const code = await runPveTask(ctx, pve, { type: 'vzdump', id: single }, async (t) => {
    t.task.storage = storageId;
    const results: TaskGuestResult[] = [];
    t.task.guests = results;
    t.log(`INFO: starting new backup job: ${vzdumpCommandLine(all ? { all: true, ...(exclude ? { exclude } : {}) } : { vmids: vmids.map(Number) }, { storage: storageId, mode: mode as 'snapshot', compress, ...(prune ? { 'prune-backups': prune } : {}), ...(notesTemplate ? { 'notes-template': notesTemplate } : {}) })}`);
    if (storage.type === 'pbs' && storage.pbs && !ctx.lab.isReachable(storage.pbs.host)) {
      throw new TaskError(`could not activate storage '${storageId}': ${storageId}: error fetching datastores - 500 Can't connect to ${storage.pbs.host}:8007 (Connection refused)`);
    }
    let failed = false;
    for (const sel of selected) {
      const start = ctx.now();
      if (typeof sel === 'number') {
        t.log(`ERROR: Backup of VM ${sel} failed - unable to find configuration file for VM ${sel} on node '${pve.node}'`);
        results.push({ vmid: sel, ok: false, error: 'no such guest', seconds: 0 });
        failed = true;
        continue;
      }
      const g = sel;
      const seconds = Math.max(1, Math.round((g.usedDisk / 2 ** 30) * 1.6));
      const target = backupTarget({ guest: g, storage, start, nodeTimeZone: ctx.host.timeZone });
      const draft = vzdumpGuestLines({ guest: g, storage, start, timeZone: ctx.host.timeZone, result: { vmid: g.vmid, ok: true, target, seconds }, progressSteps: STEPS });
      if (g.lock) {
        t.log(`ERROR: Backup of VM ${g.vmid} failed - VM is locked (${g.lock})`);
        results.push({ vmid: g.vmid, ok: false, error: `VM is locked (${g.lock})`, seconds: 0 });
        failed = true;
        continue;
      }
      g.lock = 'backup';
      try {
        for (const line of draft.head) t.log(line);
        const fault = ctx.fault('failing-job');
        const failing = g.backupError !== undefined ? { message: g.backupError } : fault;
        for (const [i, line] of draft.progress.entries()) {
          await ctx.pace(GUEST_MS / STEPS);
          if (failing && i === Math.floor(STEPS / 2)) {
            const msg = failing.message ?? 'vma_queue_write: write error - Broken pipe';
            t.log(`ERROR: Backup of VM ${g.vmid} failed - ${msg}`);
            t.log(`INFO: Failed at ${strftime('%Y-%m-%d %H:%M:%S', ctx.now(), ctx.host.timeZone)}`);
            results.push({ vmid: g.vmid, ok: false, error: msg, seconds });
            failed = true;
            break;
          }
          t.log(line);
        }
        if (results.at(-1)?.vmid === g.vmid && !results.at(-1)!.ok) continue;
        const { result, pruned } = commitBackup(ctx.lab.state, {
          guest: g,
          storage,
          start,
          seconds,
          nodeTimeZone: ctx.host.timeZone,
          ...(notesTemplate ? { notesTemplate } : {}),
          ...(prune ? { prune } : {}),
          jitter: ctx.lab.rng.next(),
          node: pve.node,
        });
        results.push(result);
        const final = vzdumpGuestLines({ guest: g, storage, start, timeZone: ctx.host.timeZone, result, ...(prune ? { prune } : {}), pruned, progressSteps: STEPS });
        for (const line of final.tail) t.log(line);
      } catch (e) {
        if (e instanceof Killed) {
          t.log(`ERROR: Backup of VM ${g.vmid} failed - interrupted by signal`);
          results.push({ vmid: g.vmid, ok: false, error: 'interrupted by signal', seconds: 0 });
        }
        throw e;
      } finally {
        delete g.lock;
      }
    }
    t.log(`INFO: Backup finished at ${strftime('%Y-%m-%d %H:%M:%S', ctx.now(), ctx.host.timeZone)}`);
    if (failed) {
      t.log('INFO: Backup job finished with errors');
      throw new TaskError('job errors');
    }
    t.log('INFO: Backup job finished successfully');
  });
  return code;
}
