/**
 * The one place where a Command becomes shell text, and where that text is read
 * back (the simulated lab answers exactly what a real POSIX sh would run).
 *
 * Two forms exist:
 * - the exec line (`execLine`): one SSH exec request per command. Secrets are
 *   read by the remote shell from the first lines of the channel's stdin, so
 *   they never appear in an argument list (the exec line itself is the argument
 *   of the remote login shell and shows in `ps`).
 * - the worker script (`workerScript`): a long-lived `sh` reads one script per
 *   command from the channel's stdin, which saves sshd's ~100 ms session start
 *   per command. The script runs the command in its own session (setsid) in the
 *   background, reports its PID on stderr so it can be killed, waits, and ends
 *   both streams with a marker line carrying the exit code. The script text is
 *   never an argument of any process, so secrets may be embedded as quoted
 *   literals there.
 */
import { assertValidCommand, type Command, type SecretSource } from './command.js';

const SAFE_WORD = /^[A-Za-z0-9_/.,:@%+-]+$/;

/** Quotes one string as a single POSIX shell word, byte for byte. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (SAFE_WORD.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Human-readable form for logs and the journal: secrets show only their names. */
export function describeCommand(cmd: Command): string {
  const parts: string[] = [];
  if (cmd.cwd) parts.push(`(cd ${shellQuote(cmd.cwd)})`);
  for (const [k, v] of Object.entries(cmd.env ?? {})) parts.push(`${k}=${shellQuote(v)}`);
  for (const k of Object.keys(cmd.secrets ?? {})) parts.push(`${k}=<secret>`);
  for (const [k, src] of Object.entries(cmd.secretsFrom ?? {})) {
    parts.push(`${k}=<secret from ${'file' in src ? `file ${shellQuote(src.file)}` : `command ${shellQuote(src.command)}`}>`);
  }
  parts.push(...cmd.argv.map(shellQuote));
  return parts.join(' ');
}

