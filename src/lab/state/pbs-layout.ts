/**
 * A PBS datastore as a directory tree (docs/technical-overview.rst): the
 * chunk store `.chunks/` (here a few pack-like files instead of 65536
 * directories), `.lock`, and per group `<type>/<id>/owner` beside its
 * snapshots `<type>/<id>/<RFC 3339 UTC>/` holding the manifest
 * `index.json.blob` and the archives (small index files; the data is in the
 * chunks). What a copy of the directory (restic's /mnt/usb/pbs) carries, and
 * what `datastore create --reuse-datastore` reads back.
 *
 * The manifest's content is its JSON as PBS writes it (the lab skips the
 * blob header and compression), plus under `strata-lab` what the lab needs
 * to recreate a guest from the snapshot and the files of its pxar archives.
 */
import { createHash } from 'node:crypto';
import { isoUtc, parseIsoUtc } from './clock.js';
import { configFileText, guestOfTemplate } from './guest-config.js';
import type { FileSet, GuestTemplate, PbsBackupType, PbsSnapshot, SimFile, SimFs } from './types.js';

const MANIFEST = 'index.json.blob';
/** Not in the manifest: uploaded after it (pbs-datastore manifest.rs, backup_info.rs). */
const CLIENT_LOG = 'client.log.blob';
const MiB4 = 4 * 2 ** 20;
const PACKS = ['0000-3fff', '4000-7fff', '8000-bfff', 'c000-ffff'];

interface LabExtra {
  readonly guest?: GuestTemplate;
  readonly archives?: Record<string, FileSet>;
}

interface Manifest {
  'backup-type': PbsBackupType;
  'backup-id': string;
  'backup-time': number;
  files: { 'crypt-mode': string; csum: string; filename: string; size: number }[];
  signature: null;
  unprotected: { notes?: string; verify_state?: { state: string; upid: string } };
  'strata-lab'?: LabExtra;
}

const csum = (seed: string) => createHash('sha256').update(seed).digest('hex');

/** Bytes an archive's index takes on disk: a fixed index has 32 bytes per 4 MiB chunk, a dynamic one 40 per (average 4 MiB) chunk. */
function onDiskSize(filename: string, size: number): number {
  if (filename.endsWith('.fidx')) return 4096 + Math.ceil(size / MiB4) * 32;
  if (filename.endsWith('.didx')) return 4096 + Math.ceil(size / MiB4) * 40;
  return size;
}

function manifestOf(s: PbsSnapshot): Manifest {
  const path = `${s.type}/${s.id}/${isoUtc(s.time)}`;
  const listed = s.files.filter((f) => f.filename !== MANIFEST && f.filename !== CLIENT_LOG);
  const extra: LabExtra = { ...(s.guest ? { guest: s.guest } : {}), ...(s.archives ? { archives: s.archives } : {}) };
  return {
    'backup-type': s.type,
    'backup-id': s.id,
    'backup-time': s.time,
    files: listed.map((f) => ({ 'crypt-mode': f.cryptMode, csum: csum(`${path}/${f.filename}`), filename: f.filename, size: f.size })),
    signature: null,
    unprotected: {
      ...(s.comment !== undefined ? { notes: s.comment } : {}),
      ...(s.verification ? { verify_state: { state: s.verification.state, upid: s.verification.upid } } : {}),
    },
    ...(Object.keys(extra).length > 0 ? { 'strata-lab': extra } : {}),
  };
}

/** One snapshot's directory, paths relative to the datastore root; built once per snapshot and shared by the copies that hold it. */
export function snapshotDirFiles(s: PbsSnapshot): FileSet {
  const dir = `/${s.type}/${s.id}/${isoUtc(s.time)}`;
  const out: FileSet = {};
  const written = s.time + 5;
  for (const f of s.files) {
    const file: SimFile = { size: onDiskSize(f.filename, f.size), mtime: written, mode: 0o644 };
    if (f.filename === MANIFEST) file.content = JSON.stringify(manifestOf(s));
    else if (s.guest && /^(qemu-server|pct)\.conf\.blob$/.test(f.filename)) file.content = configFileText(guestOfTemplate(Number(s.id), s.guest));
    out[`${dir}/${f.filename}`] = file;
  }
  if (s.protected) out[`${dir}/.protected`] = { size: 0, mtime: written, mode: 0o644 };
  return out;
}

export interface LayoutOptions {
  /** When the tree is looked at (mtimes of the chunk store). */
  readonly at: number;
  /** Bytes in the chunk store. */
  readonly chunkBytes: number;
  /** Each snapshot's directory files, when the caller keeps them (see snapshotDirFiles). */
  readonly dirFiles?: (s: PbsSnapshot) => FileSet;
}

