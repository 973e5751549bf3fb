/**
 * The ordinary programs every host has: what probes need (`hostname`,
 * `date +%s`, `date +%z`), what cancellation needs (`kill`), and what config
 * backups need (`tar -czf`, `mv`, `find ... -printf`). Messages follow GNU
 * coreutils, findutils, tar and procps.
 */
import { posix } from 'node:path';
import { runShellText } from '../shell/mini-shell.js';
import { printfText } from '../shell/printf-format.js';
import type { SignalName, Tool, ToolContext } from '../shell/types.js';
import { dateDefault, strftime, zoneFor } from '../state/clock.js';
import { getFile, globToRegExp, isDir, mkdirs, resolvePath, walk, writeFile, writeText } from '../state/fs.js';
import { readFs } from '../state/zfs-files.js';

export const hostname: Tool = async (ctx) => {
  const extra = ctx.argv.slice(1).filter((a) => !/^-[sfA]$|^--(short|fqdn)$/.test(a));
  if (extra.length > 0) {
    ctx.err('hostname: you must be root to change the host name\n');
    return 1;
  }
  ctx.out(`${ctx.host.hostname}\n`);
  return 0;
};

export const date: Tool = async (ctx) => {
  let utc = false;
  let when = ctx.now();
  let format: string | undefined;
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-u' || a === '--utc' || a === '--universal') utc = true;
    else if (a === '-d' || a.startsWith('--date=') || a.startsWith('-d')) {
      const v = a === '-d' ? args[++i] : a.startsWith('--date=') ? a.slice(7) : a.slice(2);
      const m = /^@(-?\d+(?:\.\d+)?)$/.exec(v ?? '');
      if (!m) {
        ctx.err(`date: invalid date '${v ?? ''}'\n`);
        return 1;
      }
      when = Number(m[1]);
    } else if (a === '-R' || a === '--rfc-email') format = '%a, %d %b %Y %H:%M:%S %z';
    else if (a === '-Iseconds' || a === '--iso-8601=seconds') format = '%Y-%m-%dT%H:%M:%S%:z';
    else if (a === '-I' || a === '--iso-8601') format = '%Y-%m-%d';
    else if (a.startsWith('+')) {
      if (format !== undefined) {
        ctx.err(`date: multiple output formats specified\n`);
        return 1;
      }
      format = a.slice(1);
    } else if (a.startsWith('-')) {
      ctx.err(`date: invalid option -- '${a.replace(/^-+/, '')}'\nTry 'date --help' for more information.\n`);
      return 1;
    } else {
      ctx.err(`date: invalid date '${a}'\n`);
      return 1;
    }
  }
  const tz = utc ? 'UTC' : zoneFor(ctx.env, ctx.host);
  ctx.out(`${format === undefined ? dateDefault(when, tz) : strftime(format, when, tz)}\n`);
  return 0;
};

const SIGNALS: Record<string, SignalName> = {
  TERM: 'TERM', SIGTERM: 'TERM', '15': 'TERM',
  KILL: 'KILL', SIGKILL: 'KILL', '9': 'KILL',
  INT: 'INT', SIGINT: 'INT', '2': 'INT',
  HUP: 'HUP', SIGHUP: 'HUP', '1': 'HUP',
};

/** procps kill: `kill [-SIG|-s SIG] [--] PID|-PGID...`. */
export const kill: Tool = async (ctx) => {
  let sig: SignalName = 'TERM';
  const targets: string[] = [];
  const args = ctx.argv.slice(1);
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-s' || a === '--signal') {
      const s = SIGNALS[(args[++i] ?? '').toUpperCase()];
      if (!s) {
        ctx.err(`kill: unknown signal: ${args[i] ?? ''}\n`);
        return 1;
      }
      sig = s;
    } else if (/^-[A-Za-z0-9]+$/.test(a) && targets.length === 0) {
      const s = SIGNALS[a.slice(1).toUpperCase()];
      if (!s) {
        ctx.err(`kill: unknown signal: ${a.slice(1)}\n`);
        return 1;
      }
      sig = s;
    } else targets.push(a);
  }
  targets.push(...args.slice(i));
  if (targets.length === 0) {
    ctx.err('\nUsage:\n kill [options] <pid> [...]\n');
    return 1;
  }
  let code = 0;
  for (const t of targets) {
    if (!/^-?\d+$/.test(t)) {
      ctx.err(`kill: failed to parse argument: '${t}'\n`);
      code = 1;
      continue;
    }
    if (!ctx.lab.signal(ctx.host.name, Number(t), sig)) {
      ctx.err(`kill: (${t}): No such process\n`);
      code = 1;
    }
  }
  return code;
};

