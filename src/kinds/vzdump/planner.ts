/**
 * vzdump: run = a guest now (with the options of the job covering it) or a
 * job's own selection; verify = the host's own integrity test of the newest
 * archive per guest. A PBS-backed storage is verified through its pbs layer.
 */
import { backupJobsCommand, storageContentCommand } from '../../adapters/pve/commands.js';
import { parseStorageContent, type PveArchive } from '../../adapters/pve/parse.js';
import {
  archiveTestCommand,
  parsePvesmPath,
  parseVzdumpJobs,
  pvesmPathCommand,
  vzdumpGuestCommand,
  vzdumpJobCommand,
  type VzdumpJob,
} from '../../adapters/pve/vzdump.js';
import { parseAssetId } from '../../domain/asset-id.js';
import { ok, type Result } from '../../domain/types.js';
import { because, build, planError, type LayerOf, type PlanDraft, type PlannerContext } from '../planner-context.js';
import type { PlanStep } from '../action-types.js';

function covers(job: VzdumpJob, vmid: number): boolean {
  if (job.all) return !job.exclude.includes(vmid);
  return job.vmids.includes(vmid);
}

async function jobsHere(layer: LayerOf<'vzdump'>, ctx: PlannerContext, node: string): Promise<Result<VzdumpJob[]>> {
  const jobs = await ctx.probe(layer.host, backupJobsCommand, parseVzdumpJobs);
  if (!jobs.ok) return because('backup jobs', jobs);
  return ok(jobs.value.filter((j) => j.storage === layer.storage && (j.node === undefined || j.node === node)));
}

export async function planVzdump(layer: LayerOf<'vzdump'>, ctx: PlannerContext): Promise<Result<PlanDraft>> {
  const node = await ctx.nodeOf(layer.host);
  if (!node.ok) return because(`node name of ${layer.host}`, node);
  return ctx.request.kind === 'run' ? planRun(layer, ctx, node.value) : planVerify(layer, ctx, node.value);
}

async function planRun(layer: LayerOf<'vzdump'>, ctx: PlannerContext, node: string): Promise<Result<PlanDraft>> {
  const jobs = await jobsHere(layer, ctx, node);
  if (!jobs.ok) return jobs;
  const base = { changesHost: true, affectedLayers: [layer.id] };
  const { assetId, jobId } = ctx.request;

  if (assetId !== undefined) {
    const asset = parseAssetId(assetId);
    if (!asset || (asset.kind !== 'vm' && asset.kind !== 'ct')) return planError(`vzdump backs up guests: ${assetId} is not vm/N or ct/N`);
    const job = jobs.value.find((j) => j.enabled && covers(j, asset.vmid));
    const cmd = build(() => vzdumpGuestCommand({ vmid: asset.vmid, storage: layer.storage, ...(job?.mode ? { mode: job.mode } : {}), ...(job?.compress ? { compress: job.compress } : {}) }));
    if (!cmd.ok) return cmd;
    return ok({
      ...base,
      title: `Back up ${assetId} to ${layer.id} now (vzdump on ${node})`,
      steps: [{ host: layer.host, command: cmd.value, description: `vzdump ${asset.vmid} to storage ${layer.storage}${job ? ` with the mode and compression of job ${job.id}` : ''}`, streams: true, output: { kind: 'vzdump' } }],
    });
  }

  let selected: VzdumpJob[];
  if (jobId !== undefined) {
    const job = jobs.value.find((j) => j.id === jobId);
    if (!job) return planError(`no backup job ${jobId} writes to storage ${layer.storage} on ${node}`, 'not-found');
    selected = [job];
  } else {
    selected = jobs.value.filter((j) => j.enabled);
    if (selected.length === 0) {
      return planError(`no enabled backup job writes to storage ${layer.storage} on ${node}: choose a guest to back up one now`, 'not-found');
    }
  }
  const steps: PlanStep[] = [];
  for (const job of selected) {
    const cmd = build(() => vzdumpJobCommand(job));
    if (!cmd.ok) return cmd;
    const what = job.all ? `all guests${job.exclude.length > 0 ? ` except ${job.exclude.join(', ')}` : ''}` : job.vmids.length > 0 ? `guests ${job.vmids.join(', ')}` : `pool ${job.pool ?? '?'}`;
    steps.push({ host: layer.host, command: cmd.value, description: `job ${job.id}: ${what} to ${layer.storage}`, streams: true, output: { kind: 'vzdump' } });
  }
  const names = selected.map((j) => j.id).join(', ');
  return ok({ ...base, title: `Run vzdump of ${layer.id} (job${selected.length > 1 ? 's' : ''} ${names})`, steps });
}