/** The files of a datastore holding `snapshots`, under `root`. */
export function datastoreLayout(root: string, snapshots: readonly PbsSnapshot[], o: LayoutOptions): FileSet {
  const out: FileSet = {};
  const base = root.replace(/\/+$/, '');
  out[`${base}/.lock`] = { size: 0, mtime: o.at - 90 * 86_400, mode: 0o644 };
  out[`${base}/.gc-status`] = { size: 412, mtime: o.at - 17 * 3_600, mode: 0o644 };
  PACKS.forEach((p, i) => {
    const share = [0.249, 0.245, 0.258, 0.248][i]!;
    out[`${base}/.chunks/${p}.pack`] = { size: Math.round(o.chunkBytes * share), mtime: o.at - 3_600, mode: 0o644 };
  });
  const firstOf = new Map<string, PbsSnapshot>();
  for (const s of snapshots) {
    const g = `${s.type}/${s.id}`;
    const first = firstOf.get(g);
    if (!first || s.time < first.time) firstOf.set(g, s);
    for (const [p, f] of Object.entries((o.dirFiles ?? snapshotDirFiles)(s))) out[`${base}${p}`] = f;
  }
  for (const [g, s] of firstOf) out[`${base}/${g}/owner`] = { size: s.owner.length + 1, mtime: s.time, content: `${s.owner}\n`, mode: 0o644 };
  return out;
}

const SNAPSHOT_DIR = /^\/(vm|ct|host)\/([^/]+)\/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)\/([^/]+)$/;

/**
 * The snapshots a datastore directory holds, read back from its files (what
 * PBS lists from a reused datastore): one per snapshot directory with a
 * manifest. A manifest that cannot be read leaves its snapshot out.
 */
export function readDatastoreLayout(fs: SimFs, root: string): PbsSnapshot[] {
  const base = root.replace(/\/+$/, '');
  const dirs = new Map<string, Record<string, SimFile>>();
  for (const [p, f] of Object.entries(fs.files)) {
    if (!p.startsWith(`${base}/`)) continue;
    const m = SNAPSHOT_DIR.exec(p.slice(base.length));
    if (!m) continue;
    const key = `${m[1]}/${m[2]}/${m[3]}`;
    const files = dirs.get(key) ?? {};
    files[m[4]!] = f;
    dirs.set(key, files);
  }
  const out: PbsSnapshot[] = [];
  for (const [key, files] of dirs) {
    const [type, id, time] = key.split('/') as [PbsBackupType, string, string];
    const blob = files[MANIFEST];
    let manifest: Manifest;
    try {
      manifest = JSON.parse(blob?.content ?? '') as Manifest;
    } catch {
      continue;
    }
    if (manifest['backup-type'] !== type || manifest['backup-id'] !== id || manifest['backup-time'] !== parseIsoUtc(time)) continue;
    const owner = (fs.files[`${base}/${type}/${id}/owner`]?.content ?? 'root@pam\n').trim();
    const listed = manifest.files.map((f) => ({ filename: f.filename, size: f.size, cryptMode: f['crypt-mode'] as 'none' | 'encrypt' | 'sign-only' }));
    // PBS lists the manifest's files, then the manifest, then the other files of the directory (the client log).
    const rest = Object.entries(files)
      .filter(([name]) => name !== MANIFEST && !name.startsWith('.') && !listed.some((f) => f.filename === name))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, f]) => ({ filename: name, size: f.size, cryptMode: 'none' as const }));
    const extra = manifest['strata-lab'];
    const verify = manifest.unprotected?.verify_state;
    out.push({
      type,
      id,
      time: manifest['backup-time'],
      files: [...listed, { filename: MANIFEST, size: blob!.size, cryptMode: 'none' }, ...rest],
      owner,
      protected: files['.protected'] !== undefined,
      ...(manifest.unprotected?.notes !== undefined ? { comment: manifest.unprotected.notes } : {}),
      ...(verify && (verify.state === 'ok' || verify.state === 'failed') ? { verification: { state: verify.state, upid: verify.upid } } : {}),
      ...(extra?.guest ? { guest: extra.guest } : {}),
      ...(extra?.archives ? { archives: extra.archives } : {}),
    });
  }
  return out.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : a.time - b.time));
}

/** Bytes of the chunk store under `root`. */
export function chunkStoreBytes(fs: SimFs, root: string): number {
  const prefix = `${root.replace(/\/+$/, '')}/.chunks/`;
  return Object.entries(fs.files).reduce((n, [p, f]) => (p.startsWith(prefix) ? n + f.size : n), 0);
}