export const sleepTool: Tool = async (ctx) => {
  const arg = ctx.argv[1];
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(arg ?? '');
  if (!m) {
    ctx.err(arg === undefined ? "sleep: missing operand\nTry 'sleep --help' for more information.\n" : `sleep: invalid time interval '${arg}'\nTry 'sleep --help' for more information.\n`);
    return 1;
  }
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  await ctx.sleep(Number(m[1]) * unit * 1000);
  return 0;
};

export const echo: Tool = async (ctx) => {
  let args = ctx.argv.slice(1);
  let newline = true;
  if (args[0] === '-n') {
    newline = false;
    args = args.slice(1);
  }
  ctx.out(args.join(' ') + (newline ? '\n' : ''));
  return 0;
};

export const printf: Tool = async (ctx) => {
  const [fmt, ...args] = ctx.argv.slice(1);
  if (fmt === undefined) {
    ctx.err('printf: missing operand\n');
    return 1;
  }
  ctx.out(printfText(fmt, args));
  return 0;
};

export const cat: Tool = async (ctx) => {
  const files = ctx.argv.slice(1).filter((a) => a !== '--');
  if (files.length === 0) {
    ctx.out(await ctx.stdin());
    return 0;
  }
  let code = 0;
  for (const f of files) {
    const path = resolvePath(ctx.cwd, f);
    const fs = readFs(ctx.host, path);
    const file = getFile(fs, path);
    if (!file) {
      ctx.err(`cat: ${f}: ${isDir(fs, path) ? 'Is a directory' : 'No such file or directory'}\n`);
      code = 1;
      continue;
    }
    ctx.out(file.content ?? '\u0000'.repeat(Math.min(file.size, 64)));
  }
  return code;
};

export const head: Tool = async (ctx) => {
  let n = 10;
  let zero = false;
  const files: string[] = [];
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-z' || a === '--zero-terminated') zero = true;
    else if (a === '-n') n = Number(args[++i]);
    else if (/^-n\d+$/.test(a)) n = Number(a.slice(2));
    else if (/^-\d+$/.test(a)) n = Number(a.slice(1));
    else files.push(a);
  }
  const text =
    files.length === 0 ? await ctx.stdin() : (getFile(ctx.host.fs, resolvePath(ctx.cwd, files[0]!))?.content ?? '');
  const sep = zero ? '\0' : '\n';
  const lines = text.split(sep);
  const kept = lines.slice(0, n);
  ctx.out(kept.join(sep) + (lines.length > n ? sep : ''));
  return 0;
};

export const trueTool: Tool = async () => 0;
export const falseTool: Tool = async () => 1;

export const mv: Tool = async (ctx) => {
  const args = ctx.argv.slice(1).filter((a) => !/^-[fvn]+$/.test(a) && a !== '--');
  if (args.length < 2) {
    ctx.err(`mv: missing destination file operand after '${args[0] ?? ''}'\nTry 'mv --help' for more information.\n`);
    return 1;
  }
  const [src, dst] = [resolvePath(ctx.cwd, args[0]!), resolvePath(ctx.cwd, args[1]!)];
  const file = getFile(ctx.host.fs, src);
  if (!file) {
    ctx.err(`mv: cannot stat '${args[0]}': No such file or directory\n`);
    return 1;
  }
  const target = isDir(ctx.host.fs, dst) ? posix.join(dst, posix.basename(src)) : dst;
  if (!isDir(ctx.host.fs, posix.dirname(target))) {
    ctx.err(`mv: cannot move '${args[0]}' to '${args[1]}': No such file or directory\n`);
    return 1;
  }
  delete ctx.host.fs.files[src];
  writeFile(ctx.host.fs, target, file);
  return 0;
};

