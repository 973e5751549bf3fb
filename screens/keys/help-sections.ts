/**
 * The help overlay and docs/keybindings.md, from the same binding tables:
 * the screen's own keys, then the global ones, by group. In the TUI a
 * disabled binding shows its reason; read-only mode leaves dangerous ones out.
 */
import { GROUP_ORDER, offered, type Binding, type KeyContext } from './binding.js';
import { GLOBAL_BINDINGS } from './global-bindings.js';
import { showKey } from './key-name.js';
import { OVERLAY_BINDINGS, type OverlayKind } from './overlay-bindings.js';

export interface HelpRow {
  readonly keys: string;
  readonly description: string;
  readonly command: string;
  readonly dangerous: boolean;
  readonly disabledReason: string | null;
}

export interface HelpSection {
  readonly title: string;
  readonly rows: readonly HelpRow[];
}

export const keysText = (keys: readonly string[]) => keys.map(showKey).join(' ');

function rowsOf(bindings: readonly Binding[], ctx: KeyContext | null): HelpRow[] {
  return bindings.map((b) => ({
    keys: keysText(b.keys),
    description: b.description,
    command: b.command,
    dangerous: b.dangerous ?? false,
    disabledReason: ctx ? (b.disabledReason?.(ctx) ?? null) : null,
  }));
}

/** `screenName` keys first, then the global groups. */
export function helpSections(screenName: string, screenBindings: readonly Binding[], readOnly: boolean, ctx: KeyContext | null): HelpSection[] {
  const sections: HelpSection[] = [];
  const own = offered(screenBindings, readOnly);
  if (own.length > 0) sections.push({ title: `${screenName} screen`, rows: rowsOf(own, ctx) });
  const global = offered(GLOBAL_BINDINGS, readOnly);
  for (const group of GROUP_ORDER) {
    const inGroup = global.filter((b) => b.group === group);
    if (inGroup.length > 0) sections.push({ title: group, rows: rowsOf(inGroup, ctx) });
  }
  return sections;
}

const OVERLAY_TITLES: Record<OverlayKind, string> = {
  confirm: 'Plan confirmation (after x or v)',
  palette: 'Command palette (:)',
  filter: 'Filter (/)',
  help: 'Help (?)',
};

export function overlaySections(): HelpSection[] {
  return (Object.keys(OVERLAY_BINDINGS) as OverlayKind[]).map((k) => ({
    title: OVERLAY_TITLES[k],
    rows: OVERLAY_BINDINGS[k].map((b) => ({ keys: keysText(b.keys), description: b.description, command: `${k}.${b.id}`, dangerous: false, disabledReason: null })),
  }));
}
