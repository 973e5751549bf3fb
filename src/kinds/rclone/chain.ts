/**
 * An rclone copy of a lost PBS datastore's directory, copied onto H
 * (chain-commands.md 1-3 for rclone): `rclone version`; a copy in a cold
 * storage class thawed first on the copy's host with its own configuration
 * (asked once, then how far it is: the chain waits until every object is
 * thawed); `rclone copy REMOTE STORE` on H with the remote's settings from
 * `rclone config dump` on the copy's host, passed as RCLONE_CONFIG_<NAME>_*
 * secrets (with a remote it wraps; never the others, never the config
 * file's password, which opens a file H does not read).
 */
import type { RcloneAccess } from '../../adapters/rclone/commands.js';
import { configDumpCommand, configEnvName, parseConfigDump, remoteConfigEnv, remoteEnvCarries, remoteName } from '../../adapters/rclone/config-dump.js';
import { parseRcloneVersion, parseThawRequest, parseThawStatus, rcloneThawCommand, rcloneThawStatusCommand, rcloneVersionCommand, remoteAt } from '../../adapters/rclone/restore.js';
import { resolveSecretMap } from '../../adapters/secrets.js';
import type { SecretRef } from '../../domain/inventory-file.js';
import type { Command } from '../../transport/command.js';
import type { ChainContext, ChainRule, ChainTarget } from '../chain-rule.js';
import type { LayerOf } from '../planner-context.js';
import { isArchivedClass, thawTiers } from './files.js';

type RcloneLayer = LayerOf<'rclone'>;
type Secrets = Readonly<Record<string, string>>;

const PROBE_MS = 30_000;
/** The thaw the chain asks: hours, at the standard cost. */
const THAW_PRIORITY = 'Standard';
/** Thawed objects stay readable this long: the copy and a retry fit in it. */
const THAW_DAYS = 7;

/** The copy as its own host reads it: its config file, its further secrets resolved there. */
function access(copy: RcloneLayer, lookupEnv: (name: string) => string | undefined): RcloneAccess {
  const r = resolveSecretMap(copy.secretEnv, lookupEnv);
  if (!r.ok) throw new Error(`${copy.id}: ${r.error.message}`);
  return { remote: copy.remote, ...(copy.configFile ? { configFile: copy.configFile } : {}), secretEnv: r.value };
}

/** Further secrets H needs (a remote's key kept in the environment rather than the file); not the config file's password. */
const secretRefs = (copy: RcloneLayer): { name: string; ref: SecretRef }[] => Object.entries(copy.secretEnv ?? {}).flatMap(([name, ref]) => (name === 'RCLONE_CONFIG_PASS' ? [] : [{ name, ref }]));

/** The remote directory holding the carried path: the remote holds what `source` holds (all of it without one). */
function remoteOf(copy: RcloneLayer, carriedPath: string): string {
  const src = copy.source?.replace(/\/+$/, '');
  return src && carriedPath.startsWith(`${src}/`) ? remoteAt(copy.remote, carriedPath.slice(src.length)) : copy.remote;
}

const copyCommand = (copy: RcloneLayer, t: ChainTarget, secrets: Secrets): Command => ({
  argv: ['rclone', 'copy', remoteOf(copy, t.carriedPath), t.store, '--stats', '10s', '--stats-one-line', '--stats-log-level', 'NOTICE'],
  ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
});

/** The settings of the copy's remote (and what it wraps), read from its config on the copy's host. */
async function remoteSecrets(copy: RcloneLayer, ctx: ChainContext): Promise<Secrets> {
  const name = remoteName(copy.remote);
  if (name === '') throw new Error(`${copy.id}'s remote ${copy.remote} names no configured remote: H cannot reach it`);
  const r = await ctx.runner(copy.host).run({ ...configDumpCommand(access(copy, (n) => ctx.lookupEnv(n))), timeoutMs: PROBE_MS });
  const dump = parseConfigDump(r.stdout, r.stderr, r.exitCode);
  if (!dump.ok) throw new Error(`the rclone configuration of ${copy.id} could not be read on ${copy.host}: ${dump.error.message}`);
  const env = remoteConfigEnv(dump.value, name);
  if (!env.ok) throw new Error(`${copy.id}: ${env.error.message}`);
  const more: Record<string, string> = {};
  for (const s of secretRefs(copy)) more[s.name] = await ctx.readSecret(s.ref, copy.host, `${s.name} of ${copy.id}`);
  return { ...env.value, ...more };
}

