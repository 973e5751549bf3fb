/**
 * The drill rotation's state, one small JSON file in the state directory:
 * per tier, when each guest was last drilled. A file that cannot be read is
 * an empty rotation (the next drill starts at the tier's first guest).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { replaceFile } from '../atomic-file.js';
import { dirname } from 'node:path';
import { EMPTY_ROTATION, type RotationState } from '../../domain/restore/rotation.js';

export const ROTATION_FILE = 'drill-rotation.json';

type Saved = { readonly version: 1; readonly tiers: Readonly<Record<string, RotationState>> };

async function load(path: string): Promise<Saved> {
  try {
    const v = JSON.parse(await readFile(path, 'utf8')) as Saved;
    if (v.version === 1 && typeof v.tiers === 'object' && v.tiers !== null) return v;
  } catch {
    // Missing or unreadable: a fresh rotation.
  }
  return { version: 1, tiers: {} };
}

export async function loadRotation(path: string, tier: string): Promise<RotationState> {
  const s = (await load(path)).tiers[tier];
  return s && typeof s.lastDrilledAtSec === 'object' ? s : EMPTY_ROTATION;
}

export async function saveRotation(path: string, tier: string, state: RotationState): Promise<void> {
  const saved = await load(path);
  const next: Saved = { version: 1, tiers: { ...saved.tiers, [tier]: state } };
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await replaceFile(path, `${JSON.stringify(next, null, 2)}\n`, 0o600);
}
