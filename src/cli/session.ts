/**
 * Opening the inventory and the services of the composition root for a
 * command that talks to hosts. A command closes its session when done.
 */
import type { InventoryProblem } from '../domain/inventory.js';
import { problemCount, problemLines } from '../domain/inventory-problems.js';
import { oneLine } from '../domain/show-value.js';
import { loadInventory, resolveConfigPath } from '../services/inventory-loader.js';
import { composeServices, type Services } from '../services/root.js';
import type { CliIo } from './io.js';

export type Session = Services;

export type SessionResult = { ok: true; session: Session } | { ok: false; path: string; problems: InventoryProblem[]; stopped?: boolean };

async function openSession(configFlag: string | undefined, io: CliIo, opts: { readOnly?: boolean } = {}): Promise<SessionResult> {
  const path = resolveConfigPath({ ...(configFlag ? { configFlag } : {}), env: io.env });
  const loaded = await loadInventory(path);
  if (!loaded.ok) return { ok: false, path, problems: loaded.problems, ...(loaded.stopped ? { stopped: true } : {}) };
  return { ok: true, session: composeServices({ inventory: loaded.inventory, configPath: loaded.path, env: io.env, ...opts }) };
}

/** Opens the session, or says on stderr what is wrong with the inventory (the caller then exits with EXIT.config). */
export async function openSessionOrExplain(configFlag: string | undefined, io: CliIo, opts: { readOnly?: boolean } = {}): Promise<Session | undefined> {
  const opened = await openSession(configFlag, io, opts);
  if (opened.ok) return opened.session;
  printProblems(io, opened.path, opened.problems, opened.stopped);
  return undefined;
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
