/**
 * Enough of a POSIX shell for what reaches the lab outside the worker and exec
 * forms: `sh -c 'zfs send ... | zfs recv ...'`, secret commands such as
 * `pass show x | head -1`, and plain `ssh host zpool status` lines. Statements
 * (`;`, `&&`, `||`), pipelines, `>`/`2>`/`>&2` redirections, `$NAME`
 * expansion, `exit N`, and dash's builtins `printf` and `umask` (a builtin
 * starts no process: what it prints is on no argument list). Pipeline stages
 * run one after another on buffered data.
 */
import { tokenize } from '../../transport/shell-script.js';
import { printfText } from './printf-format.js';
import type { ProgramSpec, RunOutput } from './types.js';

type Token = Exclude<ReturnType<typeof tokenize>, { error: string }>[number];

export interface ShellHost {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Runs one program; with `stream`, its output goes straight to the shell's own output. */
  run(spec: ProgramSpec, stream: boolean): Promise<RunOutput>;
  out(text: string): void;
  err(text: string): void;
  /** Writes a file for `> FILE`; a file it creates gets `mode` (0666 less the umask). */
  writeFile(path: string, content: string, mode: number): void;
  /** `$0`, `$1`, ...: from `sh -c TEXT NAME ARG...`. */
  readonly positional?: readonly string[];
}

type WordToken = Extract<Token, { t: 'word' }>;

interface Stage {
  toks: WordToken[];
  /** Redirection targets, expanded when the stage runs (`> "$1"`). */
  stdoutTo?: WordToken;
  stderrTo?: WordToken;
  stdoutToStderr?: boolean;
}

interface Statement {
  stages: Stage[];
  /** How this statement is joined to the previous one. */
  join: ';' | '&&' | '||';
}

const EXPAND = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*|\d+)\}|([A-Za-z_][A-Za-z0-9_]*|\?|\d))/g;

function expand(tok: WordToken, env: Readonly<Record<string, string>>, positional: readonly string[], last: number): string {
  // Text inside single quotes is literal; anything else may hold $NAME.
  if (!tok.raw.includes('$') || /^'[^']*'$/.test(tok.raw)) return tok.v;
  return tok.v.replace(EXPAND, (_m, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    if (name === '?') return String(last);
    if (/^\d+$/.test(name)) return positional[Number(name)] ?? '';
    return env[name] ?? '';
  });
}

function parse(toks: Token[]): Statement[] | { error: string } {
  const statements: Statement[] = [];
  let join: Statement['join'] = ';';
  let stages: Stage[] = [];
  let stage: Stage = { toks: [] };
  const endStage = () => {
    if (stage.toks.length > 0) stages.push(stage);
    stage = { toks: [] };
  };
  const endStatement = (next: Statement['join']) => {
    endStage();
    if (stages.length > 0) statements.push({ stages, join });
    stages = [];
    join = next;
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.t === 'word') {
      stage.toks.push(t);
      continue;
    }
    switch (t.v) {
      case '|':
        endStage();
        break;
      case ';':
      case '\n':
        endStatement(';');
        break;
      case '&&':
      case '||':
        endStatement(t.v);
        break;
      case '>': {
        const target = toks[i + 1];
        if (target?.t !== 'word') return { error: 'Syntax error: redirection unexpected' };
        const prev = stage.toks[stage.toks.length - 1];
        if (prev && prev.raw === '2') {
          stage.toks.pop();
          stage.stderrTo = target;
        } else stage.stdoutTo = target;
        i++;
        break;
      }
      case '>&': {
        const target = toks[i + 1];
        if (target?.t === 'word' && target.v === '2') stage.stdoutToStderr = true;
        i++;
        break;
      }
      default:
        return { error: `Syntax error: "${t.v}" unexpected` };
    }
  }
  endStatement(';');
  return statements;
}

/** Runs shell text; returns the exit status of the last statement run. */
export async function runShellText(text: string, host: ShellHost, stdin: () => Promise<string> = async () => ''): Promise<number> {
  // Every command of the shell shares its standard input: the first to read it gets it all.
  let taken = false;
  const takeStdin = async () => {
    if (taken) return '';
    taken = true;
    return stdin();
  };
  const toks = tokenize(text);
  if ('error' in toks) {
    host.err(`sh: 1: Syntax error: ${toks.error}\n`);
    return 2;
  }
  const parsed = parse(toks);
  if ('error' in parsed) {
    host.err(`sh: 1: ${parsed.error}\n`);
    return 2;
  }
  let status = 0;
  let umask = 0o022;
  /** dash's builtins this shell knows; null: not a builtin, run the program. */
  const builtin = (words: readonly string[]): { code: number; stdout: string; stderr: string } | null => {
    if (words[0] === 'printf') {
      if (words[1] === undefined) return { code: 2, stdout: '', stderr: 'sh: 1: printf: usage: printf format [arg ...]\n' };
      return { code: 0, stdout: printfText(words[1], words.slice(2)), stderr: '' };
    }
    if (words[0] === 'umask') {
      if (words[1] === undefined) return { code: 0, stdout: `${umask.toString(8).padStart(4, '0')}\n`, stderr: '' };
      if (!/^[0-7]{1,4}$/.test(words[1])) return { code: 2, stdout: '', stderr: `sh: 1: umask: Illegal number: ${words[1]}\n` };
      umask = parseInt(words[1], 8) & 0o777;
      return { code: 0, stdout: '', stderr: '' };
    }
    return null;
  };
  for (const st of parsed) {
    if (st.join === '&&' && status !== 0) continue;
    if (st.join === '||' && status === 0) continue;
    let data: string | undefined;
    for (let k = 0; k < st.stages.length; k++) {
      const stage = st.stages[k]!;
      const words = stage.toks.map((w) => expand(w, host.env, host.positional ?? ['sh'], status));
      const isLast = k === st.stages.length - 1;
      if (words[0] === 'exit') return Number(words[1] ?? status) & 255;
      if (words[0] === 'true' || words[0] === ':') {
        status = 0;
        data = '';
        continue;
      }
      const input = data;
      const stdoutTo = stage.stdoutTo && expand(stage.stdoutTo, host.env, host.positional ?? ['sh'], status);
      const stderrTo = stage.stderrTo && expand(stage.stderrTo, host.env, host.positional ?? ['sh'], status);
      const inShell = builtin(words);
      const direct = isLast && !stdoutTo && !stderrTo && !stage.stdoutToStderr && inShell === null;
      const res = inShell ?? (await host.run({ argv: words, env: host.env, cwd: host.cwd, stdin: input === undefined ? takeStdin : async () => input }, direct));
      status = res.code;
      if (direct) continue;
      const mode = 0o666 & ~umask;
      const sendOut = (s: string) => {
        if (stdoutTo === '/dev/null') return;
        if (stdoutTo) host.writeFile(stdoutTo, s, mode);
        else if (stage.stdoutToStderr) host.err(s);
        else if (isLast) host.out(s);
      };
      if (stderrTo === undefined) host.err(res.stderr);
      else if (stderrTo !== '/dev/null') host.writeFile(stderrTo, res.stderr, mode);
      if (isLast || stdoutTo || stage.stdoutToStderr) sendOut(res.stdout);
      data = stdoutTo || stage.stdoutToStderr ? '' : res.stdout;
    }
  }
  return status;
}