async function planVerify(layer: LayerOf<'vzdump'>, ctx: PlannerContext, node: string): Promise<Result<PlanDraft>> {
  const content = await listBackupArchivesOn(layer, ctx, node);
  if (!content.ok) return content;
  let archives = content.value;
  const { assetId } = ctx.request;
  if (assetId !== undefined) {
    const asset = parseAssetId(assetId);
    if (!asset || (asset.kind !== 'vm' && asset.kind !== 'ct')) return planError(`vzdump holds guests: ${assetId} is not vm/N or ct/N`);
    archives = archives.filter((a) => a.vmid === asset.vmid && (a.guestType === undefined || (a.guestType === 'lxc') === (asset.kind === 'ct')));
  }
  if (archives.some((a) => a.format.startsWith('pbs-'))) {
    const pbs = ctx.inventory.layers.filter((l) => l.kind === 'pbs').map((l) => l.id);
    return planError(
      `storage ${layer.storage} is a Proxmox Backup Server storage: its archives are verified by PBS itself; verify ${pbs.length > 0 ? `the pbs layer (${pbs.join(', ')})` : 'the PBS datastore'} instead`,
    );
  }
  const newest = new Map<number, PveArchive>();
  for (const a of archives) {
    const prev = newest.get(a.vmid);
    if (!prev || a.timeSec > prev.timeSec) newest.set(a.vmid, a);
  }
  if (newest.size === 0) return planError(`no archive${assetId ? ` of ${assetId}` : ''} on storage ${layer.storage}`, 'not-found');

  const steps: PlanStep[] = [];
  const untestable: string[] = [];
  for (const a of [...newest.values()].sort((x, y) => x.vmid - y.vmid)) {
    const path = await ctx.probe(layer.host, () => pvesmPathCommand(a.volid), parsePvesmPath);
    if (!path.ok) return because(`path of ${a.volid}`, path);
    const cmd = build(() => archiveTestCommand(path.value));
    if (!cmd.ok) return cmd;
    if (cmd.value === null) {
      untestable.push(a.volid);
      continue;
    }
    steps.push({
      host: layer.host,
      command: cmd.value,
      description: `test that the newest archive of ${a.vmid} reads back intact (${cmd.value.argv[0]})`,
      streams: true,
      output: { kind: 'archive-test', archive: a.volid },
    });
  }
  if (steps.length === 0) return planError(`no integrity test for the archive format of ${untestable.join(', ')}`);
  return ok({
    title: `Verify the newest vzdump archive${steps.length > 1 ? 's' : ''} of ${assetId ?? layer.id} (${steps.length})`,
    steps,
    changesHost: false,
    affectedLayers: [],
    notes: [
      'A compression test proves an archive reads back intact, not that it restores: a restore drill proves that.',
      ...(untestable.length > 0 ? [`No test for the format of ${untestable.join(', ')}: skipped.`] : []),
    ],
  });
}

async function listBackupArchivesOn(layer: LayerOf<'vzdump'>, ctx: PlannerContext, node: string): Promise<Result<PveArchive[]>> {
  const r = await ctx.probe(layer.host, () => storageContentCommand(node, layer.storage), parseStorageContent);
  return r.ok ? r : because(`archives on ${layer.storage}`, r);
}
