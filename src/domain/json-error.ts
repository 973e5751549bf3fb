/**
 * Where a JSON text first goes wrong, as line and column. JSON.parse names a
 * position for some errors only ("Unexpected token '}', ... is not valid
 * JSON" has none), so a small scanner finds the offset itself.
 */

export interface JsonErrorLocation {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Null when `text` is valid JSON. */
export function locateJsonError(text: string): JsonErrorLocation | null {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    const found = firstErrorOffset(text);
    const offset = found?.offset ?? text.length;
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    const fallback = e instanceof Error ? e.message.replace(/\s*in JSON at position \d+.*$/s, '') : String(e);
    return { line, column, message: found?.message ?? fallback };
  }
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

function firstErrorOffset(text: string): { offset: number; message: string } | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (message: string): never => {
    throw new Stop(i, i >= text.length ? `${message}, but the text ends` : `${message}, found ${JSON.stringify(text[i])}`);
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail('expected a value');
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail('control character in a string');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('expected four hex digits after \\u');
          i += 5;
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail('unknown escape in a string');
      }
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
  };
  const number = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail('expected a value');
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a "quoted" property name');
        string();
        ws();
        if (text[i] !== ':') fail('expected ":" after a property name');
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === '}') fail('expected a property after ","');
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === ']') fail('expected a value after ","');
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    number();
  };
  try {
    value();
    ws();
    if (i < text.length) fail('expected the end of the text');
    return null;
  } catch (e) {
    // A stack overflow on absurd nesting leaves JSON.parse's own words.
    return e instanceof Stop ? { offset: e.offset, message: e.message } : null;
  }
}
