/**
 * A key binding is data (lazygit's model): keys, the command it runs, what it
 * does, its group, whether it changes a host (dangerous: gone with
 * --read-only), and why it is disabled right now, if it is. The root
 * dispatcher, the help overlay, the footer, the palette and
 * docs/keybindings.md all read these tables; nothing else maps keys.
 */
import type { AppState, AppStore, Route } from '../../src/store/index.js';
import type { ScreenPane } from '../rows/pane.js';

export type CommandId =
  | 'nav.down'
  | 'nav.up'
  | 'nav.pageDown'
  | 'nav.pageUp'
  | 'nav.top'
  | 'nav.bottom'
  | 'nav.open'
  | 'nav.back'
  | 'nav.left'
  | 'nav.right'
  | 'pane.next'
  | 'pane.prev'
  | 'view.dashboard'
  | 'view.journal'
  | 'view.job'
  | 'view.dr'
  | 'app.help'
  | 'app.palette'
  | 'app.filter'
  | 'app.refresh'
  | 'app.quit'
  | 'action.run'
  | 'action.verify'
  | 'action.restore'
  | 'action.drill'
  | 'job.cancel'
  | 'job.follow'
  | 'restore.next'
  | 'restore.back'
  | 'restore.change'
  | 'restore.changeBack'
  | 'restore.yes'
  | 'restore.no'
  | 'restore.cancel'
  | 'restore.log'
  | 'browse.select'
  | 'browse.up'
  | 'browse.filter'
  | 'files.next'
  | 'files.continue'
  | 'files.back'
  | 'files.change'
  | 'files.yes'
  | 'files.no'
  | 'files.read'
  | 'files.quit'
  | 'view.waiting'
  | 'action.restoreFiles'
  | 'dr.rebuild'
  | 'rebuild.next'
  | 'rebuild.back'
  | 'rebuild.yes'
  | 'rebuild.no'
  | 'rebuild.log'
  | 'rebuild.route'
  | 'rebuild.cancel';

export type BindingGroup = 'Navigation' | 'Views' | 'Actions' | 'General';

export const GROUP_ORDER: readonly BindingGroup[] = ['Navigation', 'Views', 'Actions', 'General'];

/** What a handler or a disabled-reason sees when a key is pressed. */
export interface KeyContext {
  readonly store: AppStore;
  readonly state: AppState;
  readonly route: Route;
  /** The current screen's panes, filtered as shown. */
  readonly panes: readonly ScreenPane[];
  readonly pane: number;
  /** Rows of the screen body, for page moves. */
  readonly pageSize: number;
  exit(): void;
}

export type Handler = (ctx: KeyContext) => void;

/** A line of typed text on a screen: what it holds and how to change it. */
export interface TextField {
  readonly value: string;
  set(value: string): void;
}

export interface Binding {
  /** Key names (key-name.ts); the first is the one the footer shows. */
  readonly keys: readonly string[];
  readonly command: CommandId;
  readonly description: string;
  readonly group: BindingGroup;
  /** Changes a host: removed entirely in read-only mode. */
  readonly dangerous?: boolean;
  /** Short label for the footer; bindings without one are only in the help. */
  readonly hint?: string;
  /** Why the binding does nothing right now (shown in the help and when pressed), or null. */
  readonly disabledReason?: (ctx: KeyContext) => string | null;
  /**
   * Whether the footer offers the key now (default: always, enabled or not, so a key
   * that waits for the right row is still seen): false for keys of another step of a
   * wizard. The help lists the binding either way.
   */
  readonly hintWhile?: (ctx: KeyContext) => boolean;
}

/** Bindings offered in this mode: read-only drops every dangerous one. */
export const offered = (bindings: readonly Binding[], readOnly: boolean): Binding[] =>
  bindings.filter((b) => !(readOnly && b.dangerous));
