/** restic: run = `restic backup --json PATHS`; verify = `restic check [--read-data-subset X]`. */
import { backupCommand, checkCommand, snapshotsCommand, type ResticAccess } from '../../adapters/restic/commands.js';
import { parseResticSnapshots } from '../../adapters/restic/parse.js';
import { resolveSecret, resolveSecretMap } from '../../adapters/secrets.js';
import { ok, type Result } from '../../domain/types.js';
import { because, build, planError, type LayerOf, type PlanDraft, type PlannerContext } from '../planner-context.js';

export function resticAccess(layer: LayerOf<'restic'>, lookupEnv: (n: string) => string | undefined): Result<ResticAccess> {
  const password = resolveSecret(layer.secret, lookupEnv);
  if (!password.ok) return because('restic password', password);
  const more = resolveSecretMap(layer.secretEnv, lookupEnv);
  if (!more.ok) return because('restic secret environment', more);
  return ok({
    repository: layer.repository,
    password: password.value,
    ...(layer.env ? { env: layer.env } : {}),
    ...(Object.keys(more.value).length > 0 ? { secretEnv: more.value } : {}),
  });
}

export async function planRestic(layer: LayerOf<'restic'>, ctx: PlannerContext): Promise<Result<PlanDraft>> {
  const access = resticAccess(layer, (n) => ctx.lookupEnv(n));
  if (!access.ok) return access;
  if (ctx.request.kind === 'run') {
    let paths = layer.paths ?? [];
    const notes: string[] = [];
    if (paths.length === 0) {
      // Without configured paths, back up again what the newest snapshot backed up.
      const snaps = await ctx.probe(layer.host, () => snapshotsCommand(access.value), parseResticSnapshots);
      if (!snaps.ok) return because('restic snapshots (the layer lists no "paths")', snaps);
      const newest = [...snaps.value].sort((a, b) => b.timeSec - a.timeSec)[0];
      if (!newest) return planError(`layer ${layer.id} lists no "paths" and the repository has no snapshot to take them from`);
      paths = [...newest.paths];
      notes.push(`The layer lists no "paths": backing up ${paths.join(', ')} as the newest snapshot (${newest.shortId} from ${newest.hostname}) did. Add "paths" to the layer to choose.`);
    }
    const cmd = build(() => backupCommand(access.value, { paths }));
    if (!cmd.ok) return cmd;
    return ok({
      title: `Back up ${paths.join(', ')} to ${layer.id} (restic)`,
      steps: [{ host: layer.host, command: cmd.value, description: `restic backup of ${paths.join(', ')} on ${layer.host}`, streams: true, output: { kind: 'restic-backup' } }],
      changesHost: true,
      affectedLayers: [layer.id],
      ...(notes.length > 0 ? { notes } : {}),
    });
  }
  const subset = ctx.request.readDataSubset;
  const cmd = build(() => checkCommand(access.value, subset ? { readDataSubset: subset } : {}));
  if (!cmd.ok) return cmd;
  return ok({
    title: `Check restic repository of ${layer.id}${subset ? ` reading ${subset} of the data` : ''}`,
    steps: [
      {
        host: layer.host,
        command: cmd.value,
        description: subset ? `restic check, reading ${subset} of the pack files` : 'restic check of the repository structure (no data read)',
        streams: true,
        output: { kind: 'restic-check', ...(subset ? { readsData: subset } : {}) },
      },
    ],
    changesHost: false,
    affectedLayers: [],
    notes: [
      'restic check holds an exclusive lock: backups to this repository wait until it ends.',
      ...(subset ? [] : ['Without --read-data-subset only the structure is checked; the data itself is not read.']),
    ],
  });
}
