import { describe, expect, it } from 'vitest';
import { oneLine, showValue } from '../../src/domain/show-value.js';

describe('showValue', () => {
  it('shows short values as JSON', () => {
    expect(showValue('pve1')).toBe('"pve1"');
    expect(showValue(7)).toBe('7');
    expect(showValue(null)).toBe('null');
    expect(showValue(undefined)).toBe('nothing');
    expect(showValue([1, 'two', { k: true }])).toBe('[1, "two", {"k": true}]');
  });

  it('cuts a long string to about 60 characters with an ellipsis and its full length', () => {
    const shown = showValue('x'.repeat(5_000_000));
    expect(shown).toBe(`"${'x'.repeat(60)}…" (5,000,000 characters)`);
  });

  it('escapes newlines, terminal escapes, line separators and direction overrides, so a value stays on its line', () => {
    expect(showValue('a\nb\r\t\u001b[31m\u2028\u202e\u0085')).toBe('"a\\nb\\r\\t\\u001b[31m\\u2028\\u202e\\u0085"');
    expect(oneLine('one\ntwo\u2029three', 100)).toBe('one\\ntwo\\u2029three');
  });

  it('shows a list nested 100,000 deep and an object of 100,000 keys without walking all of it', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(showValue(deep)).toMatch(/^\[{61}… \(a list of 1\)$/);
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    expect(showValue(wide)).toMatch(/^\{"k0": 0, "k1": 1, .*… \(an object\)$/);
    expect(showValue(wide).length).toBeLessThan(100);
  });

  it('cuts a whole line and says how long it was', () => {
    expect(oneLine(`${'y'.repeat(500)}`, 100)).toBe(`${'y'.repeat(100)}… (500 characters)`);
  });
});
