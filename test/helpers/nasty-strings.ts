/** Argument strings that break naive quoting: quotes, $(), backticks, newlines, unicode, dashes, empty. */
const PIECES = [
  "'", '"', '\\', '$(', ')', '`', '$HOME', '${x}', '\n', '\r', '\t', ' ', '  ', '*', '?', '[a]', '~', '#',
  ';', '&', '&&', '|', '||', '<', '>', '>&2', '!', '-', '--', '-n', '-e', '=', 'a=b', '%s', '%', '{', '}',
  'é', 'ü', '日本', '🙂', '\u200b', 'x', 'abc', '0', '\x01', '\x7f', '__strata_', ':E0', "'\\''",
];

/** Deterministic PRNG (mulberry32) so a failing case can be reproduced from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function nastyStrings(count: number, seed = 1): string[] {
  const r = rng(seed);
  const out: string[] = ['', ' ', '-', '--', "'", '"', '\n', '$(id)', '`id`', '-rf /'];
  while (out.length < count) {
    const n = Math.floor(r() * 6);
    let s = '';
    for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)];
    out.push(s);
  }
  return out.slice(0, count);
}
