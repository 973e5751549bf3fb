/** config-backup: run = archive the paths with tar (temp name, then rename); verify = list the newest archive. */
import { archiveCommands } from '../../adapters/config-backup/commands.js';
import { listArchivesCommand } from '../../adapters/config-backup/commands.js';
import { parseArchiveDirectory } from '../../adapters/config-backup/parse.js';
import { archiveListCommand } from '../../adapters/config-backup/verify.js';
import { ok, type Result } from '../../domain/types.js';
import { because, build, planError, type LayerOf, type PlanDraft, type PlannerContext } from '../planner-context.js';

export async function planConfigBackup(layer: LayerOf<'config-backup'>, ctx: PlannerContext): Promise<Result<PlanDraft>> {
  if (ctx.request.kind === 'run') {
    const plan = build(() => archiveCommands({ directory: layer.directory, host: layer.host, paths: layer.paths, now: ctx.nowSec() }));
    if (!plan.ok) return plan;
    const [mkdir, tar, mv] = plan.value.commands;
    return ok({
      title: `Archive ${layer.paths.join(', ')} on ${layer.host} (${layer.id})`,
      steps: [
        { host: layer.host, command: mkdir!, description: `make sure ${layer.directory} exists` },
        { host: layer.host, command: tar!, description: `write ${layer.paths.join(', ')} to a temporary archive`, streams: true },
        { host: layer.host, command: mv!, description: `name it ${plan.value.finalPath}` },
      ],
      cleanup: [{ host: layer.host, command: plan.value.cleanup, description: `remove the unfinished ${plan.value.tempPath}` }],
      changesHost: true,
      affectedLayers: [layer.id],
    });
  }
  const list = await ctx.probe(layer.host, () => listArchivesCommand(layer.directory), parseArchiveDirectory(layer.directory));
  if (!list.ok) return because(`archives in ${layer.directory}`, list);
  if (!list.value.exists) return planError(`no config archive of ${layer.host} yet (${layer.directory} does not exist): run the layer's job first`, 'not-found');
  const own = list.value.archives.filter((a) => a.host === undefined || a.host === layer.host);
  const newest = own.at(-1);
  if (!newest) return planError(`no config archive of ${layer.host} in ${layer.directory}`, 'not-found');
  const cmd = build(() => archiveListCommand(newest.path));
  if (!cmd.ok) return cmd;
  return ok({
    title: `Check the newest config archive of ${layer.host} (${layer.id})`,
    steps: [{ host: layer.host, command: cmd.value, description: `read ${newest.name} through and look for ${layer.paths.join(', ')}`, output: { kind: 'tar-list', archive: newest.path, paths: layer.paths } }],
    changesHost: false,
    affectedLayers: [],
    notes: ['Proves the archive reads back and holds every configured path; it does not restore it.'],
  });
}
