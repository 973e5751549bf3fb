import { describe, expect, it } from 'vitest';
import { imageBytesOfIndexes } from '../../../src/domain/dr/index-size.js';

const GiB = 2 ** 30;

describe('a guest\'s size from its PBS index files', () => {
  it('a fixed index: 32 bytes per 4 MiB chunk after a 4 KiB header, summed over the disks; blobs left out', () => {
    const disk = (bytes: number) => 4096 + (bytes / (4 * 2 ** 20)) * 32;
    expect(imageBytesOfIndexes([
      { name: 'drive-scsi0.img.fidx', sizeBytes: disk(32 * GiB) },
      { name: 'drive-scsi1.img.fidx', sizeBytes: disk(500 * GiB) },
      { name: 'qemu-server.conf.blob', sizeBytes: 900 },
      { name: 'index.json.blob', sizeBytes: 700 },
    ])).toBe(532 * GiB);
  });

  it('a dynamic index: 40 bytes per (average 4 MiB) chunk', () => {
    expect(imageBytesOfIndexes([{ name: 'root.pxar.didx', sizeBytes: 4096 + 256 * 40 }])).toBe(GiB);
  });

  it('no index among the files, or one without a size: not known', () => {
    expect(imageBytesOfIndexes([{ name: 'index.json.blob', sizeBytes: 700 }])).toBeNull();
    expect(imageBytesOfIndexes([{ name: 'drive-scsi0.img.fidx' }])).toBeNull();
    expect(imageBytesOfIndexes([])).toBeNull();
  });
});
