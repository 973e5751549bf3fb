/**
 * The one root key dispatcher. Ink's useInput gives every handler every key,
 * so keys are routed here and nowhere else, in this order:
 *   1. a plan waiting for y/N (nothing else happens until it is answered),
 *   2. the open overlay (palette and filter take typed text),
 *   3. the screen's open text field (a wizard's typed confirmation) takes
 *      printable keys and Backspace; named keys (Enter, Esc, arrows) go on,
 *   4. the screen's bindings, then the global ones: the first binding of the
 *      key that is offered (read-only drops dangerous ones) and not disabled
 *      runs; when only disabled ones match, the first reason is shown.
 */
import { routeKey } from '../../src/store/index.js';
import type { AnyScreenSpec } from '../screen-spec.js';
import { offered, type Binding, type KeyContext } from './binding.js';
import { GLOBAL_BINDINGS } from './global-bindings.js';
import { DEFAULT_HANDLERS } from './handlers.js';
import { overlayAction } from './overlay-bindings.js';
import { clamp } from './list-commands.js';
import { matchPalette, paletteItems } from '../overlays/palette-items.js';

/** Printable text typed into the palette or the filter (not a named key). */
const isText = (key: string) => key.length >= 1 && !/^(ctrl\+|shift\+tab$)/.test(key) && !NAMED.has(key);
const NAMED = new Set(['up', 'down', 'left', 'right', 'pgup', 'pgdn', 'home', 'end', 'enter', 'esc', 'tab', 'backspace']);

export function runBinding(binding: Binding, spec: AnyScreenSpec, ctx: KeyContext): void {
  const handler = spec.handlers?.[binding.command] ?? DEFAULT_HANDLERS[binding.command];
  handler(ctx);
}

export function dispatchKey(key: string, spec: AnyScreenSpec, ctx: KeyContext): void {
  const s = ctx.state;
  if (s.pending) {
    if (s.pending.state === 'ready') {
      const a = overlayAction('confirm', key);
      if (a === 'yes') {
        const id = s.confirmPending();
        if (id) s.navigate({ kind: 'job', jobId: id });
      } else if (a === 'down' || a === 'up') s.scrollPending(a === 'down' ? (key === 'pgdn' ? 10 : 1) : key === 'pgup' ? -10 : -1);
      else s.declinePending();
    } else s.declinePending(); // planning (Esc: no longer wanted) or refused (any key dismisses)
    return;
  }
  const overlay = s.overlay;
  if (overlay) {
    switch (overlay.kind) {
      case 'help': {
        const a = overlayAction('help', key);
        if (a === 'down' || a === 'up') s.openOverlay({ kind: 'help', scroll: Math.max(0, overlay.scroll + (a === 'down' ? 1 : -1)) });
        else s.closeOverlay();
        return;
      }
      case 'notice':
        s.closeOverlay();
        return;
      case 'filter': {
        const rk = routeKey(ctx.route);
        const text = s.filters[rk] ?? '';
        const a = overlayAction('filter', key);
        if (a === 'keep') s.closeOverlay();
        else if (a === 'clear') {
          s.setFilter(rk, '');
          s.closeOverlay();
        } else if (a === 'erase') setFilterText(ctx, text.slice(0, -1));
        else if (isText(key)) setFilterText(ctx, text + (key === 'space' ? ' ' : key));
        return;
      }
      case 'palette': {
        const items = matchPalette(paletteItems(ctx, spec.bindings), overlay.query);
        const a = overlayAction('palette', key);
        const selected = clamp(overlay.selected, items.length);
        if (a === 'close') s.closeOverlay();
        else if (a === 'down' || a === 'up') s.openOverlay({ ...overlay, selected: clamp(selected + (a === 'down' ? 1 : -1), items.length) });
        else if (a === 'erase') s.openOverlay({ ...overlay, query: overlay.query.slice(0, -1), selected: 0 });
        else if (a === 'run') {
          const item = items[selected];
          s.closeOverlay();
          if (!item) return;
          if (item.disabledReason) s.say(`${item.label}: ${item.disabledReason}`, 'warn');
          else if (item.jump) s.navigate(item.jump);
          else if (item.binding) runBinding(item.binding, spec, { ...ctx, state: ctx.store.getState() });
        } else if (isText(key)) s.openOverlay({ ...overlay, query: overlay.query + (key === 'space' ? ' ' : key), selected: 0 });
        return;
      }
    }
  }
  const field = spec.textField?.(ctx) ?? null;
  if (field) {
    if (key === 'backspace') return field.set(field.value.slice(0, -1));
    if (isText(key)) return field.set(field.value + (key === 'space' ? ' ' : key));
  }
  let firstReason: string | null = null;
  for (const binding of offered([...spec.bindings, ...GLOBAL_BINDINGS], s.readOnly)) {
    if (!binding.keys.includes(key)) continue;
    const reason = binding.disabledReason?.(ctx) ?? null;
    if (reason) {
      firstReason ??= reason;
      continue;
    }
    runBinding(binding, spec, ctx);
    return;
  }
  if (firstReason) s.say(firstReason, 'warn');
}

function setFilterText(ctx: KeyContext, text: string): void {
  const rk = routeKey(ctx.route);
  ctx.state.setFilter(rk, text);
  // The rows changed under the cursor: start from the first match.
  for (let p = 0; p < ctx.panes.length; p++) ctx.state.setCursor(rk, p, 0);
}
