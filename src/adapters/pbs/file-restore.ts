/**
 * Restoring files from PBS (restore-formats §3):
 * - `proxmox-backup-client restore SNAP root.pxar TARGET [--pattern P]...
 *   [--allow-existing-dirs] [--overwrite]`: a pxar archive of a host or
 *   container, silent when it works. The selection, `--pattern`, is read in
 *   clients newer than 3.2.4 (PathPattern include matches; a matching
 *   directory brings everything below it); 3.2.4 extracts the whole archive
 *   and refuses the option (`schema does not allow additional properties`).
 * - `proxmox-file-restore list SNAP PATH --output-format json` and
 *   `extract SNAP PATH TARGET`: one path at a time, pxar archives and VM
 *   images alike (`/drive-scsi0.img.fidx/part/2/etc/hosts`; images boot a
 *   hidden VM, slow the first time). With JSON output a failed list prints
 *   `{"message":"...","code":503}` on STDOUT and exits 0. `extract` writes
 *   the entry's last component into TARGET (`TARGET/hosts`, `TARGET/nginx/...`).
 *   The VM route needs PBS_PASSWORD itself in the environment (`*_FILE` and
 *   `*_CMD` are not enough for the QEMU helper), so the secret is read into
 *   that variable on the host.
 * Paths travel base64-encoded (`--base64`): the bytes a listing gave come back exact.
 */
