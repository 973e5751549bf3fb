/**
 * Whether two names given for a machine name the same one. Tools record the
 * name a machine calls itself (restic stores `os.Hostname()` in each
 * snapshot), which need not be the inventory's name for it: case differs,
 * and one side may be fully qualified (`docker1.lan`) where the other is not.
 */

/** The first label, lower case: `Docker1.lan` -> `docker1`. An address stays whole (192.0.2.10 is not 192.0.2.11). */
export function shortHostName(name: string): string {
  const lower = name.trim().toLowerCase();
  if (/^[\d.]+$/.test(lower) || lower.includes(':')) return lower;
  const dot = lower.indexOf('.');
  return dot > 0 ? lower.slice(0, dot) : lower;
}

export function sameHostName(a: string, b: string): boolean {
  if (a.trim() === '' || b.trim() === '') return false;
  return a.trim().toLowerCase() === b.trim().toLowerCase() || shortHostName(a) === shortHostName(b);
}
