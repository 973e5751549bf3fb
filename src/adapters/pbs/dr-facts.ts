/**
 * What a disaster-recovery page needs from a PBS server and a PBS client host:
 * the server certificate's fingerprint (`proxmox-backup-manager cert info`,
 * what `pvesm add pbs --fingerprint` wants, restore-formats §4), its datastores,
 * and the encryption keys a PVE node keeps for its PBS storages, shown with
 * `proxmox-backup-client key show PATH --output-format json` (proxmox-backup
 * proxmox-backup-client/src/key.rs `show_key`: it reads the key file's JSON and
 * prints only its metadata, never the key, and needs no password).
 */
import { z } from 'zod';
import { err, ok, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { exitFailure } from '../shared/failure.js';
import { excerpt, parseJsonAs } from '../shared/json.js';
import { SMALL_OUTPUT_BYTES } from '../shared/output-limits.js';

/** Where a PVE node keeps the encryption key of PBS storage ID: `ID.enc` (pve-storage PBSPlugin). */
export const PVE_STORAGE_KEY_DIR = '/etc/pve/priv/storage';

export interface CertInfo {
  /** `AA:BB:...`, 32 bytes, as `pvesm add pbs --fingerprint` takes it. */
  readonly fingerprint: string;
  readonly subject?: string;
  readonly notAfter?: string;
}

export interface DatastoreConfig {
  readonly name: string;
  readonly path: string;
  readonly comment?: string;
}

export interface KeyInfo {
  readonly path: string;
  readonly kdf: string;
  readonly fingerprint: string;
  readonly createdSec?: number;
}

export function certInfoCommand(timeoutMs: number): Command {
  return { argv: ['proxmox-backup-manager', 'cert', 'info'], timeoutMs, maxOutputBytes: SMALL_OUTPUT_BYTES };
}

export function datastoreListCommand(timeoutMs: number): Command {
  return { argv: ['proxmox-backup-manager', 'datastore', 'list', '--output-format', 'json'], timeoutMs, maxOutputBytes: SMALL_OUTPUT_BYTES };
}

/** The key files of a node's PBS storages, one path a line. */
export function storageKeyFilesCommand(timeoutMs: number): Command {
  return {
    argv: ['find', PVE_STORAGE_KEY_DIR, '-maxdepth', '1', '-type', 'f', '-name', '*.enc', '-print'],
    timeoutMs,
    maxOutputBytes: SMALL_OUTPUT_BYTES,
  };
}

export function keyShowCommand(path: string, timeoutMs: number): Command {
  if (!path.startsWith('/')) throw new TypeError(`not an absolute key path: ${JSON.stringify(path)}`);
  return { argv: ['proxmox-backup-client', 'key', 'show', path, '--output-format', 'json'], timeoutMs, maxOutputBytes: SMALL_OUTPUT_BYTES };
}

const FINGERPRINT = /^[0-9a-f]{2}(?::[0-9a-f]{2}){31}$/i;

/** `Fingerprint (sha256): 82:b6:...` among the lines `cert info` prints. */
export function parseCertInfo(stdout: string, stderr: string, exitCode: number): Result<CertInfo> {
  if (exitCode !== 0) return exitFailure('proxmox-backup-manager cert info', exitCode, stderr);
  const line = (label: string) =>
    stdout
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.startsWith(label))
      ?.slice(label.length)
      .trim();
  const fingerprint = line('Fingerprint (sha256):');
  if (fingerprint === undefined) return err('parse', `proxmox-backup-manager cert info: no "Fingerprint (sha256):" line in "${excerpt(stdout)}"`);
  if (!FINGERPRINT.test(fingerprint)) return err('parse', `proxmox-backup-manager cert info: "${excerpt(fingerprint)}" is not a sha256 fingerprint`);
  const subject = line('Subject:');
  const notAfter = line('Not After :');
  return ok({ fingerprint: fingerprint.toLowerCase(), ...(subject ? { subject } : {}), ...(notAfter ? { notAfter } : {}) });
}

const datastoreList = z.array(z.object({ name: z.string().min(1), path: z.string(), comment: z.string().optional() }).loose());

export function parseDatastoreList(stdout: string, stderr: string, exitCode: number): Result<DatastoreConfig[]> {
  const what = 'proxmox-backup-manager datastore list';
  if (exitCode !== 0) return exitFailure(what, exitCode, stderr);
  const list = parseJsonAs(datastoreList, stdout, what);
  if (!list.ok) return list;
  return ok(list.value.map((d) => ({ name: d.name, path: d.path, ...(d.comment ? { comment: d.comment } : {}) })));
}

/** find's lines; no key directory at all is no key, not a failure. */
export function parseKeyFiles(stdout: string, stderr: string, exitCode: number): Result<string[]> {
  if (exitCode !== 0) {
    if (/No such file or directory/.test(stderr)) return ok([]);
    return exitFailure('find', exitCode, stderr);
  }
  return ok(
    stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('/') && l.endsWith('.enc'))
      .sort(),
  );
}

const keyInfo = z
  .object({ path: z.string().optional(), kdf: z.string(), fingerprint: z.string().regex(FINGERPRINT), created: z.number().optional() })
  .loose();

/** The client prints `path` as Rust's Debug of a path: in double quotes. */
export function parseKeyShow(stdout: string, stderr: string, exitCode: number, path: string): Result<KeyInfo> {
  const what = 'proxmox-backup-client key show';
  if (exitCode !== 0) return exitFailure(what, exitCode, stderr);
  const info = parseJsonAs(keyInfo, stdout, what);
  if (!info.ok) return info;
  const shown = info.value.path?.replace(/^"(.*)"$/, '$1');
  return ok({
    path: shown || path,
    kdf: info.value.kdf,
    fingerprint: info.value.fingerprint.toLowerCase(),
    ...(info.value.created !== undefined ? { createdSec: info.value.created } : {}),
  });
}
