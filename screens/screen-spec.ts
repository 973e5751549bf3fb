/**
 * What a screen is: its bindings (data), its panes (pure rows from the
 * store's state), the handlers it overrides, and the Ink component that draws
 * it. The registry maps every route kind to one of these.
 */
import type { ReactNode } from 'react';
import type { AppState, Route, RouteKind } from '../src/store/index.js';
import type { Binding, CommandId, Handler, KeyContext, TextField } from './keys/binding.js';
import type { Freshness } from './rows/format.js';
import type { ScreenPane } from './rows/pane.js';
import type { StatusView } from './rows/status-rows.js';

export type RouteOf<K extends RouteKind> = Extract<Route, { kind: K }>;

export interface ScreenProps<K extends RouteKind> {
  readonly route: RouteOf<K>;
  readonly width: number;
  readonly height: number;
}

export interface ScreenSpec<K extends RouteKind> {
  readonly kind: K;
  /** The screen's name in the help, the docs and the title bar. */
  readonly name: string;
  /** One line for docs/keybindings.md. */
  readonly summary: string;
  readonly bindings: readonly Binding[];
  /** The store fields `panes` reads: the screen re-renders when one of them changes, not on every job line. */
  readonly reads: readonly (keyof AppState)[];
  /** Commands this screen handles its own way (the Job screen scrolls instead of moving a cursor). */
  readonly handlers?: Partial<Record<CommandId, Handler>>;
  /**
   * The text field open on this screen right now (a wizard's typed
   * confirmation, a VMID), or null: while one is open, printable keys and
   * Backspace are typed into it before any binding sees them.
   */
  textField?(ctx: KeyContext): TextField | null;
  /** The lists j/k/Enter/Tab move over, unfiltered. */
  panes(state: AppState, route: RouteOf<K>, nowMs: number): readonly ScreenPane[];
  /** Breadcrumb text for the title bar. */
  title(route: RouteOf<K>): string;
  /**
   * When what this screen is about was read, for the title bar: the same
   * function as the screen's own Read row, so the two say one figure.
   * Without it (or undefined), the title bar tells the report's as a whole.
   */
  freshness?(state: StatusView, route: RouteOf<K>, nowMs: number): Freshness | undefined;
  /**
   * Nothing it draws goes past the width it is given (each text is cut to its
   * box): the shell then clips it to its height only, sparing Ink the cut of
   * every line sideways on each frame (the file browser's rows).
   */
  readonly fitsWidth?: boolean;
  readonly Component: (props: ScreenProps<K>) => ReactNode;
}

export type AnyScreenSpec = { [K in RouteKind]: ScreenSpec<K> }[RouteKind];
