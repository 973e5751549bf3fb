/** Objects in the lab's S3 buckets. */
import { createHash } from 'node:crypto';
import type { SimFile } from './types.js';

/**
 * The MD5 an object gets when rclone uploads a file: computed from what the
 * lab knows of the file, so a re-upload of an unchanged file matches and
 * `rclone check` finds no difference.
 */
export function md5Object(relPath: string, f: Pick<SimFile, 'size' | 'mtime' | 'content'>): string {
  return createHash('md5').update(`${relPath}:${f.size}:${Math.floor(f.mtime)}:${f.content ?? ''}`).digest('hex');
}
