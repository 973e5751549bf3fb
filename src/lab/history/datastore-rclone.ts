/**
 * The lab variant whose off-site copy of pbs1's datastore directory is an
 * rclone copy in S3 DEEP_ARCHIVE instead of restic-cloud's snapshots: docker1
 * (which mounts the datastore) copies /mnt/usb/pbs daily to
 * `pbsdeep:strata-pbs/usb`, its remote in root's rclone.conf with the keys in
 * the file. The bucket holds the directory as of the last copy (the same
 * layout restic's copy holds, pbs-layout.ts), each object frozen until a thaw;
 * the bucket answers only to those keys.
 */
import { SECRETS } from '../homelab/topology.js';
import { md5Object } from '../state/cloud.js';
import { writeFile } from '../state/fs.js';
import type { CloudObject, FileSet, HostState } from '../state/types.js';
import type { HistoryContext } from './context.js';

/** Which layer carries pbs1's datastore directory off-site. */
export type DatastoreCopy = 'restic' | 'rclone-cold';

export const PBS_COPY_REMOTE = { name: 'pbsdeep', bucket: 'strata-pbs', prefix: 'usb', storageClass: 'DEEP_ARCHIVE' } as const;

/** The bucket after the copies at `times`: the directory as the last one found it. */
export function generateDatastoreRcloneCopy(h: HistoryContext, host: HostState, directory: string, times: readonly number[], filesAt: (t: number) => FileSet): void {
  const r = PBS_COPY_REMOTE;
  const last = times.at(-1);
  const objects: Record<string, CloudObject> = {};
  if (last !== undefined) {
    for (const [path, f] of Object.entries(filesAt(last))) {
      const rel = path.slice(directory.length + 1);
      objects[`${r.prefix}/${rel}`] = { size: f.size, modTime: f.mtime, tier: r.storageClass, md5: md5Object(rel, f), ...(f.content !== undefined ? { content: f.content } : {}) };
    }
  }
  h.state.cloud.buckets[r.bucket] = objects;
  h.state.cloud.bucketKeys = { ...(h.state.cloud.bucketKeys ?? {}), [r.bucket]: { accessKeyId: SECRETS.s3KeyId, secretAccessKey: SECRETS.s3Secret } };
  host.rcloneRemotes = { ...(host.rcloneRemotes ?? {}), [r.name]: { type: 's3', provider: 'AWS', storageClass: r.storageClass } };
  const conf = `[${r.name}]\ntype = s3\nprovider = AWS\naccess_key_id = ${SECRETS.s3KeyId}\nsecret_access_key = ${SECRETS.s3Secret}\nregion = eu-central-1\nstorage_class = ${r.storageClass}\n`;
  writeFile(host.fs, '/root/.config/rclone/rclone.conf', { size: conf.length, mtime: h.start - 200 * 86_400, content: conf, mode: 0o600 });
}
