/**
 * PBS file restores on outputs reconstructed from proxmox-backup 3.2.4's
 * sources (no PBS runs here; the lab's contract test holds the lab to these):
 * the catalog on stderr with local times marked Z, proxmox-file-restore's
 * base64 listings and its errors on stdout with exit 0, pxar restore with and
 * without --pattern, key and password placement.
 */
import { describe, expect, it } from 'vitest';
import { archivePath, pbsCatalogDumpCommand, pbsCatalogFold, unescapeRustDebug } from '../../../src/adapters/pbs/catalog.js';
import { parsePbsClientVersion, pbsClientFeatures } from '../../../src/adapters/pbs/file-access.js';
import {
  fileRestoreExtractCommand,
  fileRestoreListCommand,
  parseFileRestoreList,
  parsePbsFileRestore,
  pbsRestoreArchiveCommand,
  pxarPattern,
} from '../../../src/adapters/pbs/file-restore.js';
import { foldOutput } from '../../../src/adapters/shared/line-fold.js';
import type { Result } from '../../../src/domain/types.js';
import { fixture } from '../../helpers/fixtures.js';

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

const access = { repository: 'strata@pbs!ro@pbs1:usb', fingerprint: 'aa:bb', password: { file: '/root/.strata-pbs-token' } };
const catalog = (name: string, zone = { utcOffsetSec: 3600 }) => {
  const f = fixture('pbs', name);
  return foldOutput(pbsCatalogFold({ zone }), f.stdout, f.stderr, f.exitCode);
};

describe('catalog dump', () => {
  it('reads the catalog from stderr: archives, kinds, sizes, local times marked Z', () => {
    const c = value(catalog('catalog-dump-ct'));
    expect(c.archives).toEqual(['root.pxar.didx']);
    const etc = c.tree.list('/root.pxar.didx/etc')!;
    expect(etc.map((e) => [e.name, e.kind])).toEqual([
      ['hostname', 'file'],
      ['hosts', 'file'],
      ['localtime', 'symlink'],
      ['nginx', 'dir'],
    ]);
    // 03:00:01 local on a host one hour east of UTC.
    expect(etc[0]).toMatchObject({ sizeBytes: 6, mtimeMs: Date.UTC(2024, 0, 31, 2, 0, 1) });
    expect(c.tree.kindOf('/root.pxar.didx/etc/nginx/hardlinked.conf')).toBe('hardlink');
    expect(c.tree.list('/root.pxar.didx/dev')?.map((e) => e.kind)).toEqual(['block', 'char']);
    expect(c.tree.kindOf('/root.pxar.didx/run/initctl')).toBe('fifo');
    expect(c.tree.kindOf('/root.pxar.didx/run/systemd/notify')).toBe('socket');
  });

  it('reads the same catalog in another zone, DST included, and an epoch where strftime failed', () => {
    const c = value(catalog('catalog-dump-ct', { timeZone: 'America/New_York' } as never));
    expect(c.tree.list('/root.pxar.didx/etc')![0]!.mtimeMs).toBe(Date.UTC(2024, 0, 31, 8, 0, 1));
    expect(c.tree.list('/root.pxar.didx/srv')!.find((e) => e.name === 'before-1970')!.mtimeMs).toBe(-86_400_000);
  });

  it("decodes Rust's Debug form of a path: quotes, backslashes, tabs, \\u{..} and bytes that are not UTF-8", () => {
    const names = value(catalog('catalog-dump-ct')).tree.list('/root.pxar.didx/srv')!.map((e) => e.name);
    expect(names).toContain('name with "quotes" and \\ backslash');
    expect(names).toContain('tab\there');
    expect(names).toContain('caf\u0301e');
    expect(names).toContain('latin1-\ufffdt\ufffd');
    expect(unescapeRustDebug('bad \\q escape')).toBeUndefined();
  });

  it('a VM snapshot has no catalog; auth failures are auth', () => {
    expect(catalog('catalog-dump-vm')).toMatchObject({ ok: false, error: { kind: 'not-found', message: expect.stringContaining('proxmox-file-restore') } });
    expect(catalog('catalog-dump-auth-failed')).toMatchObject({ ok: false, error: { kind: 'auth' } });
    expect(foldOutput(pbsCatalogFold({ zone: { utcOffsetSec: 0 } }), '', '', 0).ok).toBe(false);
  });

  it('builds the dump with the key file, and the passphrase and password by reference', () => {
    const c = pbsCatalogDumpCommand({ ...access, namespace: 'pve0', key: { keyfile: '/root/pbs.key', password: { command: 'pass show pbs/key' } } }, 'ct/102/2024-01-31T02:00:05Z');
    expect(c.argv).toEqual(['proxmox-backup-client', 'catalog', 'dump', 'ct/102/2024-01-31T02:00:05Z', '--repository', 'strata@pbs!ro@pbs1:usb', '--ns', 'pve0', '--keyfile', '/root/pbs.key']);
    expect(c.env).toEqual({ PBS_FINGERPRINT: 'aa:bb', PBS_PASSWORD_FILE: '/root/.strata-pbs-token', PBS_ENCRYPTION_PASSWORD_CMD: 'pass show pbs/key' });
    expect(() => pbsCatalogDumpCommand(access, 'ct/102')).toThrow(/snapshot path/);
    expect(archivePath('/root.pxar.didx/etc/hosts')).toEqual({ archive: 'root.pxar', inner: '/etc/hosts' });
  });
});

