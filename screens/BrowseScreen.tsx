/**
 * The files of one backup point, a directory at a time (read-only: browsing
 * reads listings, it restores nothing). The browser's state is the store's
 * browser slice, so the file-restore wizard's browse step shows the same.
 */
import { Text } from 'ink';
import { FileBrowser } from '../components/FileBrowser.js';
import { browserView } from './browse/browser-view.js';
import { BROWSER_BINDINGS, BROWSER_HANDLERS, browserEscape, browserTextField } from './browse/bindings.js';
import type { ScreenProps, ScreenSpec } from './screen-spec.js';
import { useAppState } from './store-context.js';

function BrowseScreen({ width, height }: ScreenProps<'browse'>) {
  const browser = useAppState((s) => s.browser);
  const isColor = useAppState((s) => s.color);
  if (!browser) return <Text>No point is being browsed.</Text>;
  return <FileBrowser view={browserView(browser, width, height)} width={width} height={height} isColor={isColor} />;
}

export const browseScreen: ScreenSpec<'browse'> = {
  kind: 'browse',
  name: 'File browser',
  summary:
    "The files of one backup point, a directory at a time (read-only): the file wizard's Files step shows the same browser with the same keys (its own screen is what the browser's tests and `npm run bench -- tui browser` open). Space chooses, Enter goes in, Backspace goes up, / filters.",
  bindings: BROWSER_BINDINGS,
  reads: [],
  title: () => 'files',
  panes: () => [],
  handlers: {
    ...BROWSER_HANDLERS,
    'nav.back': (ctx) => {
      if (browserEscape(ctx)) return;
      ctx.state.closeBrowser();
      if (ctx.state.routes.length > 1) ctx.state.back();
      else ctx.state.goHome();
    },
  },
  textField: browserTextField,
  fitsWidth: true,
  Component: BrowseScreen,
};
