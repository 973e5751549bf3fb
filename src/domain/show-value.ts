/**
 * Values from a file, shown back to a person in one short line. A wrong value
 * can be megabytes long, nested thousands deep, or hold newlines and terminal
 * escapes; a problem report must still be one readable line per problem.
 * Nothing here recurses or throws, whatever the value.
 */

/** How much of a value a message shows before it is cut. */
export const SHOWN_CHARS = 60;

/** Characters that must not reach a terminal as they are: they move the cursor, end a line or reorder text. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/;

const escapeChar = (c: string): string => {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
};

const count = (n: number) => n.toLocaleString('en-US');

/**
 * `text` as one line of at most about `max` characters: control and
 * line-breaking characters escaped, the rest cut with an ellipsis and the
 * full length. For whole messages; values inside them go through showValue.
 */
export function oneLine(text: string, max: number): string {
  let out = '';
  let i = 0;
  for (; i < text.length && out.length < max; i++) {
    const c = text[i]!;
    out += UNSAFE.test(c) || isLoneSurrogate(text, i) ? escapeChar(c) : c;
  }
  return i < text.length ? `${out}… (${count(text.length)} characters)` : out;
}

/** A string as a JSON literal of at most about `max` characters, escaped as oneLine does. */
function quoted(s: string, max: number): { text: string; cut: boolean } {
  let out = '"';
  let i = 0;
  for (; i < s.length && out.length <= max; i++) {
    const c = s[i]!;
    if (c === '"' || c === '\\') out += `\\${c}`;
    else out += UNSAFE.test(c) || isLoneSurrogate(s, i) ? escapeChar(c) : c;
  }
  const cut = i < s.length;
  return { text: `${out}${cut ? '…' : ''}"`, cut };
}

function isLoneSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    return !(next >= 0xdc00 && next <= 0xdfff);
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const prev = s.charCodeAt(i - 1);
    return !(prev >= 0xd800 && prev <= 0xdbff);
  }
  return false;
}

function scalar(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : `${v} (a number too large for JSON)`;
  if (typeof v === 'boolean' || v === null) return String(v);
  return `(${typeof v})`;
}

/**
 * A value as JSON, cut to about `max` characters: `"aaaa…" (5,000,000
 * characters)`, `[[[[[…` (a list of 1)`. Containers are walked with a
 * stack of their own and only as far as the text reaches.
 */
export function showValue(v: unknown, max: number = SHOWN_CHARS): string {
  if (typeof v === 'string') {
    const q = quoted(v, max);
    return q.cut ? `${q.text} (${count(v.length)} characters)` : q.text;
  }
  if (typeof v !== 'object' || v === null) return scalar(v);

  type Frame = { close: string; next: () => [key: string | null, value: unknown] | null; first: boolean };
  const frameOf = (x: object): Frame => {
    if (Array.isArray(x)) {
      let i = 0;
      return { close: ']', first: true, next: () => (i < x.length ? [null, x[i++]] : null) };
    }
    // for-in reads keys one at a time, so an object of a million keys costs only what is shown.
    const keys = (function* () {
      for (const k in x) if (Object.hasOwn(x, k)) yield k;
    })();
    return {
      close: '}',
      first: true,
      next: () => {
        const k = keys.next();
        return k.done ? null : [k.value, (x as Record<string, unknown>)[k.value]];
      },
    };
  };

  let out = '';
  let cut = false;
  const stack: Frame[] = [];
  const open = (x: unknown) => {
    if (typeof x === 'string') {
      const q = quoted(x, Math.max(8, max - out.length));
      out += q.text;
      cut ||= q.cut;
    } else if (typeof x === 'object' && x !== null) {
      out += Array.isArray(x) ? '[' : '{';
      stack.push(frameOf(x));
    } else out += x === undefined ? 'null' : scalar(x);
  };
  open(v);
  while (stack.length > 0) {
    if (out.length > max) {
      cut = true;
      out += '…';
      break;
    }
    const top = stack.at(-1)!;
    const item = top.next();
    if (item === null) {
      out += top.close;
      stack.pop();
      continue;
    }
    if (!top.first) out += ', ';
    top.first = false;
    if (item[0] !== null) out += `${quoted(item[0], Math.max(8, max - out.length)).text}: `;
    open(item[1]);
  }
  if (!cut) return out;
  return `${out} (${Array.isArray(v) ? `a list of ${count(v.length)}` : 'an object'})`;
}