import { err, ok, type ProbeErrorKind, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { mergeEnv, secretEnv, type CommandEnv } from '../secrets.js';
import { exitFailure, firstLine } from '../shared/failure.js';
import { normaliseTreePath, type DirectoryListing, type FileEntry, type FileKind } from '../shared/file-tree.js';
import { excerpt, parseJsonText } from '../shared/json.js';
import { MiB, SMALL_OUTPUT_BYTES } from '../shared/output-limits.js';
import { checkSnapshotPath, fileEnv, repositoryArgs, type PbsFileAccess } from './file-access.js';
import { pbsFailure } from './parse.js';

function checkTarget(target: string): string {
  if (!target.startsWith('/') || /[\0\n]/.test(target)) throw new TypeError(`restore target must be an absolute path: ${JSON.stringify(target)}`);
  return target;
}

/** A pathpatterns match of exactly this path: its glob characters escaped, anchored at the archive's root. */
export function pxarPattern(inner: string): string {
  const p = normaliseTreePath(inner);
  if (p === '/') throw new TypeError('a pattern for the whole archive: restore without --pattern');
  return p.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

export interface PbsArchiveRestore {
  readonly snapshot: string;
  /** `root.pxar` (the restore name; `.didx` is added by the client). */
  readonly archive: string;
  readonly target: string;
  /** Paths inside the archive (`/etc/nginx`); none restores it whole. Needs a client with `--pattern`. */
  readonly paths?: readonly string[];
  readonly allowExistingDirs?: boolean;
  readonly overwrite?: boolean;
}

export function pbsRestoreArchiveCommand(a: PbsFileAccess, p: PbsArchiveRestore): Command {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*\.pxar$/.test(p.archive)) throw new TypeError(`not a pxar archive name: ${JSON.stringify(p.archive)}`);
  return {
    argv: [
      'proxmox-backup-client',
      'restore',
      checkSnapshotPath(p.snapshot, true),
      p.archive,
      checkTarget(p.target),
      ...(p.paths ?? []).flatMap((x) => ['--pattern', pxarPattern(x)]),
      ...(p.allowExistingDirs ? ['--allow-existing-dirs'] : []),
      ...(p.overwrite ? ['--overwrite'] : []),
      ...repositoryArgs(a),
    ],
    ...fileEnv(a),
    maxOutputBytes: SMALL_OUTPUT_BYTES,
  };
}

export type PbsRestoreRefusal = 'no-pattern-option' | 'key-missing' | 'key-wrong' | 'target-exists' | 'not-found';

export interface PbsFileRestoreResult {
  readonly done: boolean;
  readonly error?: string;
  readonly refusal?: PbsRestoreRefusal;
}

function refusalOf(text: string): PbsRestoreRefusal | undefined {
  if (/'?pattern'?:? schema does not allow additional properties|additional properties.*pattern/i.test(text)) return 'no-pattern-option';
  if (/missing key - manifest was created with key|no key (file )?(found|available)/i.test(text)) return 'key-missing';
  if (/wrong key - manifest's key|Unable to decrypt key/i.test(text)) return 'key-wrong';
  if (/File exists|already exists/i.test(text)) return 'target-exists';
  if (/unable to find snapshot|does not exist|not found|ENOENT/i.test(text)) return 'not-found';
  return undefined;
}

const KIND_OF_REFUSAL: Readonly<Record<PbsRestoreRefusal, ProbeErrorKind>> = {
  'no-pattern-option': 'command-failed',
  'key-missing': 'auth',
  'key-wrong': 'auth',
  'target-exists': 'command-failed',
  'not-found': 'not-found',
};

/**
 * `restore` and `extract` print nothing when they work. A refusal the engine
 * can act on (no `--pattern` in this client, a key missing or wrong, the
 * target there already) comes back as a result with `done: false`; anything
 * else (auth, connection) is an error.
 */
export function parsePbsFileRestore(tool: string): (stdout: string, stderr: string, exitCode: number) => Result<PbsFileRestoreResult> {
  return (_stdout, stderr, exitCode) => {
    if (exitCode === 0) return ok({ done: true });
    if (exitCode === 127) return exitFailure(tool, exitCode, stderr);
    const said = stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const main = said.find((l) => l.startsWith('Error: ')) ?? said.at(-1) ?? '';
    const refusal = refusalOf(said.join('\n'));
    if (refusal && refusal !== 'not-found') return ok({ done: false, error: excerpt(main.replace(/^Error: /, ''), 300), refusal });
    const failed = pbsFailure<PbsFileRestoreResult>(tool, stderr, exitCode);
    if (!failed.ok && refusal) return err(KIND_OF_REFUSAL[refusal], failed.error.message);
    return failed;
  };
}

function b64(path: string): string {
  return Buffer.from(path, 'utf8').toString('base64');
}

function checkArchivePath(path: string): string {
  if (!path.startsWith('/') || /[\0]/.test(path)) throw new TypeError(`not a file-restore path (/<archive>/...): ${JSON.stringify(path)}`);
  return path;
}

/** The secret for the QEMU helper must be PBS_PASSWORD itself. */
function fileRestoreEnv(a: PbsFileAccess): CommandEnv {
  const { password, ...rest } = a;
  return mergeEnv(fileEnv(rest), password ? secretEnv(password, { value: 'PBS_PASSWORD' }) : {});
}

/**
 * `proxmox-file-restore list SNAP PATH --base64 --output-format json
 * [--timeout S]`. `/` lists the archives; a directory lists its entries.
 * A directory of a VM image can be large: 32 MiB is some 150,000 entries.
 */
export function fileRestoreListCommand(a: PbsFileAccess, p: { snapshot: string; path: string; timeoutSec?: number }): Command {
  if (p.timeoutSec !== undefined && !(Number.isInteger(p.timeoutSec) && p.timeoutSec >= 1)) throw new TypeError(`not a timeout in seconds: ${p.timeoutSec}`);
  return {
    argv: [
      'proxmox-file-restore',
      'list',
      checkSnapshotPath(p.snapshot),
      b64(checkArchivePath(p.path)),
      '--base64',
      ...repositoryArgs(a),
      '--output-format',
      'json',
      ...(p.timeoutSec !== undefined ? ['--timeout', String(p.timeoutSec)] : []),
    ],
    ...fileRestoreEnv(a),
    maxOutputBytes: 32 * MiB,
  };
}

/** `proxmox-file-restore extract SNAP PATH TARGET --base64`: PATH's last component lands in TARGET. */
export function fileRestoreExtractCommand(a: PbsFileAccess, p: { snapshot: string; path: string; target: string }): Command {
  return {
    argv: ['proxmox-file-restore', 'extract', checkSnapshotPath(p.snapshot), b64(checkArchivePath(p.path)), checkTarget(p.target), '--base64', ...repositoryArgs(a)],
    ...fileRestoreEnv(a),
    maxOutputBytes: SMALL_OUTPUT_BYTES,
  };
}

const KINDS: Readonly<Record<string, FileKind>> = { d: 'dir', f: 'file', l: 'symlink', h: 'hardlink', b: 'block', c: 'char', p: 'fifo', s: 'socket', v: 'image' };

function fileRestoreError(message: string, code: number | undefined): Result<never> {
  const kind: ProbeErrorKind = code === 404 || /not found|does not exist|ENOENT/i.test(message) ? 'not-found' : /authentication|permission|401|403/i.test(message) ? 'auth' : 'command-failed';
  return err(kind, `proxmox-file-restore: ${excerpt(message, 300)}${code !== undefined ? ` (code ${code})` : ''}`);
}

/**
 * `[{"filepath":<base64>,"text":"hosts","type":"f","leaf":true,"size":186,"mtime":1706666401}]`
 * (mtime: epoch seconds), or on failure `{"message":"...","code":503}` with exit 0.
 * Entries come as `dir`, the path that was listed.
 */
export function parseFileRestoreList(dir: string): (stdout: string, stderr: string, exitCode: number) => Result<DirectoryListing> {
  return (stdout, stderr, exitCode) => {
    if (exitCode !== 0) {
      const said = firstLine(stderr.split('\n').find((l) => l.startsWith('Error: ')) ?? stderr);
      return fileRestoreError(said.replace(/^Error: /, '') || `exit ${exitCode}`, undefined);
    }
    const json = parseJsonText(stdout, 'proxmox-file-restore list');
    if (!json.ok) return json;
    const v = json.value;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.message === 'string') return fileRestoreError(o.message, typeof o.code === 'number' ? o.code : undefined);
      return err('parse', 'proxmox-file-restore list: an object that is neither a listing nor an error');
    }
    if (!Array.isArray(v)) return err('parse', 'proxmox-file-restore list: output is not a JSON array');
    const entries: FileEntry[] = [];
    for (const [i, raw] of v.entries()) {
      if (!raw || typeof raw !== 'object') return err('parse', `proxmox-file-restore list: entry ${i} is not an object`);
      const e = raw as Record<string, unknown>;
      if (typeof e.filepath !== 'string' || typeof e.type !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(e.filepath)) {
        return err('parse', `proxmox-file-restore list: entry ${i} has no base64 filepath or no type`);
      }
      const kind = KINDS[e.type];
      if (!kind) return err('parse', `proxmox-file-restore list: entry ${i} has unknown type ${excerpt(e.type, 10)}`);
      const path = normaliseTreePath(Buffer.from(e.filepath, 'base64').toString('utf8'));
      if (path === '/') return err('parse', `proxmox-file-restore list: entry ${i} has an empty path`);
      if (e.size !== undefined && e.size !== null && (typeof e.size !== 'number' || !Number.isFinite(e.size))) return err('parse', `proxmox-file-restore list: entry ${i} has a size that is not a number`);
      if (e.mtime !== undefined && e.mtime !== null && (typeof e.mtime !== 'number' || !Number.isFinite(e.mtime))) return err('parse', `proxmox-file-restore list: entry ${i} has an mtime that is not a number`);
      entries.push({
        path,
        name: typeof e.text === 'string' && e.text !== '' ? e.text : path.slice(path.lastIndexOf('/') + 1),
        kind,
        ...(typeof e.size === 'number' ? { sizeBytes: e.size } : {}),
        ...(typeof e.mtime === 'number' ? { mtimeMs: e.mtime * 1000 } : {}),
      });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return ok({ dir: normaliseTreePath(dir), entries, truncated: false });
  };
}
