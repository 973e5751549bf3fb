/**
 * `proxmox-backup-client catalog dump SNAP` (restore-formats §3; read from
 * proxmox-backup 3.2.4 pbs-datastore/src/catalog.rs `dump_dir`). The catalog
 * of a host or container snapshot, printed through the logger, so on
 * STDERR, depth first, a line an entry:
 *   d "./root.pxar.didx/etc"
 *   f "./root.pxar.didx/etc/hosts" 186 2024-01-31T03:00:01Z
 *   l "./root.pxar.didx/etc/localtime"
 * The path is Rust's Debug form of a path (quoted, `\"` `\\` `\n` `\u{1b}`
 * escapes, `\xNN` for bytes that are not UTF-8). A file's mtime is
 * `strftime_local("%FT%TZ")`: the server's LOCAL time with a literal `Z`
 * (the epoch number when formatting failed), so the caller passes the
 * zone of the host that ran the client. Types: d f l h b c p s.
 * VM snapshots have no catalog: `manifest does not contain file
 * 'catalog.pcat1.didx'` (browse them with proxmox-file-restore).
 *
 * Paths in the tree keep the archive as first component,
 * `/root.pxar.didx/etc/hosts`: the form proxmox-file-restore takes.
 */
import { err, ok } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { FileTree, type FileKind } from '../shared/file-tree.js';
import { excerpt } from '../shared/json.js';
import { LastLines, type LineFold } from '../shared/line-fold.js';
import { localTimeToEpochSec, type LocalZone } from '../shared/local-time.js';
import { checkSnapshotPath, fileEnv, repositoryArgs, type PbsFileAccess } from './file-access.js';
import { pbsFailure } from './parse.js';

/** Streamed through `pbsCatalogFold`: a container's catalog can hold millions of entries. */
export const pbsCatalogDumpCommand = (a: PbsFileAccess, snapshot: string): Command => ({
  argv: ['proxmox-backup-client', 'catalog', 'dump', checkSnapshotPath(snapshot), ...repositoryArgs(a)],
  ...fileEnv(a),
});

const KINDS: Readonly<Record<string, FileKind>> = { d: 'dir', f: 'file', l: 'symlink', h: 'hardlink', b: 'block', c: 'char', p: 'fifo', s: 'socket' };
const LINE = /^([dflhbcps]) "((?:[^"\\]|\\.)*)"(?: (\d+) (\S+))?$/;

/** Rust's Debug text of a path back to the path (undefined for an escape Rust does not write). */
export function unescapeRustDebug(text: string): string | undefined {
  const bytes: number[] = [];
  const pushText = (s: string) => bytes.push(...Buffer.from(s, 'utf8'));
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      const cp = text.codePointAt(i)!;
      pushText(String.fromCodePoint(cp));
      if (cp > 0xffff) i++;
      continue;
    }
    const n = text[++i];
    if (n === undefined) return undefined;
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0' };
    if (simple[n] !== undefined) pushText(simple[n]);
    else if (n === 'x') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (n === 'u') {
      const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(text.slice(i + 1));
      const cp = m ? parseInt(m[1]!, 16) : NaN;
      if (!m || !(cp <= 0x10ffff)) return undefined;
      pushText(String.fromCodePoint(cp));
      i += m[0].length;
    } else return undefined;
  }
  return Buffer.from(bytes).toString('utf8');
}

export interface PbsCatalog {
  /** `/root.pxar.didx/etc/hosts`: archive first, as proxmox-file-restore names paths. */
  readonly tree: FileTree;
  /** The archives the catalog covers (`root.pxar.didx`). */
  readonly archives: readonly string[];
}

/** Splits `/root.pxar.didx/etc/hosts` into the archive's restore name (`root.pxar`) and the path inside it. */
export function archivePath(path: string): { archive: string; inner: string } | undefined {
  const m = /^\/([^/]+)\.didx(\/.*)?$/.exec(path);
  return m ? { archive: m[1]!, inner: m[2] ?? '/' } : undefined;
}

export function pbsCatalogFold(p: { zone: LocalZone; maxEntries?: number }): LineFold<PbsCatalog> {
  const tree = new FileTree(p.maxEntries);
  const archives: string[] = [];
  const log = new LastLines(20);
  let entries = 0;
  let bad: string | undefined;
  return {
    line(_stream, raw) {
      const m = LINE.exec(raw);
      if (!m) {
        log.push(raw);
        return;
      }
      const decoded = unescapeRustDebug(m[2]!);
      if (decoded === undefined || !decoded.startsWith('./')) {
        bad ??= raw;
        return;
      }
      const path = decoded.slice(1);
      let mtimeMs: number | undefined;
      if (m[4] !== undefined) {
        const sec = /^-?\d+$/.test(m[4]) ? Number(m[4]) : localTimeToEpochSec(m[4], p.zone);
        if (sec === undefined) {
          bad ??= raw;
          return;
        }
        mtimeMs = sec * 1000;
      }
      entries++;
      const kind = KINDS[m[1]!]!;
      if (kind === 'dir' && path.split('/').length === 2) archives.push(path.slice(1));
      tree.add({ path, kind, ...(m[3] !== undefined ? { sizeBytes: Number(m[3]) } : {}), ...(mtimeMs !== undefined ? { mtimeMs } : {}) });
    },
    finish(exitCode) {
      if (exitCode !== 0) {
        if (/does not contain file 'catalog\.pcat1\.didx'/.test(log.text)) {
          return err('not-found', 'proxmox-backup-client catalog dump: this snapshot has no catalog (a VM image: browse it with proxmox-file-restore)');
        }
        return pbsFailure('proxmox-backup-client catalog dump', log.text, exitCode);
      }
      if (bad !== undefined) return err('parse', `proxmox-backup-client catalog dump: cannot read "${excerpt(bad)}"`);
      if (entries === 0) return err('parse', `proxmox-backup-client catalog dump: no catalog lines (${excerpt(log.text) || 'no output'})`);
      return ok({ tree, archives });
    },
  };
}
