/**
 * How big a guest's disks are, from its PBS backup's index files alone: what
 * a copy of a datastore (restic, rclone) says of a guest while the datastore
 * itself is gone. A fixed index (`.fidx`, a VM's disk) is a 4 KiB header and
 * 32 bytes (a chunk's digest) per 4 MiB chunk of the image; a dynamic one
 * (`.didx`, a container's archive) a 4 KiB header and 40 bytes (an end
 * offset and a digest) per chunk, 4 MiB on average. Blobs (configs,
 * manifests) are small and left out.
 */
const HEADER = 4096;
const CHUNK = 4 * 2 ** 20;
const ENTRY: Readonly<Record<string, number>> = { '.fidx': 32, '.didx': 40 };

/** Bytes of the images the index files describe; null when none is among the files. */
export function imageBytesOfIndexes(files: readonly { readonly name: string; readonly sizeBytes?: number }[]): number | null {
  let total = 0;
  let found = false;
  for (const f of files) {
    const ext = Object.keys(ENTRY).find((e) => f.name.endsWith(e));
    if (!ext || f.sizeBytes === undefined || f.sizeBytes < HEADER) continue;
    found = true;
    total += Math.floor((f.sizeBytes - HEADER) / ENTRY[ext]!) * CHUNK;
  }
  return found ? total : null;
}