export const rm: Tool = async (ctx) => {
  let force = false;
  let recursive = false;
  const paths: string[] = [];
  for (const a of ctx.argv.slice(1)) {
    if (/^-[rRfv]+$/.test(a)) {
      force ||= a.includes('f');
      recursive ||= /[rR]/.test(a);
    } else if (a !== '--') paths.push(a);
  }
  let code = 0;
  for (const p of paths) {
    const path = resolvePath(ctx.cwd, p);
    if (getFile(ctx.host.fs, path)) delete ctx.host.fs.files[path];
    else if (isDir(ctx.host.fs, path)) {
      if (!recursive) {
        ctx.err(`rm: cannot remove '${p}': Is a directory\n`);
        code = 1;
        continue;
      }
      for (const f of Object.keys(ctx.host.fs.files)) if (f.startsWith(`${path}/`)) delete ctx.host.fs.files[f];
      ctx.host.fs.dirs = ctx.host.fs.dirs.filter((d) => d !== path && !d.startsWith(`${path}/`));
    } else if (!force) {
      ctx.err(`rm: cannot remove '${p}': No such file or directory\n`);
      code = 1;
    }
  }
  return code;
};

export const mkdir: Tool = async (ctx) => {
  const parents = ctx.argv.includes('-p');
  let code = 0;
  for (const p of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) {
    const path = resolvePath(ctx.cwd, p);
    if (isDir(ctx.host.fs, path) || getFile(ctx.host.fs, path)) {
      if (!parents) {
        ctx.err(`mkdir: cannot create directory ‘${p}’: File exists\n`);
        code = 1;
      }
      continue;
    }
    if (!parents && !isDir(ctx.host.fs, posix.dirname(path))) {
      ctx.err(`mkdir: cannot create directory ‘${p}’: No such file or directory\n`);
      code = 1;
      continue;
    }
    mkdirs(ctx.host.fs, path);
  }
  return code;
};

