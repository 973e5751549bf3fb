/**
 * `chmod` and `stat -c` of GNU coreutils, with their own error texts: the
 * config.db swap (copied by file-copy.ts's cp) is made 0600 and checked.
 */
import type { ToolContext } from '../shell/types.js';
import { getFile, resolvePath } from '../state/fs.js';

export async function chmod(ctx: ToolContext): Promise<number> {
  const [mode, ...files] = ctx.argv.slice(1);
  if (mode === undefined || files.length === 0) {
    ctx.err(mode === undefined ? "chmod: missing operand\nTry 'chmod --help' for more information.\n" : `chmod: missing operand after '${mode}'\nTry 'chmod --help' for more information.\n`);
    return 1;
  }
  if (!/^[0-7]{1,4}$/.test(mode)) {
    ctx.err(`chmod: invalid mode: '${mode}'\nTry 'chmod --help' for more information.\n`);
    return 1;
  }
  let code = 0;
  for (const f of files) {
    const path = resolvePath(ctx.cwd, f);
    const file = getFile(ctx.host.fs, path);
    if (!file) {
      ctx.err(`chmod: cannot access '${f}': No such file or directory\n`);
      code = 1;
      continue;
    }
    file.mode = parseInt(mode, 8) & 0o7777;
  }
  return code;
}

export async function stat(ctx: ToolContext): Promise<number> {
  const args = ctx.argv.slice(1);
  let format: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c' || a === '--format') format = args[++i];
    else if (a.startsWith('--format=')) format = a.slice(9);
    else files.push(a);
  }
  if (format === undefined || files.length === 0) {
    ctx.err("stat: missing operand\nTry 'stat --help' for more information.\n");
    return 1;
  }
  let code = 0;
  for (const f of files) {
    const path = resolvePath(ctx.cwd, f);
    const file = getFile(ctx.host.fs, path);
    if (!file) {
      ctx.err(`stat: cannot statx '${f}': No such file or directory\n`);
      code = 1;
      continue;
    }
    const mode = file.mode ?? 0o644;
    ctx.out(
      `${format.replace(/%([asnYU])/g, (_, c: string) =>
        c === 'a' ? mode.toString(8) : c === 's' ? String(file.size) : c === 'n' ? f : c === 'Y' ? String(Math.floor(file.mtime)) : 'root',
      )}\n`,
    );
  }
  return code;
}
