/**
 * The command palette's entries: every command offered on this screen (its
 * bindings and the global ones, read-only rules applied) plus jumps to each
 * host and layer. Typing narrows by every word.
 */
import type { AppState } from '../../src/store/index.js';
import { offered, type Binding, type KeyContext } from '../keys/binding.js';
import { GLOBAL_BINDINGS } from '../keys/global-bindings.js';
import { showKey } from '../keys/key-name.js';

export interface PaletteItem {
  readonly key: string;
  readonly label: string;
  readonly detail: string;
  readonly binding?: Binding;
  readonly jump?: Parameters<AppState['navigate']>[0];
  readonly disabledReason: string | null;
}

const NOT_IN_PALETTE = new Set(['nav.down', 'nav.up', 'nav.pageDown', 'nav.pageUp', 'nav.top', 'nav.bottom', 'nav.left', 'nav.right', 'app.palette']);

export function paletteItems(ctx: KeyContext, screenBindings: readonly Binding[]): PaletteItem[] {
  const seen = new Set<string>();
  const items: PaletteItem[] = [];
  for (const b of offered([...screenBindings, ...GLOBAL_BINDINGS], ctx.state.readOnly)) {
    if (NOT_IN_PALETTE.has(b.command) || seen.has(b.command)) continue;
    seen.add(b.command);
    items.push({
      key: b.command,
      label: b.command,
      detail: `${b.description} (${b.keys.map(showKey).join(', ')})`,
      binding: b,
      disabledReason: b.disabledReason?.(ctx) ?? null,
    });
  }
  const inv = ctx.state.inventory;
  for (const h of inv?.hosts ?? []) {
    items.push({ key: `host:${h.name}`, label: `host ${h.name}`, detail: 'Open the host', jump: { kind: 'host', host: h.name }, disabledReason: null });
  }
  for (const l of inv?.layers ?? []) {
    items.push({ key: `layer:${l.id}`, label: `layer ${l.id}`, detail: `Open the ${l.kind} layer on ${l.host}`, jump: { kind: 'layer', layerId: l.id }, disabledReason: null });
  }
  return items;
}

export function matchPalette(items: readonly PaletteItem[], query: string): PaletteItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter((i) => {
    const text = `${i.label} ${i.detail}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
