/**
 * Finds and reads the inventory file; the only I/O around the inventory.
 * The default location is conf's (XDG config dir, `strata/config.json`);
 * `--config FILE` and STRATA_CONFIG override it. Nothing here ever writes.
 */
import Conf from 'conf';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { parseInventoryText, type Inventory, type InventoryProblem } from '../domain/inventory.js';

/**
 * conf reads its file and creates its directory when constructed; this one
 * only tells where the file is, so it neither reads (our file is validated
 * here, with better messages) nor writes.
 */
class PathOnlyConf extends Conf<Record<string, unknown>> {
  override get store(): Record<string, unknown> {
    return {};
  }
  // conf creates its directory only on a read that finds no file, or on a write.
  override set store(_value: Record<string, unknown>) {
    // never written
  }
}

/** `cwd` replaces the config directory (tests). */
export function defaultConfigPath(opts: { cwd?: string } = {}): string {
  return new PathOnlyConf({ projectName: 'strata', projectSuffix: '', ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }) }).path;
}

export function resolveConfigPath(opts: {
  configFlag?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Where the default file lives (tests); see defaultConfigPath. */
  defaultCwd?: string;
}): string {
  const chosen = opts.configFlag ?? (opts.env.STRATA_CONFIG === '' ? undefined : opts.env.STRATA_CONFIG);
  if (chosen === undefined) return defaultConfigPath(opts.defaultCwd === undefined ? {} : { cwd: opts.defaultCwd });
  const expanded = chosen === '~' ? homedir() : chosen.startsWith('~/') ? `${homedir()}${chosen.slice(1)}` : chosen;
  return resolve(expanded);
}

export type LoadedInventory =
  | { readonly ok: true; readonly inventory: Inventory; readonly path: string }
  | { readonly ok: false; readonly path: string; readonly problems: InventoryProblem[] };

export async function loadInventory(path: string): Promise<LoadedInventory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `no inventory file at ${path}; write one (see examples/homelab.json) or pass --config FILE`
        : code === 'EISDIR'
          ? `${path} is a directory, not an inventory file`
          : `cannot read ${path}: ${(e as Error).message}`;
    return { ok: false, path, problems: [{ path: '(file)', message }] };
  }
  const result = parseInventoryText(text);
  return result.ok ? { ok: true, inventory: result.inventory, path } : { ok: false, path, problems: result.problems };
}
