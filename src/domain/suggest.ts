/**
 * "Did you mean" for option names and inventory keys. Bounded whatever it is
 * given: a word longer than any name is no typo of one, only the first
 * candidates are compared, and the comparison gives up past two edits.
 */

/** Longer words are never a typo of a name (a key of megabytes is not a misspelt "rpo"). */
export const SUGGEST_MAX_WORD = 64;
/** Candidates compared per word, so a file of 25,000 names cannot make each lookup scan them all. */
export const SUGGEST_MAX_CANDIDATES = 500;
const MAX_EDITS = 2;

/** The closest known name within two edits, for "did you mean"; never `word` itself. */
export function suggest(word: string, known: readonly string[]): string | undefined {
  if (typeof word !== 'string' || word.length > SUGGEST_MAX_WORD) return undefined;
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = MAX_EDITS + 1;
  const n = Math.min(known.length, SUGGEST_MAX_CANDIDATES);
  for (let c = 0; c < n; c++) {
    const k = known[c]!;
    if (k === word || Math.abs(k.length - word.length) >= bestDistance) continue;
    const d = editDistanceWithin(w, k.toLowerCase(), bestDistance - 1);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Levenshtein distance of a and b when it is at most `limit`, else limit + 1.
 * Only the diagonal band |i - j| <= limit is filled, so it costs
 * O(length * limit), not O(length * length).
 */
export function editDistanceWithin(a: string, b: string, limit: number): number {
  const over = limit + 1;
  if (Math.abs(a.length - b.length) > limit) return over;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j <= limit ? j : over;
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - limit);
    const hi = Math.min(b.length, i + limit);
    // Cells just outside the band stand for "too far"; the band itself is filled below.
    cur[lo - 1] = lo === 1 && i <= limit ? i : over;
    if (hi < b.length) cur[hi + 1] = over;
    let rowMin = cur[lo - 1]!;
    for (let j = lo; j <= hi; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur[j] = Math.min(v, over);
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (rowMin > limit) return over;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[b.length]!, over);
}