export const rcloneChain: ChainRule<'rclone'> = {
  tool: 'rclone',
  versionCommand: rcloneVersionCommand,
  parseVersion: parseRcloneVersion,
  words: (_copy, cold) => ({ source: cold ? "the copy's cold objects thawed" : 'the copy read at once (no thaw)', restore: 'rclone copy of the directory' }),

  async source(copy, t, ctx, remember) {
    if (!t.cold) return { state: 'done', detail: `${copy.remote} is in a storage class read at once: no thaw` };
    const a = access(copy, (n) => ctx.lookupEnv(n));
    const h = ctx.runner(copy.host);
    let thaw = t.thaw;
    const askedNow = thaw === null;
    if (thaw === null) {
      const r = await h.run({ ...rcloneThawCommand(a, { dir: '', priority: THAW_PRIORITY, lifetimeDays: THAW_DAYS }), timeoutMs: 300_000 });
      const asked = parseThawRequest(r.stdout, r.stderr, r.exitCode);
      if (!asked.ok) return { state: 'failed', detail: `the thaw of ${copy.remote} could not be asked on ${copy.host}: ${asked.error.message}` };
      const failed = asked.value.entries.filter((e) => e.outcome === 'failed');
      if (failed.length > 0) return { state: 'failed', detail: `${failed.length} of ${asked.value.entries.length} objects of ${copy.remote} refused the thaw (${failed[0]!.remote}: ${failed[0]!.status})` };
      thaw = { requestedAtSec: ctx.nowSec(), objects: asked.value.entries.length };
      await remember({ thaw });
    }
    const r = await h.run({ ...rcloneThawStatusCommand(a, { dir: '', all: true }), timeoutMs: 120_000 });
    const st = parseThawStatus(ctx.nowSec())(r.stdout, r.stderr, r.exitCode);
    if (!st.ok) return { state: 'failed', detail: `how far the thaw of ${copy.remote} is could not be read on ${copy.host}: ${st.error.message}` };
    // rclone before 1.64 cannot say: a thaw just asked is not done (hours), so the copy waits for a resume;
    // later the copy tries, and a frozen object fails it (then resume later).
    if (!st.value.supported && askedNow) return { state: 'blocked', detail: `thaw asked for ${thaw.objects} objects of ${copy.remote}; rclone on ${copy.host} cannot say how far it is (restore-status is 1.64+): resume in some hours (Standard), the copy then tries` };
    if (!st.value.supported) return { state: 'done', detail: `rclone on ${copy.host} cannot say how far the thaw is (restore-status is 1.64+): the copy tries now` };
    const n = st.value.counts;
    // Asked too long ago: forgotten, so the resume asks again.
    if (n.expired > 0) return { state: 'failed', change: { thaw: null }, detail: `${n.expired} of ${thaw.objects} objects of ${copy.remote} were thawed and have expired before the copy: resume asks the thaw again` };
    // S3 drops a restore once it has expired: the object is frozen again with no restore status at all.
    const frozen = st.value.entries.filter((e) => e.state === 'not-requested' && e.storageClass !== undefined && isArchivedClass(e.storageClass)).length;
    if (frozen > 0) return { state: 'failed', change: { thaw: null }, detail: `${frozen} of ${thaw.objects} objects of ${copy.remote} are frozen with no thaw under way (a thaw expired, or was never asked for them): resume asks the thaw again` };
    const since = Math.round((ctx.nowSec() - thaw.requestedAtSec) / 60);
    if (n.thawing > 0) return { state: 'blocked', detail: `thawing ${n.thawing} of ${thaw.objects} objects of ${copy.remote} (${n.thawed} thawed; asked ${since} min ago, Standard takes hours): resume later` };
    return { state: 'done', detail: `${n.thawed} of ${thaw.objects} objects thawed` };
  },

  async restore(copy, t, ctx) {
    return { host: t.host, command: copyCommand(copy, t, await remoteSecrets(copy, ctx)), description: `rclone copy of ${remoteOf(copy, t.carriedPath)} into ${t.store}` };
  },

  thawWait(storageClass) {
    if (!isArchivedClass(storageClass)) return null;
    const t = thawTiers(storageClass).find((x) => x.priority === THAW_PRIORITY);
    return t && t.withinSeconds !== null ? { priority: t.priority, wait: t.wait, withinSeconds: t.withinSeconds } : null;
  },

  restoreFailure: (summary) => (/GLACIER|restore first|InvalidObjectState/i.test(summary) ? 'objects are still frozen: wait for the thaw, then resume' : undefined),

  shown(copy, t) {
    const a = access(copy, () => '-');
    const name = remoteName(copy.remote);
    // A name no variable can carry shows the copy without it (the restore says why it cannot run).
    const names = Object.fromEntries([...(remoteEnvCarries(name) ? [[configEnvName(name, 'type'), '-']] : []), ...secretRefs(copy).map((s) => [s.name, '-'])]);
    return [
      { host: t.host, command: rcloneVersionCommand(), description: `rclone must be installed on ${t.host}` },
      ...(t.cold
        ? [
            { host: copy.host, command: rcloneThawCommand(a, { dir: '', priority: 'Standard', lifetimeDays: THAW_DAYS }), description: `thaw the cold objects of ${copy.id} (Standard: hours); the step waits until they are thawed` },
            { host: copy.host, command: rcloneThawStatusCommand(a, { dir: '', all: true }), description: 'how many are thawed' },
          ]
        : []),
      { host: copy.host, command: configDumpCommand(a), description: `the settings of ${name}, passed to ${t.host} as ${configEnvName(name, '*')} secrets` },
      { host: t.host, command: copyCommand(copy, t, names), description: `copy the datastore directory into ${t.store}` },
    ];
  },
};