/** A fresh random marker; program output cannot contain it by accident. */
export function newNonce(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `__strata_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export const markers = (nonce: string) => ({
  /** `<nonce>:P<pid>` on stderr: the PID (and process group) to signal on cancel. */
  pid: `${nonce}:P`,
  /** `<nonce>:E<code>` ends stdout and stderr of a worker command. */
  end: `${nonce}:E`,
  /** `<nonce>:READY` on stdout: the worker shell has started. */
  ready: `${nonce}:READY`,
  /** `<nonce>:NOSETSID` on stdout before READY: the host has no setsid, so a command's PID is no process group. */
  noSetsid: `${nonce}:NOSETSID`,
});

/**
 * `NAME=$(cat -- FILE) || exit 1; export NAME`: the value goes from the host's
 * file (or command) into the variable only, trailing newlines dropped as
 * command substitution does. A secret that cannot be read stops the command
 * with exit 1 and the reader's own error, rather than running it without.
 */
function secretFromStatements(cmd: Command): string[] {
  return Object.entries(cmd.secretsFrom ?? {}).flatMap(([name, src]) => {
    const sub = 'file' in src ? `cat -- ${shellQuote(src.file)}` : `sh -c ${shellQuote(src.command)}`;
    return [`${name}=$(${sub}) || exit 1`, `export ${name}`];
  });
}

function execTail(cmd: Command, setsidVar: boolean): string {
  const env = Object.entries(cmd.env ?? {});
  const words = ['exec'];
  if (setsidVar) words.push('$__SS');
  if (env.length > 0) words.push('env', '--', ...env.map(([k, v]) => shellQuote(`${k}=${v}`)));
  words.push(...cmd.argv.map(shellQuote));
  const cd = cmd.cwd !== undefined ? `cd -- ${shellQuote(cmd.cwd)} || exit 1; ` : '';
  return cd + words.join(' ');
}

export interface ExecLine {
  /** The text of the SSH exec request. */
  readonly line: string;
  /** Bytes to send on stdin before the command's own stdin (the secrets, one per line). */
  readonly stdinPrefix: string;
}

/**
 * The exec-request form. With a nonce, the shell first reports its PID (which
 * `exec` hands to the program) on stderr as `<nonce>:P<pid>`.
 */
export function execLine(cmd: Command, nonce?: string): ExecLine {
  assertValidCommand(cmd);
  const statements: string[] = [];
  const secrets = Object.entries(cmd.secrets ?? {});
  secrets.forEach(([name], i) => {
    statements.push(`IFS= read -r __S_${i}`, `export ${name}="$__S_${i}"`);
  });
  if (secrets.length > 0) statements.push(`unset ${secrets.map((_, i) => `__S_${i}`).join(' ')}`);
  if (nonce) statements.push(`printf '%s\\n' ${markers(nonce).pid}"$$" >&2`);
  statements.push(...secretFromStatements(cmd), execTail(cmd, false));
  return { line: statements.join('; '), stdinPrefix: secrets.map(([, v]) => `${v}\n`).join('') };
}

/**
 * The first script a worker shell receives: finds setsid and says it is ready.
 * Without setsid it says so first (a `<nonce>:NOSETSID` line), so a cancel
 * signals the command's PID rather than a process group that does not exist.
 */
export function workerHello(nonce: string): string {
  const m = markers(nonce);
  return `if command -v setsid >/dev/null 2>&1; then __SS='setsid -w'; else __SS=; printf '%s\\n' ${m.noSetsid}; fi; printf '%s\\n' ${m.ready}\n`;
}

/** One command for a worker shell. The command's stdin is /dev/null. */
export function workerScript(cmd: Command, nonce: string): string {
  assertValidCommand(cmd);
  if (cmd.stdin !== undefined) throw new TypeError('a worker script cannot carry stdin; use an exec line');
  const m = markers(nonce);
  const secrets = Object.entries(cmd.secrets ?? {});
  const lines: string[] = secrets.map(([, v], i) => `__S_${i}=${shellQuote(v)}`);
  const inner = [
    ...secrets.map(([name], i) => `export ${name}="$__S_${i}"`),
    ...secretFromStatements(cmd),
    execTail(cmd, true),
  ];
  lines.push(`( ${inner.join('; ')} ) </dev/null &`);
  const unset = secrets.length > 0 ? `unset ${secrets.map((_, i) => `__S_${i}`).join(' ')}; ` : '';
  lines.push(
    `__P=$!; ${unset}printf '%s\\n' ${m.pid}"$__P" >&2; wait "$__P"; __C=$?; ` +
      `printf '%s\\n' ${m.end}"$__C" >&2; printf '%s\\n' ${m.end}"$__C"`,
  );
  return `${lines.join('\n')}\n`;
}

/** The shell line that starts a worker. */
export const WORKER_SHELL_LINE = 'exec sh';

// ---------------------------------------------------------------------------
// Reading the text back (used by the simulated lab, and by tests).

type Token = { t: 'word'; v: string; raw: string } | { t: 'op'; v: string };

/**
 * Splits shell text into words and operators with POSIX quoting rules
 * (single quotes, double quotes, backslash). `$NAME`, `$$`, `$!`, `$?` are kept
 * verbatim in `raw` and in `v` (no expansion): callers match them by shape.
 */
export function tokenize(text: string): Token[] | { error: string } {
  const out: Token[] = [];
  let i = 0;
  let word: string | null = null;
  let raw = '';
  const flush = () => {
    if (word !== null) out.push({ t: 'word', v: word, raw });
    word = null;
    raw = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") {
      const j = text.indexOf("'", i + 1);
      if (j < 0) return { error: 'unterminated single quote' };
      word = (word ?? '') + text.slice(i + 1, j);
      raw += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      let v = '';
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length && '$`"\\\n'.includes(text[j + 1]!)) {
          v += text[j + 1];
          j++;
        } else v += text[j];
      }
      if (j >= text.length) return { error: 'unterminated double quote' };
      word = (word ?? '') + v;
      raw += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '$' && text[i + 1] === '(') {
      const j = matchingParen(text, i + 1);
      if (j < 0) return { error: 'unterminated $(' };
      word = (word ?? '') + text.slice(i, j + 1);
      raw += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 < text.length && text[i + 1] !== '\n') {
        word = (word ?? '') + text[i + 1];
        raw += text.slice(i, i + 2);
      }
      i += 2;
    } else if (c === ' ' || c === '\t') {
      flush();
      i++;
    } else if (c === '\n' || c === ';' || c === '(' || c === ')') {
      flush();
      out.push({ t: 'op', v: c });
      i++;
    } else if (c === '&' || c === '|' || c === '<' || c === '>') {
      flush();
      const two = text.slice(i, i + 2);
      if (two === '&&' || two === '||' || two === '>&') {
        out.push({ t: 'op', v: two });
        i += 2;
      } else {
        out.push({ t: 'op', v: c });
        i++;
      }
    } else {
      word = (word ?? '') + c;
      raw += c;
      i++;
    }
  }
  flush();
  return out;
}

/** Index of the `)` closing the `(` at `open`, skipping quoted text; -1 if none. */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      i = text.indexOf("'", i + 1);
      if (i < 0) return -1;
    } else if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Reads `NAME=$(cat -- FILE)` / `NAME=$(sh -c CMD)` followed by `export NAME`. */
