/**
 * A restic copy of a lost PBS datastore's directory, restored onto H
 * (chain-commands.md 1-3): `restic version`, the newest snapshot of the
 * directory (chosen once: a resume restores the same one), `restic restore
 * <id> --target DIR --include PATH`. The copy's password and further secrets
 * are read where they live and sent to H only as secrets; the repository
 * goes on the argument list unless it holds credentials itself.
 */
import { repositoryHoldsCredentials } from '../../adapters/restic/commands.js';
import { parseResticSnapshots } from '../../adapters/restic/parse.js';
import { includePattern } from '../../adapters/restic/restore.js';
import { parseResticVersion, resticVersionCommand } from '../../adapters/restic/version.js';
import type { SecretRef } from '../../domain/inventory-file.js';
import type { Command } from '../../transport/command.js';
import type { ChainContext, ChainRule, ChainTarget } from '../chain-rule.js';
import type { LayerOf } from '../planner-context.js';

type ResticLayer = LayerOf<'restic'>;
type Secrets = Readonly<Record<string, string>>;

const PROBE_MS = 120_000;

function secretRefs(copy: ResticLayer): { name: string; ref: SecretRef }[] {
  return [{ name: 'RESTIC_PASSWORD', ref: copy.secret }, ...Object.entries(copy.secretEnv ?? {}).map(([name, ref]) => ({ name, ref }))];
}

async function secretsOf(copy: ResticLayer, ctx: ChainContext): Promise<Secrets> {
  const out: Record<string, string> = {};
  for (const s of secretRefs(copy)) out[s.name] = await ctx.readSecret(s.ref, copy.host, `${s.name} of ${copy.id}`);
  return out;
}

const where = (ref: SecretRef, host: string) => ('env' in ref ? `${ref.env} in Strata's environment` : 'file' in ref ? `file ${ref.file} on ${host}` : `its command on ${host}`);

function resticCommand(copy: ResticLayer, args: readonly string[], secrets: Secrets): Command {
  const inUrl = repositoryHoldsCredentials(copy.repository);
  const all = inUrl ? { ...secrets, RESTIC_REPOSITORY: copy.repository } : secrets;
  return { argv: ['restic', ...(inUrl ? [] : ['-r', copy.repository]), ...args], ...(copy.env && Object.keys(copy.env).length > 0 ? { env: copy.env } : {}), ...(Object.keys(all).length > 0 ? { secrets: all } : {}) };
}

const snapshotsCommand = (copy: ResticLayer, t: ChainTarget, secrets: Secrets): Command => ({ ...resticCommand(copy, ['snapshots', '--json', '--path', t.carriedPath, 'latest'], secrets), timeoutMs: PROBE_MS });
const restoreCommand = (copy: ResticLayer, t: ChainTarget, id: string, secrets: Secrets): Command => resticCommand(copy, ['restore', id, '--target', t.dir, '--include', includePattern(t.carriedPath)], secrets);

export const resticChain: ChainRule<'restic'> = {
  tool: 'restic',
  versionCommand: resticVersionCommand,
  parseVersion: parseResticVersion,
  words: () => ({ source: "the copy's newest snapshot of the directory", restore: 'restic restore of the directory' }),

  async source(copy, t, ctx) {
    if (t.snapshot) return { state: 'done', detail: `snapshot ${t.snapshot.id.slice(0, 8)} chosen before` };
    const r = await ctx.runner(t.host).run(snapshotsCommand(copy, t, await secretsOf(copy, ctx)));
    const snaps = parseResticSnapshots(r.stdout, r.stderr, r.exitCode);
    if (!snaps.ok) {
      if (snaps.error.kind === 'auth') {
        const refs = secretRefs(copy).map((s) => `${s.name}: ${where(s.ref, copy.host)}`).join(', ');
        return { state: 'blocked', detail: `${copy.id}'s password does not open ${copy.repository} (${snaps.error.message}): fix what its secret references hold (${refs}), then resume` };
      }
      return { state: 'failed', detail: `the snapshots of ${copy.id} could not be read on ${t.host}: ${snaps.error.message}` };
    }
    const newest = snaps.value.at(-1);
    if (!newest) return { state: 'blocked', detail: `${copy.id} holds no snapshot of ${t.carriedPath}: the guests cannot come back through it (restore them from another copy, or drop them from the rebuild)` };
    return { state: 'done', change: { snapshot: { id: newest.id, timeSec: newest.timeSec } }, detail: `snapshot ${newest.shortId} of ${new Date(newest.timeSec * 1000).toISOString()}` };
  },

  async restore(copy, t, ctx) {
    const id = t.snapshot!.id;
    return { host: t.host, command: restoreCommand(copy, t, id, await secretsOf(copy, ctx)), description: `restic restore of ${t.carriedPath} (snapshot ${id.slice(0, 8)}) into ${t.dir}` };
  },

  shown(copy, t) {
    const names = Object.fromEntries(secretRefs(copy).map((s) => [s.name, '-']));
    return [
      { host: t.host, command: resticVersionCommand(), description: `restic must be installed on ${t.host}` },
      { host: t.host, command: snapshotsCommand(copy, t, names), description: `the newest snapshot of ${t.carriedPath} in ${copy.id} (secrets read on ${copy.host})` },
      { host: t.host, command: restoreCommand(copy, t, '<snapshot id>', names), description: `restore the datastore directory into ${t.dir}` },
    ];
  },
};
