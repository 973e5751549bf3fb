/**
 * A chained guest's files inside a copy of a datastore: the copy's source
 * that holds the guest's directory, then its newest backup (the greatest
 * RFC 3339 name), listed through the file-restore engine.
 */
import { describe, expect, it } from 'vitest';
import type { FileEntry } from '../../../src/adapters/shared/file-tree.js';
import { carriedGuestFiles } from '../../../src/services/dr/carried-files.js';
import type { FileRestoreEngine } from '../../../src/services/restore/files-api.js';

const dir = (path: string): FileEntry => ({ path, name: path.slice(path.lastIndexOf('/') + 1), kind: 'dir' });
const file = (path: string, sizeBytes: number): FileEntry => ({ path, name: path.slice(path.lastIndexOf('/') + 1), kind: 'file', sizeBytes });

function engine(listing: Record<string, FileEntry[]>, layers: string[] = ['restic-cloud']) {
  const asked: string[] = [];
  const e: Pick<FileRestoreEngine, 'sources' | 'browse'> = {
    sources: async (q) => {
      asked.push(`sources ${'path' in q ? q.path : ''}`);
      return { sources: layers.map((layerId) => ({ id: `${layerId}@snap`, layerId })) } as unknown as Awaited<ReturnType<FileRestoreEngine['sources']>>;
    },
    browse: async (sourceId, d) => {
      asked.push(`browse ${sourceId} ${d}`);
      return { sourceId, dir: d, entries: listing[d] ?? [], truncated: false };
    },
  };
  return { e, asked };
}

describe('the files of a guest inside a copy of a datastore', () => {
  const g = '/mnt/usb/pbs/vm/111';
  const listing = {
    [g]: [dir(`${g}/2026-12-01T02:00:00Z`), dir(`${g}/2026-12-02T02:00:00Z`), file(`${g}/owner`, 9)],
    [`${g}/2026-12-02T02:00:00Z`]: [file(`${g}/2026-12-02T02:00:00Z/drive-scsi0.img.fidx`, 4096 + 128_000 * 32)],
  };

  it('lists the newest backup of the guest from the copy\'s own source', async () => {
    const { e, asked } = engine(listing, ['restic-usb', 'restic-cloud']);
    const files = await carriedGuestFiles(e, { layerId: 'restic-cloud', carrier: 'files/docker1:/mnt/usb/pbs', guestDir: 'vm/111', timeoutMs: 5_000 });
    expect(files!.map((f) => f.name)).toEqual(['drive-scsi0.img.fidx']);
    expect(asked).toEqual(['sources docker1:/mnt/usb/pbs/vm/111', `browse restic-cloud@snap ${g}`, `browse restic-cloud@snap ${g}/2026-12-02T02:00:00Z`]);
  });

  it('null when the copy holds no source for it, or the guest has no backup there, or the carrier is not a host path', async () => {
    expect(await carriedGuestFiles(engine(listing, ['restic-usb']).e, { layerId: 'restic-cloud', carrier: 'files/docker1:/mnt/usb/pbs', guestDir: 'vm/111', timeoutMs: 5_000 })).toBeNull();
    expect(await carriedGuestFiles(engine({}).e, { layerId: 'restic-cloud', carrier: 'files/docker1:/mnt/usb/pbs', guestDir: 'vm/111', timeoutMs: 5_000 })).toBeNull();
    expect(await carriedGuestFiles(engine(listing).e, { layerId: 'restic-cloud', carrier: 'not a path', guestDir: 'vm/111', timeoutMs: 5_000 })).toBeNull();
  });
});
