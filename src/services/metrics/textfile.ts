/**
 * The metrics as a file for node_exporter's textfile collector, written
 * atomically: to a temporary name in the same directory, then renamed over
 * the old one. node_exporter reads only `*.prom`, so it never sees a half
 * written page; a failed write leaves the previous file and no temporary one.
 */
import { chmod, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const TEXTFILE_NAME = 'strata.prom';

/** Writes `text` as DIR/strata.prom; returns the path. */
export async function writeTextfile(dir: string, text: string, name = TEXTFILE_NAME): Promise<string> {
  const path = join(dir, name);
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text, { mode: 0o644 });
    // The umask may have taken the read bit node_exporter (another user) needs.
    await chmod(tmp, 0o644);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  return path;
}
