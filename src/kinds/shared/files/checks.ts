/**
 * The checks after a file or dataset restore, judged from what reads the
 * data back: a `find` listing of what landed (files and bytes as the
 * source's listing said, each expected path with its size), and `rclone
 * check --download`, which reads every file on both sides.
 */
import { parseFindListing } from '../../../adapters/files/parse.js';
import { DEFAULT_TREE_LIMIT } from '../../../adapters/files/commands.js';
import { rcloneCheckFold } from '../../../adapters/rclone/sync.js';
import type { CheckOutput } from '../../action-types.js';
import type { CheckVerdict } from '../guest/checks.js';
import { formatBytes } from '../words.js';

type FilesMatch = Extract<CheckOutput, { readonly kind: 'files-match' }>;

export function judgeFilesMatch(o: FilesMatch, stdout: string, stderr: string, exitCode: number): CheckVerdict {
  const r = parseFindListing(o.root, DEFAULT_TREE_LIMIT)(stdout, stderr, exitCode);
  if (!r.ok) return { state: 'failed', detail: r.error.kind === 'not-found' ? `${o.root} is not there: nothing was restored` : `${o.root} could not be read: ${r.error.message}` };
  const files = r.value.entries.filter((e) => e.kind === 'file');
  const bytes = files.reduce((n, e) => n + e.sizeBytes, 0);
  const have = new Map(files.map((e) => [e.relative, e.sizeBytes]));
  const wrong: string[] = [];
  for (const [path, size] of Object.entries(o.expect ?? {})) {
    const got = have.get(path.replace(/^\/+/, ''));
    if (got === undefined) wrong.push(`${path} missing`);
    else if (got !== size) wrong.push(`${path} is ${got} bytes, not ${size}`);
  }
  const counts = `${files.length} file${files.length === 1 ? '' : 's'}, ${formatBytes(bytes)}`;
  if (o.files === undefined || o.bytes === undefined) {
    if (wrong.length > 0) return { state: 'failed', detail: `${wrong.length} restored file${wrong.length === 1 ? '' : 's'} under ${o.root} differ from the source's listing: ${wrong.slice(0, 3).join('; ')}` };
    const n = Object.keys(o.expect ?? {}).length;
    return { state: 'passed', detail: n > 0 ? `${n} restored file${n === 1 ? '' : 's'} read back under ${o.root} with the sizes of the source's listing` : `${counts} read back under ${o.root} (not compared: ${o.unknownWhy ?? 'the source gave no listing'})` };
  }
  if (wrong.length > 0) return { state: 'failed', detail: `${counts} read back under ${o.root}; ${wrong.length} differ from the source's listing: ${wrong.slice(0, 3).join('; ')}` };
  if (files.length < o.files || bytes !== o.bytes) {
    return { state: 'failed', detail: `${counts} read back under ${o.root}; the source's listing has ${o.files} files, ${formatBytes(o.bytes)}` };
  }
  return { state: 'passed', detail: `${counts} read back under ${o.root}, as the source's listing says` };
}

export function judgeRcloneCheckBack(stdout: string, stderr: string, exitCode: number): CheckVerdict {
  const fold = rcloneCheckFold();
  for (const l of stdout.split('\n')) if (l !== '') fold.line('stdout', l);
  for (const l of stderr.split('\n')) if (l !== '') fold.line('stderr', l);
  const r = fold.finish(exitCode);
  if (!r.ok) return { state: 'failed', detail: `rclone check: ${r.error.message}` };
  const c = r.value;
  if (!c.clean) return { state: 'failed', detail: `rclone check --download: ${c.differ} differ, ${c.missingOnRemote + c.missingOnSource} missing, ${c.errors} unreadable${c.examples.length > 0 ? ` (${c.examples.slice(0, 3).join(', ')})` : ''}` };
  return { state: 'passed', detail: `rclone check --download: ${c.same} file${c.same === 1 ? '' : 's'} read on both sides and identical` };
}
