/**
 * What the DR card reads from the hosts that answer: each PBS server's
 * certificate fingerprint and datastores, each PVE node's PBS encryption keys
 * (metadata only). It is printed for a disaster, so every host is read at
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
import { pbsHosts, pveHosts, type DrFacts, type Reading } from '../../domain/dr-card.js';
import { errorText } from '../../domain/error-text.js';
import type { Inventory } from '../../domain/inventory.js';
import type { Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import type { Runner } from '../../transport/runner.js';

export interface CardFactsDeps {
  readonly inventory: Inventory;
  readonly runnerFor: (host: string) => Runner;
  /** Each host's readings end within this, answered or not. */
  readonly timeoutMs: number;
}

type Parse<T> = (stdout: string, stderr: string, exitCode: number) => Result<T>;

const reading = <T>(r: Result<T>): Reading<T> => (r.ok ? { ok: true, value: r.value } : { ok: false, reason: r.error.message });

async function read<T>(runner: Runner, cmd: Command, parse: Parse<T>): Promise<Reading<T>> {
  try {
    const r = await runner.run(cmd);
    return reading(parse(r.stdout, r.stderr, r.exitCode));
  } catch (e) {
    return { ok: false, reason: errorText(e) };
  }
}

/** A host's readings, or one reason for all of them once the bound is reached. */
function bounded<T>(work: Promise<T>, timeoutMs: number, fallback: (reason: string) => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback(`no answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export async function readCardFacts(deps: CardFactsDeps): Promise<DrFacts> {
  const { inventory, runnerFor, timeoutMs } = deps;
  // The command's own timeout ends the remote side; the race bounds the whole host, connection included.
  const perCommand = Math.max(1_000, timeoutMs - 500);

  const pbs = await Promise.all(
    pbsHosts(inventory).map(async (host) => {
      const runner = runnerFor(host);
      const work = Promise.all([read(runner, certInfoCommand(perCommand), parseCertInfo), read(runner, datastoreListCommand(perCommand), parseDatastoreList)]);
      const [cert, stores] = await bounded(work, timeoutMs, (reason) => [{ ok: false, reason }, { ok: false, reason }] as const);
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
      return { host, keys: await bounded(work, timeoutMs, (reason) => ({ ok: false as const, reason })) };
    }),
  );

  return {
    certs: Object.fromEntries(pbs.map((p) => [p.host, p.cert])),
    datastores: Object.fromEntries(pbs.map((p) => [p.host, p.stores])),
    keys: Object.fromEntries(keys.map((k) => [k.host, k.keys])),
  };
}
