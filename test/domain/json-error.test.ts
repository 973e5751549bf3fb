import { describe, expect, it } from 'vitest';
import { checkJsonText, locateJsonError } from '../../src/domain/json-error.js';

const limits = { maxDepth: 20, maxListItems: 1_000, maxObjectKeys: 10 };

describe('checkJsonText', () => {
  it('accepts what JSON.parse accepts and finds where the rest goes wrong', () => {
    for (const ok of ['1', ' "x" ', '[]', '{}', '{"a":[1,2,{"b":null}],"c":"\\u00e9\\n"}', '-0.5e+3', 'true']) expect(checkJsonText(ok, limits)).toEqual({ ok: true, repeatedKeys: [] });
    expect(locateJsonError('{"a": 1,}')).toEqual({ line: 1, column: 9, message: 'expected a property after ",", found "}"' });
    expect(locateJsonError('[1, 2')).toEqual({ line: 1, column: 6, message: 'expected "," or "]", but the text ends' });
    expect(locateJsonError('"a\nb"')).toEqual({ line: 1, column: 3, message: 'control character in a string, found "\\n"' });
    expect(locateJsonError('')).toEqual({ line: 1, column: 1, message: 'expected a value, but the text ends' });
  });

  it('stops at the depth limit with the path, before anything is parsed: a million brackets are no stack overflow', () => {
    const r = checkJsonText(`{"layers": [${'['.repeat(1_000_000)}`, limits);
    expect(r).toMatchObject({ ok: false, kind: 'limit', path: ['layers', ...Array<number>(19).fill(0)], message: 'nested more than 20 levels deep' });
    expect(locateJsonError('['.repeat(1_000_000))).toEqual({ line: 1, column: 1_000_001, message: 'expected a value, but the text ends' });
  });

  it('stops at a list or an object larger than the limit, naming it', () => {
    expect(checkJsonText(`{"hosts": [${Array(1_001).fill(0).join(',')}]}`, limits)).toMatchObject({ kind: 'limit', path: ['hosts'], message: 'a list of more than 1,000 entries' });
    const keys = Array.from({ length: 11 }, (_, i) => `"k${i}": 1`).join(',');
    expect(checkJsonText(`{"a": {${keys}}}`, limits)).toMatchObject({ kind: 'limit', path: ['a'], message: 'an object of more than 10 keys' });
  });

  it('names every key given twice in one object, which JSON.parse would silently drop', () => {
    expect(checkJsonText('{"a": 1, "b": {"c": 1, "\\u0063": 2}, "a": 3}', limits)).toEqual({ ok: true, repeatedKeys: [['b', 'c'], ['a']] });
  });
});
