/**
 * The interactive control panel, for `strata` (cli/panel.ts) and `strata
 * demo`: `runTui` takes an open session, wires the services into the store
 * (status, actions, journal, saved status), shows the saved status at once,
 * and mounts the Ink app until the operator quits. Running jobs are cancelled
 * (their remote processes ended) before it returns.
 */
import { executePlan } from '../services/actions/execute.js';
import { planAction } from '../services/actions/plan.js';
import { operatorName } from '../services/journal/entry.js';
import { Journal } from '../services/journal/journal-file.js';
import { newestVerifications, type VerificationRecord } from '../services/journal/verifications.js';
import { loadSavedStatus, saveStatus } from '../services/status-cache.js';
import { readStatus } from '../services/status-service.js';
import { createAppStore, type AppDeps, type AppStore } from '../store/index.js';
import { evidenceFrom, journalViews } from '../store/journal-view.js';
import { describeCommand } from '../transport/shell-script.js';
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
  /** Called with the store once it exists (tests, benchmarks). */
  readonly onStore?: (store: AppStore) => void;
}

/** True when the terminal shows colour: NO_COLOR, TERM=dumb or a stream without colours say no. */
export function colorWanted(env: CliIo['env'], out: NodeJS.WriteStream): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return typeof out.hasColors === 'function' ? out.hasColors() : true;
}

/** The store of an interactive session, wired to the real services. */
export async function tuiStore(opts: RunTuiOptions & { readonly color: boolean }): Promise<AppStore> {
  const { session, io } = opts;
  const env = io.env;
  const journal = await Journal.open(env).catch(() => null);
  let verifications: VerificationRecord[] = [];
  const readJournal = async () => {
    if (!journal) throw new Error('the state directory cannot be created, so there is no journal');
    const { entries } = await journal.read();
    verifications = newestVerifications(entries);
    return journalViews(entries);
  };
  // Read once at start for the verifies' evidence; the first refresh waits for it, the first frame does not.
  const journalRead = readJournal().catch(() => []);
  const deps: AppDeps = {
    nowMs: () => Date.now(),
    // The store evaluates each reading again with the journal's evidence (restoreEvidence below).
    readStatus: async (inventory, o) => {
      await journalRead;
      return readStatus(inventory, session.deps, { ...o, strataRuns: session.strataRuns });
    },
    saveReport: (report, readAtMs) => saveStatus(session.configPath, { report, readAtMs }, env),
    restoreEvidence: (layers) => evidenceFrom(verifications, layers),
    journal: { readJournal },
    ui: { readOnly: opts.readOnly ?? false, color: opts.color },
    ...(opts.pollIntervalMs ? { pollIntervalMs: opts.pollIntervalMs } : {}),
    actions: {
      plan: async (request) => {
        const r = await planAction(request, {
          inventory: session.inventory,
          // A planner's reads are probes: they go to the probe log like the collector's.
          runnerFor: (h) => session.deps.runnerFor(h),
          lookupEnv: session.deps.lookupEnv,
          now: () => Math.floor(Date.now() / 1000),
          readOnly: opts.readOnly ?? false,
        });
        if (!r.ok) throw new Error(r.error.message);
        return r.value;
      },
      execute: (plan, o) => {
        if (!journal) {
          return Promise.resolve({ state: 'failed', exitCode: null, summary: 'not started: there is no journal to record it in', durationMs: 0 });
        }
        return executePlan(plan, { runnerFor: (h) => session.pool.get(h), journal, operator: operatorName(env), signal: o.signal, onOutput: o.onOutput });
      },
      describeStep: (step) => describeCommand(step.command),
    },
  };
  const store = createAppStore(deps);
  store.getState().setInventory(session.inventory);
  const saved = await loadSavedStatus(session.configPath, env);
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
