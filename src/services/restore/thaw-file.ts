/**
 * Saved thaws: one JSON file per restore waiting for cold objects
 * (`<state>/thaws/<id>.json`), written whole through a temporary file and a
 * rename, so a restart (or a crash) finds either the old or the new state.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { replaceFile } from '../atomic-file.js';
import { join } from 'node:path';
import type { SavedThaw } from './files-api.js';

export const THAW_DIR = 'thaws';

const ID = /^thaw-[0-9TZ]+-[0-9a-f]{8}$/;

export async function saveThaw(dir: string, t: SavedThaw): Promise<void> {
  if (!ID.test(t.id)) throw new TypeError(`not a thaw id: ${t.id}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${t.id}.json`);
  await replaceFile(path, `${JSON.stringify(t, null, 2)}\n`, 0o600);
}

function parse(text: string): SavedThaw | undefined {
  try {
    const v = JSON.parse(text) as SavedThaw;
    return v && typeof v === 'object' && typeof v.id === 'string' && Array.isArray(v.objects) && Array.isArray(v.paths) && typeof v.layerId === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

export async function loadThaw(dir: string, id: string): Promise<SavedThaw | undefined> {
  if (!ID.test(id)) return undefined;
  const text = await readFile(join(dir, `${id}.json`), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parse(text);
}

/** Every saved thaw, newest first; unreadable files are skipped. */
export async function listThaws(dir: string): Promise<SavedThaw[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: SavedThaw[] = [];
  for (const n of names.filter((x) => x.endsWith('.json'))) {
    const t = parse(await readFile(join(dir, n), 'utf8').catch(() => ''));
    if (t) out.push(t);
  }
  return out.sort((a, b) => b.createdAtSec - a.createdAtSec);
}
