/**
 * `proxmox-file-restore list|extract SNAP PATH [TARGET] [--base64]` over
 * the lab's PBS snapshots: pxar archives and VM images (`/part/<n>/...`),
 * the first VM access slow (the restore VM boots). With
 * `--output-format json` a failed list prints `{"message","code"}` on
 * STDOUT and exits 0, as the real tool does.
 */
import type { ToolContext } from '../shell/types.js';
import { resolvePath } from '../state/fs.js';
import { snapshotByPath } from '../state/pbs.js';
import { isArgError, last, parseArgs, type OptionSpec } from './args.js';
import { connect } from './pbs-client.js';
import { extractInto, fileRestoreTree, listTreeDir } from './pbs-files.js';

const COMMON = { repository: 'value', ns: 'value', keyfile: 'value', 'crypt-mode': 'value', base64: 'flag', timeout: 'value', 'output-format': 'value' } as const;
const SPECS: Record<string, OptionSpec> = { list: { long: COMMON }, extract: { long: { ...COMMON, minimal: 'flag', format: 'value' } } };

export async function proxmoxFileRestore(ctx: ToolContext): Promise<number> {
  const sub = ctx.argv[1];
  const spec = sub === undefined ? undefined : SPECS[sub];
  if (!spec) {
    ctx.err(`Error: ${sub === undefined ? 'no command specified' : `no such command '${sub}'`}\n`);
    return 255;
  }
  const args = parseArgs(ctx.argv.slice(2), spec);
  if (isArgError(args)) {
    ctx.err(`Error: parameter verification failed\n\n${args.option.replace(/^-+/, '')}: schema does not allow additional properties.\n`);
    return 255;
  }
  const json = last(args, 'output-format') === 'json';
  const failWith = (message: string, code: number): number => {
    if (json && sub === 'list') {
      ctx.out(`${JSON.stringify({ message, code })}\n`);
      return 0;
    }
    ctx.err(`Error: ${message}\n`);
    return 255;
  };
  const [snapText, rawPath, target] = args.positionals;
  if (snapText === undefined || rawPath === undefined) return failWith('parameter verification failed - snapshot and path are required', 400);
  const path = args.values.base64 !== undefined ? Buffer.from(rawPath, 'base64').toString('utf8') : rawPath;
  const conn = await connect(ctx, last(args, 'repository'));
  if (typeof conn === 'string') return failWith(conn, 500);
  const snap = snapshotByPath(conn.ds, snapText);
  if (!snap) return failWith(`unable to find snapshot '${snapText}'`, 404);
  const tree = fileRestoreTree(snap);
  // The restore VM boots on the first access to an image.
  if (/\.img\.fidx/.test(path)) await ctx.pace(1500);
  else await ctx.pace(80);
  if (sub === 'list') {
    const entries = listTreeDir(tree, path);
    if (!entries) return failWith(`path '${path}' not found`, 404);
    const rows = entries.map((e) => ({
      filepath: Buffer.from(e.path, 'utf8').toString('base64'),
      text: e.path.slice(e.path.lastIndexOf('/') + 1),
      type: e.type,
      leaf: e.type === 'f',
      ...(e.size !== undefined ? { size: e.size } : {}),
      ...(e.mtime !== undefined ? { mtime: Math.floor(e.mtime) } : {}),
    }));
    if (json) ctx.out(`${JSON.stringify(rows)}\n`);
    else for (const r of rows) ctx.out(`${r.type} ${Buffer.from(r.filepath, 'base64').toString('utf8')}\n`);
    return 0;
  }
  if (target === undefined) return failWith('parameter verification failed - target is required', 400);
  if (!extractInto(ctx, tree, path, resolvePath(ctx.cwd, target))) return failWith(`path '${path}' not found`, 404);
  return 0;
}
