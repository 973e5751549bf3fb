/**
 * What the DR card reads from the hosts that answer: each PBS server's
 * certificate fingerprint and datastores, each PVE node's PBS encryption keys
 * (metadata only), each rclone copy's remote settings that are no secret (its
 * backend and storage class; the adapter drops every other value). It is printed for a disaster, so every host is read at
 * once and each reading is bounded: a dead or hanging host costs at most
 * `timeoutMs`, and its part of the card says why it is missing.
 */
import {
  certInfoCommand,
  datastoreListCommand,
  keyShowCommand,
  parseCertInfo,
  parseDatastoreList,
  parseKeyFiles,
  parseKeyShow,
  storageKeyFilesCommand,
} from '../../adapters/pbs/dr-facts.js';
import { configDumpCommand, parseRemoteSettings } from '../../adapters/rclone/config-dump.js';
import { resolveSecretMap } from '../../adapters/secrets.js';
import { pbsHosts, pveHosts, type DrFacts, type RcloneSettings, type Reading } from '../../domain/dr-card.js';
import { errorText } from '../../domain/error-text.js';
import { asRclone, rcloneRemoteParts } from '../../domain/layer-kinds/dr.js';
import type { Inventory } from '../../domain/inventory.js';
import { ok, type Result } from '../../domain/types.js';
import { specOf } from '../../kinds/registry.js';
import type { Command } from '../../transport/command.js';
import { isTransportError, type TransportErrorKind } from '../../transport/errors.js';
import type { Runner } from '../../transport/runner.js';

export interface CardFactsDeps {
  readonly inventory: Inventory;
  readonly runnerFor: (host: string) => Runner;
  /** Each host's readings end within this, answered or not. */
  readonly timeoutMs: number;
  /** Read each rclone copy's remote settings (the card; the plan does not need them). */
  readonly rcloneRemotes?: boolean;
  /** A variable of Strata's environment, for an rclone copy's `{env}` secrets (RCLONE_CONFIG_PASS). */
  readonly lookupEnv?: (name: string) => string | undefined;
}

type Parse<T> = (stdout: string, stderr: string, exitCode: number) => Result<T>;

const reading = <T>(r: Result<T>): Reading<T> => (r.ok ? { ok: true, value: r.value } : { ok: false, reason: r.error.message });

/** Failures that say the host itself did not answer, not that one command failed on it. */
const SILENT: ReadonlySet<TransportErrorKind> = new Set(['unreachable', 'connection-lost', 'session-timeout']);

/** The thaw the rclone chain would ask for the remote's storage class. */
function withThaw(r: Result<RcloneSettings>): Result<RcloneSettings> {
  if (!r.ok || r.value.storageClass === undefined) return r;
  const w = specOf('rclone')?.chain?.thawWait?.(r.value.storageClass);
  return w ? ok({ ...r.value, thaw: { priority: w.priority, wait: w.wait } }) : r;
}

export async function readCardFacts(deps: CardFactsDeps): Promise<DrFacts> {
  const { inventory, runnerFor, timeoutMs } = deps;
  const silent = new Set<string>();

  async function read<T>(runner: Runner, cmd: Command, parse: Parse<T>): Promise<Reading<T>> {
    try {
      const r = await runner.run(cmd);
      return reading(parse(r.stdout, r.stderr, r.exitCode));
    } catch (e) {
      if (isTransportError(e) && SILENT.has(e.kind)) silent.add(e.host);
      return { ok: false, reason: errorText(e) };
    }
  }

  /** A host's readings, or one reason for all of them once the bound is reached. */
  function bounded<T>(host: string, work: Promise<T>, fallback: (reason: string) => T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<T>((resolve) => {
      timer = setTimeout(() => {
        silent.add(host);
        resolve(fallback(`no answer within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
    });
    return Promise.race([work, late]).finally(() => clearTimeout(timer));
  }

  // The command's own timeout ends the remote side; the race bounds the whole host, connection included.
  const perCommand = Math.max(1_000, timeoutMs - 500);

  // Read at the same time as the servers and nodes: the card waits for the slowest host once.
  const rcloneReading = Promise.all(
    (deps.rcloneRemotes ? inventory.layers : []).flatMap((l) => {
      const r = asRclone(l);
      const { name } = rcloneRemoteParts(r?.remote ?? '');
      if (!r || name === '') return [];
      const secrets = resolveSecretMap(r.secretEnv, deps.lookupEnv ?? (() => undefined));
      if (!secrets.ok) return [Promise.resolve([r.id, { ok: false, reason: secrets.error.message }] as const)];
      // The dump holds the remote's keys: they stay in this read, parseRemoteSettings keeps only what may be printed.
      const cmd = { ...configDumpCommand({ ...(r.configFile ? { configFile: r.configFile } : {}), secretEnv: secrets.value }), timeoutMs: perCommand };
      const work = read<RcloneSettings>(runnerFor(r.host), cmd, (o, e, c) => withThaw(parseRemoteSettings(o, e, c, name)));
      return [bounded(r.host, work, (reason) => ({ ok: false as const, reason })).then((s) => [r.id, s] as const)];
    }),
  );

  const pbs = await Promise.all(
    pbsHosts(inventory).map(async (host) => {
      const runner = runnerFor(host);
      const work = Promise.all([read(runner, certInfoCommand(perCommand), parseCertInfo), read(runner, datastoreListCommand(perCommand), parseDatastoreList)]);
      const [cert, stores] = await bounded(host, work, (reason) => [{ ok: false, reason }, { ok: false, reason }] as const);
      return { host, cert, stores };
    }),
  );

  const keys = await Promise.all(
    pveHosts(inventory).map(async (host) => {
      const runner = runnerFor(host);
      const work = (async (): Promise<DrFacts['keys'][string]> => {
        const files = await read(runner, storageKeyFilesCommand(perCommand), parseKeyFiles);
        if (!files.ok) return files;
        const shown = await Promise.all(files.value.map((path) => read(runner, keyShowCommand(path, perCommand), (o, e, c) => parseKeyShow(o, e, c, path))));
        const failed = shown.find((s) => !s.ok);
        if (failed && !failed.ok) return failed;
        return { ok: true, value: shown.flatMap((s) => (s.ok ? [s.value] : [])) };
      })();
      return { host, keys: await bounded(host, work, (reason) => ({ ok: false as const, reason })) };
    }),
  );

  const rclone = await rcloneReading;
  return {
    certs: Object.fromEntries(pbs.map((p) => [p.host, p.cert])),
    datastores: Object.fromEntries(pbs.map((p) => [p.host, p.stores])),
    keys: Object.fromEntries(keys.map((k) => [k.host, k.keys])),
    ...(deps.rcloneRemotes ? { rclone: Object.fromEntries(rclone) } : {}),
    silentHosts: [...silent].sort(),
  };
}
