/**
 * Finds and reads the inventory file; the only I/O around the inventory.
 * The default location is conf's (XDG config dir, `strata/config.json`);
 * `--config FILE` and STRATA_CONFIG override it. Nothing here ever writes.
 * At most INVENTORY_LIMITS.maxBytes are read (a wrong path can name a log of
 * gigabytes or /dev/zero), and the checks wait for the event loop between
 * their steps, so SIGTERM ends a check of even the largest file at once.
 */
import Conf from 'conf';
import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { INVENTORY_LIMITS, inventoryTextSteps, type Inventory, type InventoryProblem, type InventoryValidation } from '../domain/inventory.js';
import { errorText } from '../domain/error-text.js';

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
  | {
      readonly ok: false;
      readonly path: string;
      readonly problems: InventoryProblem[];
      /** Checking stopped after many problems: there may be more than those listed. */
      readonly stopped?: boolean;
    };

export async function loadInventory(path: string): Promise<LoadedInventory> {
  const refuse = (message: string): LoadedInventory => ({ ok: false, path, problems: [{ path: '(file)', message }] });
  let read: Buffer | { readonly size: string };
  try {
    read = await readAtMost(path, INVENTORY_LIMITS.maxBytes);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return refuse(
      code === 'ENOENT'
        ? `no inventory file at ${path}; write one (see examples/homelab.json) or pass --config FILE`
        : code === 'EISDIR'
          ? `${path} is a directory, not an inventory file`
          : `cannot read ${path}: ${(e as Error).message}`,
    );
  }
  if (!Buffer.isBuffer(read)) {
    return refuse(`the file is ${read.size}; an inventory may be at most ${mib(INVENTORY_LIMITS.maxBytes)}: is it the right file?`);
  }
  const text = utf8(read);
  if (typeof text !== 'string') return refuse(text.message);
  let result: InventoryValidation;
  try {
    result = await stepByStep(inventoryTextSteps(text));
  } catch (e) {
    // The checks never throw by design; if one ever does, the operator gets a problem, not a stack trace.
    return refuse(`the file could not be checked (${errorText(e)}); this is a bug in Strata`);
  }
  if (result.ok) return { ok: true, inventory: result.inventory, path };
  return { ok: false, path, problems: result.problems, ...(result.stopped ? { stopped: true } : {}) };
}

async function stepByStep<T>(steps: Generator<void, T>): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    // A signal's handler runs only when the event loop turns.
    await turn();
  }
}

/** The whole file, or its size when it holds more than `max` bytes (a pipe or a device is read only that far). */
async function readAtMost(path: string, max: number): Promise<Buffer | { readonly size: string }> {
  const fh = await open(path, 'r');
  try {
    const stat = await fh.stat();
    if (stat.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
    if (stat.isFile() && stat.size > max) return { size: `${stat.size.toLocaleString('en-US')} bytes` };
    const buf = Buffer.alloc(max + 1);
    let got = 0;
    while (got <= max) {
      const { bytesRead } = await fh.read(buf, got, max + 1 - got, null);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got > max ? { size: `more than ${max.toLocaleString('en-US')} bytes` } : buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toLocaleString('en-US')} MiB`;

/** The text, or where it stops being UTF-8 (a value written in Latin-1, a binary file). */
function utf8(bytes: Buffer): string | { message: string } {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, at);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < before.length; i++) {
      if (before[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const column = Buffer.from(before.subarray(lineStart)).toString('utf8').length + 1;
    const byte = bytes[at]?.toString(16).padStart(2, '0') ?? '??';
    return { message: `not UTF-8 text: byte 0x${byte} at line ${line}, column ${column} is not valid UTF-8; save the file as UTF-8` };
  }
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const n = b[i + k];
      if (n === undefined || (n & 0xc0) !== 0x80) return i;
    }
    // Overlong forms, surrogates and code points past U+10FFFF.
    const second = b[i + 1] ?? 0;
    if ((c === 0xe0 && second < 0xa0) || (c === 0xed && second > 0x9f) || (c === 0xf0 && second < 0x90) || (c === 0xf4 && second > 0x8f)) return i;
    i += need + 1;
  }
  return b.length;
}
