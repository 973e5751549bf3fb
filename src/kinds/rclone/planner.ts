/** rclone: run = `rclone sync SOURCE REMOTE`; verify = `rclone check SOURCE REMOTE --one-way --combined -`. */
import type { RcloneAccess } from '../../adapters/rclone/commands.js';
import { rcloneCheckCommand, rcloneSyncCommand, rcloneSyncMarkCommand } from '../../adapters/rclone/sync.js';
import { resolveSecretMap } from '../../adapters/secrets.js';
import { ok, type Result } from '../../domain/types.js';
import { because, build, planError, type LayerOf, type PlanDraft, type PlannerContext } from '../planner-context.js';

export async function planRclone(layer: LayerOf<'rclone'>, ctx: PlannerContext): Promise<Result<PlanDraft>> {
  if (!layer.source) return planError(`layer ${layer.id} has no "source": Strata does not know what this remote copies`);
  const secrets = resolveSecretMap(layer.secretEnv, (n) => ctx.lookupEnv(n));
  if (!secrets.ok) return because('rclone secret environment', secrets);
  const access: RcloneAccess = {
    remote: layer.remote,
    ...(layer.configFile ? { configFile: layer.configFile } : {}),
    ...(Object.keys(secrets.value).length > 0 ? { secretEnv: secrets.value } : {}),
  };
  const source = layer.source;
  if (ctx.request.kind === 'run') {
    const cmd = build(() => rcloneSyncCommand(access, source));
    if (!cmd.ok) return cmd;
    // Dated when the plan was made, never later than the sync's real start: the copy is at least that fresh.
    const at = Math.floor(ctx.nowSec());
    const mark = build(() => rcloneSyncMarkCommand(access, at));
    if (!mark.ok) return mark;
    return ok({
      title: `Sync ${source} to ${layer.remote} (${layer.id})`,
      steps: [
        { host: layer.host, command: cmd.value, description: `rclone sync: make ${layer.remote} match ${source} (deletes what ${source} no longer has)`, streams: true, output: { kind: 'rclone-sync' } },
        { host: layer.host, command: mark.value, description: `mark the copy whole as of this sync (.strata-synced, read by Strata's status)`, output: { kind: 'rclone-mark', atSec: at }, onlyAfterOk: true },
      ],
      changesHost: true,
      affectedLayers: [layer.id],
    });
  }
  const cmd = build(() => rcloneCheckCommand(access, source));
  if (!cmd.ok) return cmd;
  return ok({
    title: `Check ${layer.remote} against ${source} (${layer.id})`,
    steps: [{ host: layer.host, command: cmd.value, description: `rclone check: is every file of ${source} on ${layer.remote}, unchanged?`, streams: true, output: { kind: 'rclone-check' } }],
    changesHost: false,
    affectedLayers: [],
    notes: ['rclone check compares sizes and hashes where the remote keeps them; it does not download the data.'],
  });
}