describe('pxar restore', () => {
  it('restores chosen paths with --pattern, their glob characters escaped', () => {
    const c = pbsRestoreArchiveCommand(access, { snapshot: 'host/pve1/2024-01-31T00:45:00Z', archive: 'etc.pxar', target: '/restore/etc', paths: ['/pve/qemu-server/100.conf', '/odd[1]*'], allowExistingDirs: true });
    expect(c.argv).toEqual([
      'proxmox-backup-client', 'restore', 'host/pve1/2024-01-31T00:45:00Z', 'etc.pxar', '/restore/etc',
      '--pattern', '/pve/qemu-server/100.conf', '--pattern', '/odd\\[1\\]\\*', '--allow-existing-dirs', '--repository', 'strata@pbs!ro@pbs1:usb',
    ]);
    expect(() => pxarPattern('/')).toThrow(/whole archive/);
  });

  it('reads the refusals it can act on: no --pattern in a 3.2 client, a missing key, a target that exists', () => {
    const read = (name: string) => {
      const f = fixture('pbs', name);
      return value(parsePbsFileRestore('proxmox-backup-client restore')(f.stdout, f.stderr, f.exitCode));
    };
    expect(read('restore-pattern-3.2')).toMatchObject({ done: false, refusal: 'no-pattern-option' });
    expect(read('restore-missing-key')).toMatchObject({ done: false, refusal: 'key-missing' });
    expect(read('restore-target-exists')).toMatchObject({ done: false, refusal: 'target-exists' });
    expect(value(parsePbsFileRestore('x')('', '', 0))).toEqual({ done: true });
    const auth = fixture('pbs', 'snapshot-list-auth-failed');
    expect(parsePbsFileRestore('x')(auth.stdout, auth.stderr, auth.exitCode)).toMatchObject({ ok: false, error: { kind: 'auth' } });
  });

  it('knows which client has --pattern', () => {
    for (const [name, pattern] of [['version-3.2', false], ['version-4.0-text', true]] as const) {
      const f = fixture('pbs', name);
      const v = value(parsePbsClientVersion(f.stdout, f.stderr, f.exitCode));
      expect(pbsClientFeatures(v).restorePattern).toBe(pattern);
    }
  });
});

describe('proxmox-file-restore', () => {
  const list = (name: string, dir: string) => {
    const f = fixture('pbs', name);
    return parseFileRestoreList(dir)(f.stdout, f.stderr, f.exitCode);
  };

  it('lists archives, pxar directories and VM images, paths decoded from base64', () => {
    expect(value(list('file-restore-list-archives', '/')).entries).toEqual([{ path: '/root.pxar.didx', name: 'root.pxar.didx', kind: 'dir', sizeBytes: 1610612736 }]);
    expect(value(list('file-restore-list-vm-archives', '/')).entries.map((e) => [e.path, e.kind])).toEqual([
      ['/drive-scsi0.img.fidx', 'image'],
      ['/drive-scsi1.img.fidx', 'image'],
    ]);
    const etc = value(list('file-restore-list-pxar-dir', '/root.pxar.didx/etc'));
    expect(etc.entries[0]).toEqual({ path: '/root.pxar.didx/etc/hosts', name: 'hosts', kind: 'file', sizeBytes: 186, mtimeMs: 1706666410000 });
    expect(value(list('file-restore-list-vm-partitions', '/drive-scsi0.img.fidx/part')).entries.map((e) => e.path)).toEqual(['/drive-scsi0.img.fidx/part/1', '/drive-scsi0.img.fidx/part/2']);
    expect(value(list('file-restore-list-vm-dir', '/drive-scsi0.img.fidx/part/2/etc')).entries[0]!.path).toBe('/drive-scsi0.img.fidx/part/2/etc/hostname');
  });

  it('reads an error printed on stdout with exit 0 as a failure', () => {
    expect(list('file-restore-list-timeout', '/drive-scsi0.img.fidx')).toMatchObject({ ok: false, error: { kind: 'command-failed', message: expect.stringContaining('list not finished in time (code 503)') } });
    expect(list('file-restore-list-not-found', '/root.pxar.didx/etc/nope')).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(list('file-restore-list-no-password', '/drive-scsi0.img.fidx')).toMatchObject({ ok: false, error: { message: expect.stringContaining('PBS_PASSWORD has to be set') } });
  });

  it('passes paths as base64 and reads the secret into PBS_PASSWORD itself (the QEMU helper needs it)', () => {
    const c = fileRestoreListCommand(access, { snapshot: 'vm/100/2024-01-31T02:00:01Z', path: '/drive-scsi0.img.fidx/part/2/etc', timeoutSec: 25 });
    expect(c.argv).toEqual([
      'proxmox-file-restore', 'list', 'vm/100/2024-01-31T02:00:01Z', Buffer.from('/drive-scsi0.img.fidx/part/2/etc').toString('base64'), '--base64',
      '--repository', 'strata@pbs!ro@pbs1:usb', '--output-format', 'json', '--timeout', '25',
    ]);
    expect(c.env).toEqual({ PBS_FINGERPRINT: 'aa:bb' });
    expect(c.secretsFrom).toEqual({ PBS_PASSWORD: { file: '/root/.strata-pbs-token' } });
    const x = fileRestoreExtractCommand({ ...access, password: { value: 's3cret' } }, { snapshot: 'ct/102/2024-01-31T02:00:05Z', path: '/root.pxar.didx/etc/hosts', target: '/restore/x' });
    expect(x.argv.slice(0, 5)).toEqual(['proxmox-file-restore', 'extract', 'ct/102/2024-01-31T02:00:05Z', Buffer.from('/root.pxar.didx/etc/hosts').toString('base64'), '/restore/x']);
    expect(x.secrets).toEqual({ PBS_PASSWORD: 's3cret' });
    expect(x.argv.join(' ')).not.toContain('s3cret');
  });
});
