/**
 * Where Strata keeps what it learns between runs (the journal, the saved
 * status): `$STRATA_STATE_DIR`, else `$XDG_STATE_HOME/strata`, else
 * `~/.local/state/strata`. Nothing else in Strata picks a state path itself.
 */
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export type StateEnv = Readonly<Record<string, string | undefined>>;

/**
 * The state directory for this environment, without touching the disk.
 * A relative XDG_STATE_HOME is ignored, as the XDG base directory spec asks,
 * so a stray value cannot scatter journals into whatever the working directory is.
 */
export function stateDir(env: StateEnv = process.env): string {
  const override = env.STRATA_STATE_DIR;
  if (override !== undefined && override !== '') return override;
  const xdg = env.XDG_STATE_HOME;
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'strata');
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
  return join(home, '.local', 'state', 'strata');
}

/** The state directory, created if missing; private to the user because the journal names hosts and paths. */
export async function ensureStateDir(env: StateEnv = process.env): Promise<string> {
  const dir = stateDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** A file inside the state directory (`journal.jsonl`, `status.json`). */
export function statePath(name: string, env: StateEnv = process.env): string {
  return join(stateDir(env), name);
}
