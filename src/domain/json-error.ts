/**
 * A JSON text read once before it is parsed: where it first goes wrong (as
 * line and column; JSON.parse names a position for some errors only), and
 * whether it stays within the limits of the file it claims to be: how deep
 * it nests, how many entries a list or object holds, no key given twice.
 * The scan keeps its own stack, so no nesting can exhaust the call stack,
 * and it stops at the first limit, before anything builds a value.
 */

export interface JsonErrorLocation {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface JsonLimits {
  /** Lists and objects inside one another, the outermost counting 1. */
  readonly maxDepth: number;
  readonly maxListItems: number;
  readonly maxObjectKeys: number;
}

/** A path into the value, as formatJsonPath takes it: keys and list indexes. */
export type JsonPath = readonly (string | number)[];

export type JsonTextCheck =
  | { readonly ok: true; readonly repeatedKeys: readonly JsonPath[] }
  | ({ readonly ok: false; readonly kind: 'syntax' } & JsonErrorLocation)
  | ({ readonly ok: false; readonly kind: 'limit'; readonly path: JsonPath } & JsonErrorLocation);

const NO_LIMITS: JsonLimits = { maxDepth: Infinity, maxListItems: Infinity, maxObjectKeys: Infinity };

/** Null when `text` is valid JSON. */
export function locateJsonError(text: string): JsonErrorLocation | null {
  const r = checkJsonText(text, NO_LIMITS);
  if (r.ok) return null;
  return { line: r.line, column: r.column, message: r.message };
}

interface Frame {
  readonly list: boolean;
  /** The current entry: its index in a list, its key in an object (null before the first key). */
  at: string | number | null;
  entries: number;
  /** Keys of an object seen so far. */
  readonly keys: Set<string> | null;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
    readonly path: JsonPath | null,
  ) {}
}

// eslint-disable-next-line no-control-regex -- a raw control character ends a JSON string as an error
const STRING_END = /["\\\u0000-\u001f]/g;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function checkJsonText(text: string, limits: JsonLimits): JsonTextCheck {
  const stack: Frame[] = [];
  const repeatedKeys: JsonPath[] = [];
  let i = 0;
  const pathOf = (frames: readonly Frame[]): (string | number)[] => frames.flatMap((f) => (f.at === null ? [] : [f.at]));
  const fail = (message: string): never => {
    throw new Stop(i, i >= text.length ? `${message}, but the text ends` : `${message}, found ${JSON.stringify(text[i])}`, null);
  };
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else return;
    }
  };
  /** Reads a string from its opening quote; returns its value when asked to (keys only: values can be megabytes). */
  const string = (decode: boolean): string => {
    const start = i + 1;
    let escaped = false;
    i = start;
    for (;;) {
      STRING_END.lastIndex = i;
      const m = STRING_END.exec(text);
      if (m === null) {
        i = text.length;
        fail('unterminated string');
      }
      i = m!.index;
      const c = text[i];
      if (c === '"') break;
      if (c !== '\\') fail('control character in a string');
      escaped = true;
      i++;
      if (text[i] === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('expected four hex digits after \\u');
        i += 5;
      } else if (i < text.length && '"\\/bfnrt'.includes(text[i]!)) i++;
      else fail('unknown escape in a string');
    }
    const raw = decode ? text.slice(start, i) : '';
    i++;
    return escaped && decode ? (JSON.parse(`"${raw}"`) as string) : raw;
  };
  /** Reads one scalar, or opens a list or object (its entries are read by the loop below). */
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (stack.length + 1 > limits.maxDepth) throw new Stop(i, `nested more than ${limits.maxDepth} levels deep`, pathOf(stack));
      i++;
      stack.push({ list: c === '[', at: null, entries: 0, keys: c === '[' ? null : new Set() });
      return;
    }
    if (c === '"') {
      string(false);
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (c === word[0]) {
        if (!text.startsWith(word, i)) fail('expected a value');
        i += word.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) fail('expected a value');
    i = NUMBER.lastIndex;
  };
  /** Starts the next entry of the innermost list or object; an object's key is read here. */
  const entry = (top: Frame) => {
    top.entries++;
    if (top.list) {
      if (top.entries > limits.maxListItems) throw new Stop(i, `a list of more than ${count(limits.maxListItems)} entries`, pathOf(stack.slice(0, -1)));
      top.at = top.entries - 1;
      return;
    }
    if (top.entries > limits.maxObjectKeys) throw new Stop(i, `an object of more than ${count(limits.maxObjectKeys)} keys`, pathOf(stack.slice(0, -1)));
    ws();
    if (text[i] !== '"') fail('expected a "quoted" property name');
    const key = string(true);
    top.at = key;
    if (top.keys!.has(key)) repeatedKeys.push(pathOf(stack));
    else top.keys!.add(key);
    ws();
    if (text[i] !== ':') fail('expected ":" after a property name');
    i++;
  };

  try {
    value();
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      const close = top.list ? ']' : '}';
      ws();
      if (top.entries === 0 && text[i] !== close) {
        entry(top);
        value();
        continue;
      }
      if (top.entries > 0 && text[i] === ',') {
        i++;
        ws();
        if (text[i] === close) fail(top.list ? 'expected a value after ","' : 'expected a property after ","');
        entry(top);
        value();
        continue;
      }
      if (text[i] === close) {
        i++;
        stack.pop();
        continue;
      }
      fail(top.list ? 'expected "," or "]"' : 'expected "," or "}"');
    }
    ws();
    if (i < text.length) fail('expected the end of the text');
    return { ok: true, repeatedKeys };
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    const before = text.slice(0, e.offset);
    const line = before.split('\n').length;
    const column = e.offset - before.lastIndexOf('\n');
    const at = { line, column, message: e.message };
    return e.path === null ? { ok: false, kind: 'syntax', ...at } : { ok: false, kind: 'limit', path: e.path, ...at };
  }
}

const count = (n: number) => n.toLocaleString('en-US');
