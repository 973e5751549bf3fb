/**
 * The file browser's keys (its input hook, as data): Space chooses, Enter
 * goes into a directory, Backspace and ← go up, `/` filters this directory,
 * and the list keys move its cursor. The browse screen uses these, and so
 * does the file-restore wizard's browse step; the help, the footer and
 * docs/keybindings.md read the same table.
 */
import type { Binding, CommandId, Handler, KeyContext } from '../keys/binding.js';

const typing = (ctx: KeyContext) => ctx.state.browser?.isFiltering ?? false;

function noBrowser(ctx: KeyContext): string | null {
  const b = ctx.state.browser;
  if (!b) return 'no point is being browsed';
  const l = b.listings[b.dir];
  if (!l || l.state === 'loading') return `still reading ${b.dir}`;
  if (l.state === 'failed') return `${b.dir} could not be read (Enter reads it again)`;
  return null;
}

export const BROWSER_BINDINGS: readonly Binding[] = [
  {
    keys: ['space'],
    command: 'browse.select',
    description: 'Choose the entry under the cursor, or unchoose it (a directory stands for all it holds; choices stay when you change directory)',
    group: 'Actions',
    hint: 'choose',
    disabledReason: noBrowser,
  },
  {
    keys: ['backspace', 'left', 'h'],
    command: 'browse.up',
    description: 'Up one directory (its listing is kept: nothing is read again)',
    group: 'Navigation',
    hint: 'up',
    disabledReason: (ctx) => {
      if (!ctx.state.browser) return 'no point is being browsed';
      return typing(ctx) ? 'typing the filter: Enter keeps it, Esc clears it' : null;
    },
  },
  {
    keys: ['/'],
    command: 'browse.filter',
    description: 'Filter this directory by name (any case); Enter keeps the filter, Esc clears it',
    group: 'General',
    hint: 'filter',
    disabledReason: noBrowser,
  },
];

const move =
  (to: (current: number, count: number, ctx: KeyContext) => number): Handler =>
  (ctx) =>
    ctx.state.browserMove((current, count) => to(current, count, ctx));

/** The list keys move the browser's cursor; Enter goes into a directory (or keeps the filter being typed); Esc clears a filter before it leaves. */
export const BROWSER_HANDLERS: Partial<Record<CommandId, Handler>> = {
  'nav.down': move((i) => i + 1),
  'nav.up': move((i) => i - 1),
  'nav.pageDown': move((i, _n, ctx) => i + Math.max(1, ctx.pageSize - 4)),
  'nav.pageUp': move((i, _n, ctx) => i - Math.max(1, ctx.pageSize - 4)),
  'nav.top': move(() => 0),
  'nav.bottom': move((_i, n) => n - 1),
  'nav.open': (ctx) => {
    if (typing(ctx)) ctx.state.browserEndFilter(true);
    else ctx.state.browserOpen();
  },
  'browse.select': (ctx) => ctx.state.browserToggle(),
  'browse.up': (ctx) => ctx.state.browserUp(),
  'browse.filter': (ctx) => ctx.state.browserStartFilter(),
};

/** Esc in the browser: end the filter being typed, else clear the kept one; true when it did (else the caller leaves). */
export function browserEscape(ctx: KeyContext): boolean {
  const b = ctx.state.browser;
  if (!b) return false;
  if (b.isFiltering || (b.filters[b.dir] ?? '') !== '') {
    ctx.state.browserEndFilter(false);
    return true;
  }
  return false;
}

/** While `/` is open, typed keys go into the filter before any binding sees them. */
export function browserTextField(ctx: KeyContext) {
  const b = ctx.state.browser;
  if (!b?.isFiltering) return null;
  return { value: b.filters[b.dir] ?? '', set: (v: string) => ctx.state.browserSetFilter(v) };
}
