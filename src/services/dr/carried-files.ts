/**
 * The files of a guest's newest backup inside a copy of a PBS datastore (a
 * restic or rclone copy of its directory), read through the file-restore
 * engine as any browse is: the copy's newest point that holds the guest's
 * directory, then its newest backup's directory. What the DR plan sizes a
 * chained guest by while the datastore itself is gone.
 */
import { parseFileTarget, type FileRestoreEngine } from '../restore/files-api.js';

export async function carriedGuestFiles(
  engine: Pick<FileRestoreEngine, 'sources' | 'browse'>,
  o: { readonly layerId: string; readonly carrier: string; readonly guestDir: string; readonly timeoutMs: number },
): Promise<readonly { readonly name: string; readonly sizeBytes?: number }[] | null> {
  const at = parseFileTarget(o.carrier);
  if (!at) return null;
  const dir = `${at.path}/${o.guestDir}`;
  const signal = AbortSignal.timeout(o.timeoutMs);
  const list = await engine.sources({ path: `${at.host}:${dir}` });
  const source = list.sources.find((s) => s.layerId === o.layerId);
  if (!source) return null;
  // A group's backups are named by their RFC 3339 time: the greatest name is the newest.
  const backups = (await engine.browse(source.id, dir, { signal })).entries.filter((e) => e.kind === 'dir').map((e) => e.name).sort();
  const newest = backups.at(-1);
  if (newest === undefined) return null;
  return (await engine.browse(source.id, `${dir}/${newest}`, { signal })).entries;
}