/** GNU tar: create (`-czf ARCHIVE [-C DIR] PATH...`), list (`-tzf`), extract (`-xzf [-C DIR]`). */
export const tar: Tool = async (ctx) => {
  const args = [...ctx.argv.slice(1)];
  let mode: 'c' | 't' | 'x' | undefined;
  let archive: string | undefined;
  let dir = ctx.cwd;
  const paths: string[] = [];
  const takeFlags = (flags: string, next: () => string | undefined): string | undefined => {
    for (let j = 0; j < flags.length; j++) {
      const f = flags[j]!;
      if (f === 'c' || f === 't' || f === 'x') mode = f;
      else if (f === 'f') {
        const rest = flags.slice(j + 1);
        archive = rest || next();
        return undefined;
      } else if (f === 'C') {
        const rest = flags.slice(j + 1);
        dir = resolvePath(ctx.cwd, rest || next() || '.');
        return undefined;
      } else if (!'zvpP'.includes(f)) return f;
    }
    return undefined;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = () => args[++i];
    let bad: string | undefined;
    if (a === '--') {
      paths.push(...args.slice(i + 1));
      break;
    }
    if (a === '--create') mode = 'c';
    else if (a === '--list') mode = 't';
    else if (a === '--extract') mode = 'x';
    else if (a === '--gzip' || a === '--verbose') continue;
    else if (a.startsWith('--file=')) archive = a.slice(7);
    else if (a.startsWith('--directory=')) dir = resolvePath(ctx.cwd, a.slice(12));
    else if (a.startsWith('-') && !a.startsWith('--')) bad = takeFlags(a.slice(1), next);
    else if (i === 0 && /^[ctxzvfC]+$/.test(a)) bad = takeFlags(a, next);
    else if (a.startsWith('--')) {
      ctx.err(`tar: unrecognized option '${a}'\nTry 'tar --help' or 'tar --usage' for more information.\n`);
      return 2;
    } else paths.push(a);
    if (bad) {
      ctx.err(`tar: invalid option -- '${bad}'\nTry 'tar --help' or 'tar --usage' for more information.\n`);
      return 2;
    }
  }
  if (!mode) {
    ctx.err("tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.\n");
    return 2;
  }
  if (!archive) {
    ctx.err('tar: Refusing to write archive contents to terminal (missing -f option?)\ntar: Error is not recoverable: exiting now\n');
    return 2;
  }
  const archivePath = resolvePath(ctx.cwd, archive);
  if (mode === 'c') {
    if (paths.length === 0) {
      ctx.err('tar: Cowardly refusing to create an empty archive\nTry \'tar --help\' or \'tar --usage\' for more information.\n');
      return 2;
    }
    const members: string[] = [];
    let bytes = 0;
    let failed = false;
    if (paths.some((p) => p.startsWith('/'))) ctx.err("tar: Removing leading `/' from member names\n");
    for (const p of paths) {
      const abs = resolvePath(dir, p);
      const entries = getFile(ctx.host.fs, abs) || isDir(ctx.host.fs, abs) ? walk(ctx.host.fs, abs) : [];
      if (entries.length === 0) {
        ctx.err(`tar: ${p}: Cannot stat: No such file or directory\n`);
        failed = true;
        continue;
      }
      for (const e of entries) {
        members.push(e.path.replace(/^\//, '') + (e.type === 'd' ? '/' : ''));
        bytes += e.file?.size ?? 0;
      }
    }
    if (!isDir(ctx.host.fs, posix.dirname(archivePath))) {
      ctx.err(`tar (child): ${archive}: Cannot open: No such file or directory\ntar (child): Error is not recoverable: exiting now\n`);
      return 2;
    }
    writeFile(ctx.host.fs, archivePath, {
      size: Math.max(128, Math.round(bytes / 6) + members.length * 64),
      mtime: ctx.now(),
      members,
    });
    if (failed) {
      ctx.err('tar: Exiting with failure status due to previous errors\n');
      return 2;
    }
    return 0;
  }
  const file = getFile(ctx.host.fs, archivePath);
  if (!file) {
    ctx.err(`tar (child): ${archive}: Cannot open: No such file or directory\ntar (child): Error is not recoverable: exiting now\ntar: Child returned status 2\ntar: Error is not recoverable: exiting now\n`);
    return 2;
  }
  if (!file.members) {
    ctx.err('gzip: stdin: not in gzip format\ntar: Child returned status 1\ntar: Error is not recoverable: exiting now\n');
    return 2;
  }
  if (mode === 't') ctx.out(file.members.map((m) => `${m}\n`).join(''));
  else for (const m of file.members) if (m.endsWith('/')) mkdirs(ctx.host.fs, resolvePath(dir, m));
  return 0;
};

/** GNU find with the predicates config backups use. */
export const find: Tool = async (ctx) => {
  // -H/-L/-P (how to treat symbolic links) come before the start points; the lab has no links.
  const args = ctx.argv.slice(1).filter((a, k, all) => !(/^-[HLP]$/.test(a) && all.slice(0, k).every((b) => /^-[HLP]$/.test(b))));
  const roots: string[] = [];
  let i = 0;
  while (i < args.length && !args[i]!.startsWith('-')) roots.push(args[i++]!);
  if (roots.length === 0) roots.push('.');
  let maxdepth = Infinity;
  let mindepth = 0;
  let type: string | undefined;
  let name: RegExp | undefined;
  let printf: string | undefined;
  for (; i < args.length; i++) {
    const a = args[i]!;
    const v = args[i + 1];
    const need = () => {
      if (v === undefined) throw new Error(`find: missing argument to \`${a}'`);
      i++;
      return v;
    };
    try {
      if (a === '-maxdepth') maxdepth = Number(need());
      else if (a === '-mindepth') mindepth = Number(need());
      else if (a === '-type') type = need();
      else if (a === '-name') name = globToRegExp(need());
      else if (a === '-printf') printf = need();
      else if (a === '-print') printf = '%p\n';
      else {
        ctx.err(`find: unknown predicate \`${a}'\n`);
        return 1;
      }
    } catch (e) {
      ctx.err(`${(e as Error).message}\n`);
      return 1;
    }
  }
  let code = 0;
  for (const root of roots) {
    const abs = resolvePath(ctx.cwd, root);
    const fs = readFs(ctx.host, abs);
    if (!getFile(fs, abs) && !isDir(fs, abs)) {
      ctx.err(`find: '${root}': No such file or directory\n`);
      code = 1;
      continue;
    }
    for (const e of getFile(fs, abs) ? [{ path: abs, type: 'f' as const, depth: 0, file: getFile(fs, abs) }] : walk(fs, abs)) {
      if (e.depth > maxdepth || e.depth < mindepth) continue;
      if (type && e.type !== type) continue;
      if (name && !name.test(posix.basename(e.path))) continue;
      const shown = root === abs ? e.path : posix.join(root, posix.relative(abs, e.path)) || root;
      ctx.out(printf === undefined ? `${shown}\n` : findPrintf(printf, { path: shown, relative: posix.relative(abs, e.path), type: e.type, size: e.file?.size ?? 4096, mtime: e.file?.mtime ?? ctx.now() }));
    }
  }
  return code;
};

function findPrintf(format: string, e: { path: string; relative: string; type: 'f' | 'd'; size: number; mtime: number }): string {
  const { path, size, mtime } = e;
  return format.replace(/%(T@|[psfyP%])|\\([nt\\0])/g, (_m, d: string | undefined, esc: string | undefined) => {
    if (esc !== undefined) return ({ n: '\n', t: '\t', '\\': '\\', '0': '\0' } as Record<string, string>)[esc]!;
    switch (d) {
      case 'p':
        return path;
      case 'P':
        return e.relative;
      case 'y':
        return e.type;
      case 'f':
        return posix.basename(path);
      case 's':
        return String(size);
      case 'T@': {
        const whole = Math.floor(mtime);
        const frac = Math.round((mtime - whole) * 1e9);
        return `${whole}.${String(frac).padStart(9, '0')}0`;
      }
      default:
        return '%';
    }
  });
}

/** `sh -c TEXT` (dash) or `bash -c TEXT`, or a script on stdin, through the lab's small shell. */
function shellTool(name: 'sh' | 'bash'): Tool {
  return async (ctx) => {
    const args = ctx.argv.slice(1);
    const host = shellHost(ctx, name);
    if (args[0] === '-c') {
      if (args[1] === undefined) {
        ctx.err(name === 'sh' ? 'sh: 0: -c requires an argument\n' : 'bash: -c: option requires an argument\n');
        return 2;
      }
      return runShellText(args[1], { ...host, positional: args.length > 2 ? args.slice(2) : [name] }, ctx.stdin);
    }
    if (args.length === 0 || args[0] === '-s') return runShellText(await ctx.stdin(), host);
    ctx.err(name === 'sh' ? `sh: 0: cannot open ${args[0]}: No such file\n` : `bash: ${args[0]}: No such file or directory\n`);
    return name === 'sh' ? 2 : 127;
  };
}

export const sh = shellTool('sh');
export const bash = shellTool('bash');

function shellHost(ctx: ToolContext, launcher: 'sh' | 'bash') {
  return {
    env: ctx.env,
    cwd: ctx.cwd,
    out: ctx.out,
    err: ctx.err,
    writeFile: (p: string, content: string, mode: number) => writeText(ctx.host, resolvePath(ctx.cwd, p), content, mode),
    run: async (spec: Parameters<ToolContext['run']>[0], stream: boolean) => {
      const res = await ctx.run({ ...spec, launcher });
      if (stream) {
        ctx.out(res.stdout);
        ctx.err(res.stderr);
        return { code: res.code, stdout: '', stderr: '' };
      }
      return res;
    },
  };
}

/** `pass show NAME` / `pass NAME` of password-store: the entry's text (stored decrypted here). */
export const pass: Tool = async (ctx) => {
  const args = ctx.argv.slice(1).filter((a) => a !== '--');
  const name = args[0] === 'show' ? args[1] : args[0];
  if (name === undefined || name.startsWith('-')) {
    ctx.err('Usage: pass show [--clip[=line-number],-c[line-number]] [--qrcode[=line-number],-q[line-number]] pass-name\n');
    return 1;
  }
  const f = getFile(ctx.host.fs, `/root/.password-store/${name}.gpg`);
  if (!f) {
    ctx.err(`Error: ${name} is not in the password store.\n`);
    return 1;
  }
  ctx.out(f.content ?? '');
  return 0;
};
