/**
 * The interactive control panel, for `strata` (cli/panel.ts) and `strata
 * demo`: `runTui` takes an open session, wires the services into the store
 * (status, actions, journal, saved status), shows the saved status at once,
 * and mounts the Ink app until the operator quits. Running jobs are cancelled
 * (their remote processes ended) before it returns.
 */
import type { StartOptions } from '../services/dr/api.js';
import type { AppStore } from '../store/index.js';
import { appStore } from './app.js';
import { EXIT, type CliIo } from './io.js';
import type { Session } from './session.js';

export interface RunTuiOptions {
  readonly session: Session;
  readonly io: CliIo;
  readonly readOnly?: boolean;
  /** Shown in the title bar (the demo's scenario). */
  readonly title?: string;
  /** Default process.stdin / process.stdout. */
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  /** Overrides the inventory's refreshSeconds (tests, benchmarks). */
  readonly pollIntervalMs?: number;
  /** How the rebuild wizard starts a new rebuild (the demo's fresh node). */
  readonly rebuild?: StartOptions;
  /** Called with the store once it exists (tests, benchmarks). */
  readonly onStore?: (store: AppStore) => void;
}

/** True when the terminal shows colour: NO_COLOR, TERM=dumb or a stream without colours say no. */
export function colorWanted(env: CliIo['env'], out: NodeJS.WriteStream): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return typeof out.hasColors === 'function' ? out.hasColors() : true;
}

/** The store of an interactive session: the composition root's services, with actions, showing the saved status at once. */
export async function tuiStore(opts: RunTuiOptions & { readonly color: boolean }): Promise<AppStore> {
  const store = appStore(opts.session, {
    readOnly: opts.readOnly ?? false,
    color: opts.color,
    saveReports: true,
    withActions: true,
    ...(opts.rebuild ? { rebuild: opts.rebuild } : {}),
    notifyOnRefresh: true,
    ...(opts.pollIntervalMs ? { pollIntervalMs: opts.pollIntervalMs } : {}),
  });
  const saved = await opts.session.loadSavedStatus();
  if (saved) store.getState().showSavedReport(saved.report, saved.readAtMs);
  return store;
}

const ALT_SCREEN_ON = '\x1b[?1049h\x1b[H';
const ALT_SCREEN_OFF = '\x1b[?1049l';

export async function runTui(opts: RunTuiOptions): Promise<number> {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') {
    opts.io.err('strata: the control panel needs a terminal (raw keyboard input); try `strata status`.');
    return EXIT.usage;
  }
  // React's development build costs start-up time and every render; an operator's terminal is production.
  process.env.NODE_ENV ??= 'production';
  const [store, { mountApp }] = await Promise.all([tuiStore({ ...opts, color: colorWanted(opts.io.env, stdout) }), import('../../screens/mount.js')]);
  if (opts.title) store.getState().say(opts.title);
  opts.onStore?.(store);
  // The operator's own screen comes back untouched when Strata quits.
  stdout.write(ALT_SCREEN_ON);
  const app = mountApp(store, { stdin, stdout });
  try {
    await app.waitUntilExit();
  } finally {
    store.getState().stopPolling();
    await store.getState().cancelAll();
    app.cleanup();
    stdout.write(ALT_SCREEN_OFF);
  }
  return EXIT.ok;
}
