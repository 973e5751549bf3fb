/**
 * One way to replace a file whole: write a temporary file beside it, give it
 * its mode, rename it over the old one. A crash or a kill leaves the old file
 * or the new one, never half of one; a failed write (a full disk) removes the
 * temporary file, which would only take the room the next write needs.
 */
import { chmod, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let sequence = 0;

/**
 * Replaces `path` with `text`. The temporary name starts with a dot and ends
 * in `.tmp`, so a reader globbing the directory (node_exporter's `*.prom`,
 * the saved thaws' `*.json`) never takes it for a finished file.
 */
export async function replaceFile(path: string, text: string, mode: number): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++sequence}.tmp`);
  try {
    await writeFile(tmp, text, { mode });
    // The umask may have taken bits the mode asks for (a textfile read by another user).
    await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
