/**
 * The metrics as a file for node_exporter's textfile collector, written
 * atomically: to a temporary name in the same directory, then renamed over
 * the old one. node_exporter reads only `*.prom`, so it never sees a half
 * written page; a failed write leaves the previous file and no temporary one.
 */
import { replaceFile } from '../atomic-file.js';
import { join } from 'node:path';

export const TEXTFILE_NAME = 'strata.prom';

/** Writes `text` as DIR/strata.prom; returns the path. */
export async function writeTextfile(dir: string, text: string, name = TEXTFILE_NAME): Promise<string> {
  const path = join(dir, name);
  // Readable by node_exporter, another user.
  await replaceFile(path, text, 0o644);
  return path;
}
