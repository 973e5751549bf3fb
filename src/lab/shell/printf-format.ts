/**
 * printf's formatting (`%s`, `%d`, `%b`, `%%` and backslash escapes), shared
 * by the printf program and the shell's builtin printf (dash has one, so a
 * secret printed by it is never a process's argument).
 */

function unescape(s: string): string {
  return s.replace(/\\(0[0-7]{0,3}|[ntr\\abfv])/g, (_m, c: string) => {
    if (c.startsWith('0')) return String.fromCharCode(parseInt(c, 8) || 0);
    return ({ n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' } as Record<string, string>)[c] ?? c;
  });
}

/** The text `printf FORMAT ARGS...` prints: the format is reused while arguments remain. */
export function printfText(fmt: string, args: readonly string[]): string {
  let out = '';
  let k = 0;
  do {
    let used = false;
    out += unescape(fmt).replace(/%([sdb%])/g, (_m, c: string) => {
      if (c === '%') return '%';
      used = true;
      const v = args[k++] ?? '';
      if (c === 'd') return String(Number.parseInt(v, 10) || 0);
      if (c === 'b') return unescape(v);
      return v;
    });
    if (!used) break;
  } while (k < args.length);
  return out;
}