function parseSecretFrom(
  stmts: { toks: Token[]; end: string }[],
  k: number,
): { name: string; src: SecretSource } | null {
  const a = stmts[k]?.toks;
  const b = stmts[k + 1]?.toks;
  if (a?.[0]?.t !== 'word' || b?.length !== 2) return null;
  if (a.length !== 1 && vals(a.slice(1)).join(' ') !== '|| exit 1') return null;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=\$\(([\s\S]*)\)$/.exec(a[0].raw);
  if (!m || vals(b).join(' ') !== `export ${m[1]}`) return null;
  const inner = splitWords(m[2]!);
  if ('error' in inner) return null;
  if (inner.length === 3 && inner[0] === 'cat' && inner[1] === '--') return { name: m[1]!, src: { file: inner[2]! } };
  if (inner.length === 3 && inner[0] === 'sh' && inner[1] === '-c') return { name: m[1]!, src: { command: inner[2]! } };
  return null;
}

/** Splits a line into plain words; fails on any operator (`;`, `|`, ...). */
export function splitWords(line: string): string[] | { error: string } {
  const toks = tokenize(line);
  if ('error' in toks) return toks;
  const words: string[] = [];
  for (const t of toks) {
    if (t.t === 'op') return { error: `unexpected ${JSON.stringify(t.v)}` };
    words.push(t.v);
  }
  return words;
}

/** Splits tokens into statements at `;`, `&` and newlines, keeping the separator. */
function statements(toks: Token[]): { toks: Token[]; end: string }[] {
  const out: { toks: Token[]; end: string }[] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (const t of toks) {
    if (t.t === 'op' && t.v === '(') depth++;
    if (t.t === 'op' && t.v === ')') depth--;
    if (depth === 0 && t.t === 'op' && (t.v === ';' || t.v === '\n' || t.v === '&')) {
      if (cur.length > 0 || t.v === '&') out.push({ toks: cur, end: t.v });
      cur = [];
    } else cur.push(t);
  }
  if (cur.length > 0) out.push({ toks: cur, end: '' });
  return out;
}

const words = (toks: Token[]) => toks.every((t) => t.t === 'word');
const vals = (toks: Token[]) => toks.map((t) => (t.t === 'word' ? t.v : t.v));

export interface ParsedExec {
  readonly cmd: Command;
  /** Names of secrets the shell reads from stdin, in order. */
  readonly secretNames: readonly string[];
  /** Set when the line reports its PID. */
  readonly nonce?: string;
}

/** Parses `[cd -- DIR || exit 1;] exec [$__SS] [env -- K=V...] ARGV...` statements. */
function parseTail(stmts: { toks: Token[]; end: string }[]): { cmd: Omit<Command, 'secrets'> } | { error: string } {
  let cwd: string | undefined;
  let k = 0;
  const secretsFrom: Record<string, SecretSource> = {};
  for (let sf = parseSecretFrom(stmts, k); sf; sf = parseSecretFrom(stmts, k)) {
    secretsFrom[sf.name] = sf.src;
    k += 2;
  }
  const first = stmts[k];
  if (first && first.toks[0]?.t === 'word' && first.toks[0].v === 'cd') {
    const v = vals(first.toks);
    if (v.length !== 6 || v[1] !== '--' || v[3] !== '||' || v[4] !== 'exit') return { error: 'bad cd statement' };
    cwd = v[2];
    k++;
  }
  const ex = stmts[k];
  if (!ex || k !== stmts.length - 1 || !words(ex.toks)) return { error: 'expected one exec statement' };
  const w = ex.toks as Extract<Token, { t: 'word' }>[];
  if (w[0]?.v !== 'exec') return { error: `expected exec, got ${w[0]?.v ?? 'nothing'}` };
  let j = 1;
  if (w[j]?.raw === '$__SS') j++;
  const env: Record<string, string> = {};
  let hasEnv = false;
  if (w[j]?.v === 'env' && w[j + 1]?.v === '--') {
    j += 2;
    while (j < w.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[j]!.v)) {
      const eq = w[j]!.v.indexOf('=');
      env[w[j]!.v.slice(0, eq)] = w[j]!.v.slice(eq + 1);
      hasEnv = true;
      j++;
    }
  }
  const argv = w.slice(j).map((t) => t.v);
  if (argv.length === 0) return { error: 'no program' };
  return {
    cmd: {
      argv,
      ...(hasEnv ? { env } : {}),
      ...(Object.keys(secretsFrom).length > 0 ? { secretsFrom } : {}),
      ...(cwd !== undefined ? { cwd } : {}),
    },
  };
}

