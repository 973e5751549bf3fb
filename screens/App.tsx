/**
 * The root: the title bar, the router, the overlays and the footer, and the
 * one root key dispatcher. Nothing else calls useInput. Only the screen on
 * top of the route stack is mounted, so only it polls.
 */
import { Box, Text, useApp, useInput } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import { Footer } from '../components/Footer.js';
import { useTerminalSize } from '../src/hooks/use-terminal-size.js';
import { currentRoute, routeKey, type AppState, type AppStore } from '../src/store/index.js';
import { keyContext } from './keys/context.js';
import { dispatchKey } from './keys/dispatch.js';
import { footerHints } from './keys/footer-hints.js';
import { GLOBAL_BINDINGS } from './keys/global-bindings.js';
import { helpSections } from './keys/help-sections.js';
import { charKeyName, keyName } from './keys/key-name.js';
import { ConfirmOverlay } from './overlays/ConfirmOverlay.js';
import { HelpOverlay } from './overlays/HelpOverlay.js';
import { NoticeOverlay } from './overlays/NoticeOverlay.js';
import { PaletteOverlay } from './overlays/PaletteOverlay.js';
import { matchPalette, paletteItems } from './overlays/palette-items.js';
import { specFor } from './registry.js';
import { Router } from './Router.js';
import { ClockProvider, StoreProvider, useAppState, useStoreContext } from './store-context.js';
import { TitleBar } from './TitleBar.js';

export interface AppProps {
  readonly store: AppStore;
  readonly nowMs?: () => number;
  /** How often ages on screen move on (default 5 s). */
  readonly tickMs?: number;
}

export function App({ store, nowMs = Date.now, tickMs = 5000 }: AppProps) {
  return (
    <StoreProvider value={{ store, nowMs, tickMs }}>
      <Shell />
    </StoreProvider>
  );
}

const pickUi = (s: AppState) => {
  const route = currentRoute(s);
  return {
    route,
    overlay: s.overlay,
    pending: s.pending,
    message: s.message,
    readOnly: s.readOnly,
    color: s.color,
    filter: s.filters[routeKey(route)] ?? '',
  };
};


/** Lines that are not the screen body: title bar, message line, key line. */
const CHROME = 3;

function Shell() {
  const { store, nowMs } = useStoreContext();
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const ui = useAppState(useShallow(pickUi));
  // One line short of the terminal: a frame as tall as the terminal makes Ink clear the whole screen on each render.
  const height = Math.max(8, rows - 1);
  const width = Math.max(20, columns);
  const filterShown = ui.overlay?.kind === 'filter' || ui.filter !== '';
  const bodyHeight = height - CHROME - (filterShown ? 1 : 0);

  useInput((input, key) => {
    // Keys typed faster than a frame (or sent by tmux) arrive as one string: each is its own key.
    const names = input.length > 1 && !key.ctrl && !key.meta ? [...input].map(charKeyName) : [keyName(input, key)];
    for (const name of names) {
      if (name === null) continue;
      const { ctx, spec } = keyContext(store, nowMs(), bodyHeight, exit);
      dispatchKey(name, spec, ctx);
    }
  });

  const spec = specFor(ui.route);
  let body;
  // A screen that keeps within its width is clipped to its height only: Ink cuts every line of a box clipped sideways, every frame.
  let clipsWidth = true;
  if (ui.pending) body = <ConfirmOverlay pending={ui.pending} width={width} height={bodyHeight} isColor={ui.color} />;
  else if (ui.overlay?.kind === 'help') {
    const { ctx } = keyContext(store, nowMs(), bodyHeight, exit);
    body = <HelpOverlay sections={helpSections(spec.name, spec.bindings, ui.readOnly, ctx)} scroll={ui.overlay.scroll} width={width} height={bodyHeight} />;
  } else if (ui.overlay?.kind === 'palette') {
    const { ctx } = keyContext(store, nowMs(), bodyHeight, exit);
    const items = matchPalette(paletteItems(ctx, spec.bindings), ui.overlay.query);
    body = <PaletteOverlay query={ui.overlay.query} items={items} selected={Math.min(ui.overlay.selected, Math.max(0, items.length - 1))} width={width} height={bodyHeight} />;
  } else if (ui.overlay?.kind === 'notice') body = <NoticeOverlay title={ui.overlay.title} lines={ui.overlay.lines} height={bodyHeight} />;
  else {
    body = <Router route={ui.route} width={width} height={bodyHeight} />;
    clipsWidth = spec.fitsWidth !== true;
  }

  const { ctx: hintCtx } = keyContext(store, nowMs(), bodyHeight, exit);
  const hints = footerHints(spec, GLOBAL_BINDINGS, hintCtx, ui.readOnly);
  // Inside the shell, so a frame the shell draws (a resize) reads the clock afresh too.
  return (
    <ClockProvider>
      <Box flexDirection="column" width={width} height={height}>
        <TitleBar width={width} />
        <Box height={bodyHeight} flexDirection="column" overflowY="hidden" overflowX={clipsWidth ? 'hidden' : 'visible'}>
          {body}
        </Box>
        {filterShown ? (
          <Text wrap="truncate-end" inverse={ui.overlay?.kind === 'filter'}>
            {`/ ${ui.filter}${ui.overlay?.kind === 'filter' ? '▏ (Enter keep, Esc clear)' : '  (Esc clears)'}`}
          </Text>
        ) : null}
        <Footer hints={hints} message={ui.message} width={width} isColor={ui.color} {...(ui.readOnly ? { badge: 'READ-ONLY' } : {})} />
      </Box>
    </ClockProvider>
  );
}
