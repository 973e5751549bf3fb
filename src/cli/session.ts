/**
 * What every command that talks to hosts needs: the validated inventory, one
 * runner per host (so all probes of a host share its connection) and the
 * collector's dependencies. Closing the session ends every connection.
 */
import type { Inventory, InventoryProblem } from '../domain/inventory.js';
import { problemCount, problemLines } from '../domain/inventory-problems.js';
import { oneLine } from '../domain/show-value.js';
import type { CollectorDeps } from '../services/collector.js';
import { loadInventory, resolveConfigPath } from '../services/inventory-loader.js';
import { readLayer } from '../services/readers/index.js';
import { targetFor } from '../services/runner-targets.js';
import { JOURNAL_FILE, Journal, journalingRunner, operatorName, ProbeLog, strataRuns, type StrataRun } from '../services/journal/index.js';
import { statePath } from '../services/state-dir.js';
import { RunnerPool, type Runner } from '../transport/index.js';
import type { CliIo } from './io.js';

export interface Session {
  readonly inventory: Inventory;
  readonly configPath: string;
  /** The environment the session was opened with (where the state directory is). */
  readonly env: CliIo['env'];
  readonly pool: RunnerPool;
  /** Probes and planners' reads run through deps.runnerFor, which writes each command to the probe log. */
  readonly deps: CollectorDeps;
  /** Why the probe log could not be written, once it failed (the caller says so). */
  readonly probeLogError: () => string | undefined;
  /** The runs and verifies Strata itself did, from the journal (none when there is no journal yet). */
  strataRuns(): Promise<readonly StrataRun[]>;
  /** Writes the probe log's last entries and ends every connection. */
  close(): Promise<void>;
}

export type SessionResult = { ok: true; session: Session } | { ok: false; path: string; problems: InventoryProblem[]; stopped?: boolean };

export async function openSession(configFlag: string | undefined, io: CliIo): Promise<SessionResult> {
  const path = resolveConfigPath({ ...(configFlag ? { configFlag } : {}), env: io.env });
  const loaded = await loadInventory(path);
  if (!loaded.ok) return { ok: false, path, problems: loaded.problems, ...(loaded.stopped ? { stopped: true } : {}) };
  return { ok: true, session: sessionFor(loaded.inventory, loaded.path, io.env) };
}

export function sessionFor(inventory: Inventory, configPath: string, env: CliIo['env']): Session {
  const pool = new RunnerPool(inventory.hosts.map((h) => targetFor(h)));
  const probeLog = ProbeLog.inStateDir(env);
  let probeLogError: string | undefined;
  const noteError = (e: unknown) => {
    probeLogError ??= `the probe log ${probeLog.path} could not be written: ${e instanceof Error ? e.message : String(e)}`;
  };
  const operator = operatorName(env);
  const probeRunners = new Map<string, Runner>();
  const probeRunner = (host: string): Runner => {
    let r = probeRunners.get(host);
    if (!r) {
      r = journalingRunner(pool.get(host), { journal: probeLog, operator, probe: true, waitForEntry: false, onJournalError: noteError });
      probeRunners.set(host, r);
    }
    return r;
  };
  const deps: CollectorDeps = {
    runnerFor: probeRunner,
    readLayer,
    localNow: () => Date.now() / 1000,
    lookupEnv: (name) => env[name],
  };
  const readRuns = async () => {
    // Read where it is: no journal yet means no runs, and reading must not create one.
    const journal = new Journal(statePath(JOURNAL_FILE, env));
    const { entries } = await journal.read();
    return strataRuns(entries);
  };
  const close = async () => {
    await probeLog.flush().catch(noteError);
    await pool.closeAll();
  };
  return { inventory, configPath, env, pool, deps, probeLogError: () => probeLogError, strataRuns: () => readRuns().catch(() => []), close };
}

/** Closes the session and says on stderr what it could not do (the screen, if any, is gone by then). */
export async function closeSession(session: Session, io: CliIo): Promise<void> {
  await session.close();
  const problem = session.probeLogError();
  if (problem) io.err(`strata: ${problem}`);
}

/** At most PROBLEMS_LISTED lines, each one line whatever the file holds. */
export function printProblems(io: CliIo, path: string, problems: readonly InventoryProblem[], stopped = false): void {
  io.err([`strata: the inventory ${oneLine(path, 300)} has ${problemCount(problems, stopped)}:`, ...problemLines(problems, stopped)].join('\n'));
}