/** Reads back an exec line made by `execLine` (or a bare `exec ARGV`). */
export function parseExecLine(line: string): ParsedExec | { error: string } {
  const toks = tokenize(line);
  if ('error' in toks) return toks;
  const stmts = statements(toks);
  const secretNames: string[] = [];
  let nonce: string | undefined;
  let k = 0;
  while (k < stmts.length) {
    const v = vals(stmts[k]!.toks);
    if (v[0] === 'IFS=' && v[1] === 'read') {
      const exp = vals(stmts[k + 1]?.toks ?? []);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(exp[1] ?? '');
      if (exp[0] !== 'export' || !m) return { error: 'secret read without export' };
      secretNames.push(m[1]!);
      k += 2;
    } else if (v[0] === 'unset') k++;
    else if (v[0] === 'printf' && v[3] === '>&' && v[4] === '2') {
      nonce = (v[2] ?? '').replace(/:P\$\$$/, '');
      k++;
    } else break;
  }
  const tail = parseTail(stmts.slice(k));
  if ('error' in tail) return tail;
  return { cmd: tail.cmd, secretNames, ...(nonce ? { nonce } : {}) };
}

export type ParsedWorkerScript =
  | { kind: 'hello'; nonce: string }
  | { kind: 'command'; nonce: string; cmd: Command }
  | { kind: 'incomplete' }
  | { kind: 'error'; error: string };

/**
 * Reads back one worker script from the start of `text` (a worker's stdin
 * buffer). `consumed` is how many characters the script used.
 */
export function parseWorkerScript(text: string): (ParsedWorkerScript & { consumed: number }) {
  const hello =
    /^if command -v setsid >\/dev\/null 2>&1; then __SS='setsid -w'; else __SS=;(?: printf '%s\\n' \S+:NOSETSID;)? fi; printf '%s\\n' (\S+):READY\n/.exec(text);
  if (hello) return { kind: 'hello', nonce: hello[1]!, consumed: hello[0].length };
  // A command script ends with the line that prints the end marker on stdout.
  const trailer = /printf '%s\\n' (\S+):E"\$__C"\n/g;
  let m: RegExpExecArray | null;
  while ((m = trailer.exec(text))) {
    const nonce = m[1]!;
    const body = text.slice(0, m.index + m[0].length);
    // The marker must end the script, not sit inside a quoted argument.
    if (!body.includes(`printf '%s\\n' ${nonce}:E"$__C" >&2; printf`)) continue;
    const parsed = parseWorkerBody(body, nonce);
    if ('error' in parsed) {
      // Could be a marker-shaped string inside a quoted argument: look further.
      continue;
    }
    return { kind: 'command', nonce, cmd: parsed.cmd, consumed: body.length };
  }
  if (text.length > 0 && !text.startsWith('__S_') && !text.startsWith('( ') && !text.startsWith('if ')) {
    return { kind: 'error', error: `unexpected worker input: ${text.slice(0, 60)}`, consumed: text.length };
  }
  return { kind: 'incomplete', consumed: 0 };
}

function parseWorkerBody(body: string, _nonce: string): { cmd: Command } | { error: string } {
  const toks = tokenize(body);
  if ('error' in toks) return toks;
  const stmts = statements(toks);
  const assigned = new Map<string, string>();
  let k = 0;
  for (; k < stmts.length; k++) {
    const t = stmts[k]!.toks;
    const w = t[0];
    if (t.length !== 1 || w?.t !== 'word' || !/^__S_\d+=/.test(w.v)) break;
    const eq = w.v.indexOf('=');
    assigned.set(w.v.slice(0, eq), w.v.slice(eq + 1));
  }
  const sub = stmts[k];
  if (!sub || sub.end !== '&') return { error: 'expected a background subshell' };
  const st = sub.toks;
  // ( inner ) < /dev/null
  if (st[0]?.t !== 'op' || st[0].v !== '(') return { error: 'expected (' };
  const close = st.findIndex((t) => t.t === 'op' && t.v === ')');
  const redir = vals(st.slice(close + 1));
  if (close < 0 || redir.join(' ') !== '< /dev/null') return { error: 'expected ) </dev/null' };
  const inner = statements(st.slice(1, close));
  const secrets: Record<string, string> = {};
  let j = 0;
  for (; j < inner.length; j++) {
    const v = inner[j]!.toks;
    if (v[0]?.t !== 'word' || v[0].v !== 'export') break;
    const a = v[1];
    const m = a?.t === 'word' ? /^([A-Za-z_][A-Za-z0-9_]*)=\$(__S_\d+)$/.exec(a.raw.replace(/"/g, '')) : null;
    if (!m || !assigned.has(m[2]!)) return { error: 'bad secret export' };
    secrets[m[1]!] = assigned.get(m[2]!)!;
  }
  const tail = parseTail(inner.slice(j));
  if ('error' in tail) return tail;
  return { cmd: { ...tail.cmd, ...(Object.keys(secrets).length > 0 ? { secrets } : {}) } };
}
