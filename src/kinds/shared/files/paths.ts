/** Host paths of file restores: what is under what, and a path moved between roots. */

/** `/a/b` is `/a` or below it. */
export function under(path: string, root: string): boolean {
  return root === '/' || path === root || path.startsWith(`${root}/`);
}

/** `path` moved from under `from` to under `to`. */
export function rebase(path: string, from: string, to: string): string {
  const rest = from === '/' ? path : path.slice(from.length);
  const joined = `${to === '/' ? '' : to}${rest}`;
  return joined === '' ? '/' : joined;
}

/** `/etc/x` as a relative path: `etc/x`. */
export const relOf = (p: string) => p.replace(/^\/+/, '');

