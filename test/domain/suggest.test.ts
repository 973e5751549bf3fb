import { describe, expect, it } from 'vitest';
import { editDistanceWithin, suggest, SUGGEST_MAX_CANDIDATES } from '../../src/domain/suggest.js';

describe('suggest', () => {
  it('offers the closest name within two edits', () => {
    expect(suggest('reop', ['rpo', 'repository'])).toBe('rpo');
    expect(suggest('pbs2', ['pve1', 'pbs1'])).toBe('pbs1');
    expect(suggest('kind', ['rpo'])).toBeUndefined();
  });

  it('never offers the refused word itself, though another spelling of it may be offered', () => {
    expect(suggest('env', ['env'])).toBeUndefined();
    expect(suggest('env', ['env', 'envs'])).toBe('envs');
    expect(suggest('Env', ['env'])).toBe('env');
  });

  it('answers at once for a word of megabytes and for tens of thousands of candidates, comparing only the first few hundred', () => {
    const started = performance.now();
    expect(suggest('x'.repeat(4_000_000), ['x', 'xx'])).toBeUndefined();
    const hosts = Array.from({ length: 25_000 }, (_, i) => `host-${i}`);
    for (let i = 0; i < 25_000; i += 100) suggest(`hots-${i}`, hosts);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(suggest('host-1x', hosts)).toBe('host-1');
    // Past the cap a name is not compared: no suggestion, rather than a scan of every host.
    const late = [...hosts.slice(0, SUGGEST_MAX_CANDIDATES), 'zulu'];
    expect(suggest('zulux', late)).toBeUndefined();
    expect(suggest('zulux', late.slice(1))).toBe('zulu');
  });

  it('computes the edit distance within its band exactly', () => {
    const full = (a: string, b: string) => {
      const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
      for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      return d[a.length]![b.length]!;
    };
    const words = ['', 'a', 'ab', 'ba', 'abc', 'acb', 'bca', 'aabbc', 'kitten', 'sitting', 'rpo', 'reop', 'repository'];
    for (const a of words) for (const b of words) for (const limit of [0, 1, 2, 3]) expect(editDistanceWithin(a, b, limit)).toBe(Math.min(full(a, b), limit + 1));
  });
});
