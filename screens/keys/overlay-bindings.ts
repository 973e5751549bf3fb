/**
 * Keys of the overlays (plan confirmation, palette, filter, help). While an
 * overlay is open it takes every key: the dispatcher asks it first, and keys
 * it does not know close it (help) or are typed (palette, filter).
 */
export type OverlayKind = 'confirm' | 'palette' | 'filter' | 'help';

export interface OverlayBinding {
  readonly id: string;
  readonly keys: readonly string[];
  readonly description: string;
}

export const OVERLAY_BINDINGS: Record<OverlayKind, readonly OverlayBinding[]> = {
  confirm: [
    { id: 'yes', keys: ['y', 'Y'], description: 'Run the plan shown' },
    { id: 'down', keys: ['j', 'down', 'pgdn'], description: 'Scroll a plan longer than the screen' },
    { id: 'up', keys: ['k', 'up', 'pgup'], description: 'Scroll back' },
    { id: 'no', keys: ['n', 'N', 'esc', 'enter'], description: 'Do not run it (any other key too): nothing runs' },
  ],
  palette: [
    { id: 'down', keys: ['down', 'ctrl+n'], description: 'Next command' },
    { id: 'up', keys: ['up', 'ctrl+p'], description: 'Previous command' },
    { id: 'run', keys: ['enter'], description: 'Run the selected command' },
    { id: 'erase', keys: ['backspace'], description: 'Erase a character' },
    { id: 'close', keys: ['esc'], description: 'Close the palette' },
  ],
  filter: [
    { id: 'keep', keys: ['enter'], description: 'Keep the filter and return to the rows' },
    { id: 'erase', keys: ['backspace'], description: 'Erase a character' },
    { id: 'clear', keys: ['esc'], description: 'Clear the filter' },
  ],
  help: [
    { id: 'down', keys: ['j', 'down'], description: 'Scroll down' },
    { id: 'up', keys: ['k', 'up'], description: 'Scroll up' },
    { id: 'close', keys: ['esc', '?', 'q'], description: 'Close the help (any other key too)' },
  ],
};

export function overlayAction(kind: OverlayKind, key: string): string | null {
  return OVERLAY_BINDINGS[kind].find((b) => b.keys.includes(key))?.id ?? null;
}
