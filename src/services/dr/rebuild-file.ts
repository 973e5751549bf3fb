/**
 * The rebuild's state in the state directory (`dr-rebuild.json`), written
 * whole to a temporary file and renamed over the old one after every
 * change, so a crash or a kill leaves either the state before a change or
 * the one after, never half of one. The new node's known_hosts line lives
 * beside it (`dr-known_hosts`).
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { replaceFile } from '../atomic-file.js';
import { dirname } from 'node:path';
import type { RebuildState } from './api.js';

export const REBUILD_FILE = 'dr-rebuild.json';
export const KNOWN_HOSTS_FILE = 'dr-known_hosts';

/** The saved state, null when there is none; an unreadable file is an error (it is the operator's progress). */
export async function loadRebuild(path: string): Promise<RebuildState | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const v = JSON.parse(text) as RebuildState;
  if (v.version !== 1 || !Array.isArray(v.steps)) throw new Error(`${path} is not a saved rebuild (version ${String(v.version)})`);
  return v;
}

export async function saveRebuild(path: string, state: RebuildState): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await replaceFile(path, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

/** Adds a line unless the file already has it. */
export async function addKnownHost(path: string, line: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const have = await readFile(path, 'utf8').catch(() => '');
  if (have.split('\n').includes(line)) return;
  await appendFile(path, `${line}\n`, { mode: 0o600 });
}
