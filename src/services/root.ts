/**
 * The composition root: every command that talks to hosts (the panel,
 * `status`, `demo`, and those to come) gets its services from here, so every
 * output sees the same evidence and the same rules. One runner per host (all
 * probes of a host share its connection), probes recorded in the probe log,
 * actions journaled, and the journal's evidence (verifies, Strata's own runs)
 * folded into every reading.
 */
import type { Inventory } from '../domain/inventory.js';
import type { DrFacts } from '../domain/dr-card.js';
import type { StatusReport } from '../domain/status-report.js';
import type { LayerObservation } from '../domain/types.js';
import { readLayer } from '../kinds/read.js';
import type { ActionOutcome, ActionPlan, ActionRequest, OutputLine, PlanStep } from '../kinds/action-types.js';
import { errorText } from '../domain/error-text.js';
import { LocalRunner, RunnerPool, type Runner } from '../transport/index.js';
import { describeCommand } from '../transport/shell-script.js';
import { executePlan, type ExecuteDeps } from './actions/execute.js';
import type { PlanContext } from '../kinds/planner-context.js';
import { createRestoreEngine } from './restore/engine.js';
import { createFileRestoreEngine } from './restore/files-engine.js';
import type { FileRestoreEngine } from './restore/files-api.js';
import { THAW_DIR } from './restore/thaw-file.js';
import type { RestoreEngine } from './restore/api.js';
import { ROTATION_FILE } from './restore/rotation-file.js';
import { carriedGuestFiles } from './dr/carried-files.js';
import { readDrPlan, type PlanReaderDeps } from './dr/plan-reader.js';
import { createDrEngine } from './dr/engine.js';
import { KNOWN_HOSTS_FILE, REBUILD_FILE } from './dr/rebuild-file.js';
import { buildReport, reportSummary } from './dr/report.js';
import type { DrEngine } from './dr/api.js';
import { planAction } from './actions/plan.js';
import { collect, type Collection, type CollectOptions, type CollectorDeps } from './collector.js';
import { JOURNAL_FILE, operatorName } from './journal/entry.js';
import { JournalEvidence } from './journal/evidence.js';
import { Journal, type JournalContents } from './journal/journal-file.js';
import { journalingRunner } from './journal/journaling-runner.js';
import { ProbeLog } from './journal/probe-log.js';
import { withStrataRuns } from './journal/strata-runs.js';
import { readCardFacts } from './dr/card-facts.js';
import { restoreEvidence, type RestoreEvidence } from './restore-evidence.js';
import { targetFor } from './runner-targets.js';
import { statePath, type StateEnv } from './state-dir.js';
import { loadSavedStatus, saveStatus, type SavedStatus } from './status-cache.js';
import { Notifier } from './notify/notifier.js';
import { notifyStatePath } from './notify/state-file.js';

export interface ServicesOptions {
  readonly inventory: Inventory;
  readonly configPath: string;
  readonly env: StateEnv & Readonly<Record<string, string | undefined>>;
  /** --read-only: no plan that changes a host. */
  readonly readOnly?: boolean;
  /** How long a restore's check waits for a booting guest's agent (tests shorten it). */
  readonly agentWaitMs?: number;
  /** How often a file restore without a percent measures the bytes under its target (default 2 s). */
  readonly filePollMs?: number;
}

export interface Services {
  readonly inventory: Inventory;
  readonly configPath: string;
  readonly pool: RunnerPool;
  /** Probes and planners' reads run through these, which write each command to the probe log. */
  readonly collector: CollectorDeps;
  /** Reads the selected layers; Strata's own runs from the journal count like the hosts' jobs. Does not evaluate. */
  readStatus(opts?: CollectOptions): Promise<{ readonly collection: Collection }>;
  /** "Last proven restorable" evidence, from the journal as of the last reading. */
  restoreEvidence(layers: Readonly<Record<string, LayerObservation>>): readonly RestoreEvidence[];
  /** Restores and drills: sources, plans, runs (src/services/restore/api.ts). */
  readonly restore: RestoreEngine;
  /** Messages on health changes to the inventory's notification targets (`strata notify`, the panel). */
  readonly notifier: Notifier;
  /** File and dataset restores, cold storage thaws (src/services/restore/files-api.ts). */
  readonly fileRestore: FileRestoreEngine;
  readonly actions: {
    plan(request: ActionRequest): Promise<ActionPlan>;
    execute(plan: ActionPlan, opts: { readonly signal: AbortSignal; readonly onOutput: (line: OutputLine) => void }): Promise<ActionOutcome>;
    describeStep(step: PlanStep): string;
  };
  /** What the DR card reads from the hosts that answer (certificates, datastores, key fingerprints), each host within timeoutMs. */
  /** `rcloneRemotes`: read each rclone copy's remote settings too (the card). */
  readDrCardFacts(timeoutMs: number, opts?: { readonly rcloneRemotes?: boolean }): Promise<DrFacts>;
  /** Disaster recovery: the plan and the resumable rebuild (src/services/dr/api.ts). */
  readonly dr: DrEngine;
  /** The whole journal, for the Journal screen. */
  readJournal(): Promise<JournalContents>;
  loadSavedStatus(): Promise<SavedStatus | null>;
  saveStatus(report: StatusReport, readAtMs: number): Promise<void>;
  /** Why the probe log could not be written, once it failed (the caller says so). */
  probeLogError(): string | undefined;
  /** Writes the probe log's last entries and ends every connection. */
  close(): Promise<void>;
}

/** One attempt to reach a notification target. */
const NOTIFY_TIMEOUT_MS = 15_000;

type ExecuteIo = Omit<ExecuteDeps, 'runnerFor' | 'journal' | 'operator'>;

export function composeServices(opts: ServicesOptions): Services {
  const { inventory, configPath, env } = opts;
  const pool = new RunnerPool(inventory.hosts.map((h) => targetFor(h)));
  const operator = operatorName(env);
  const probeLog = ProbeLog.inStateDir(env);
  let probeLogError: string | undefined;
  const noteProbeLogError = (e: unknown) => {
    probeLogError ??= `the probe log ${probeLog.path} could not be written: ${errorText(e)}`;
  };
  const probeRunners = new Map<string, Runner>();
  const probeRunner = (host: string): Runner => {
    let r = probeRunners.get(host);
    if (!r) {
      r = journalingRunner(pool.get(host), { journal: probeLog, operator, probe: true, waitForEntry: false, onJournalError: noteProbeLogError });
      probeRunners.set(host, r);
    }
    return r;
  };
  const collector: CollectorDeps = { runnerFor: probeRunner, readLayer, localNowSec: () => Date.now() / 1000, lookupEnv: (name) => env[name] };
  // Read where it is: no journal yet means no evidence, and reading must not create one.
  const journal = new Journal(statePath(JOURNAL_FILE, env));
  const evidence = new JournalEvidence(journal.path);
  const now = () => Math.floor(Date.now() / 1000);
  const planContext: PlanContext = { inventory, runnerFor: probeRunner, lookupEnv: collector.lookupEnv, nowSec: now, readOnly: opts.readOnly ?? false, probeTimeoutMs: inventory.probeTimeoutSeconds * 1000 };
  const execute = async (plan: ActionPlan, io: ExecuteIo): Promise<ActionOutcome> => {
    // The state directory is created on the first action: its journal is the evidence.
    const writable = await Journal.open(env).catch((e: unknown) => e);
    if (!(writable instanceof Journal)) {
      return { state: 'failed', exitCode: null, summary: `not started: there is no journal to record it in (${errorText(writable)})`, durationMs: 0 };
    }
    return executePlan(plan, { runnerFor: (h) => pool.get(h), journal: writable, operator, ...io });
  };
  const readStatus = async (o: CollectOptions = {}) => {
    const [collected] = await Promise.all([collect(inventory, collector, o), evidence.catchUp()]);
    const runs = evidence.strataRuns();
    return { collection: runs.length > 0 ? { ...collected, layers: withStrataRuns(collected.layers, runs) } : collected };
  };

  const fileRestoreReading = (read: typeof readStatus) =>
    createFileRestoreEngine({
      inventory,
      readStatus: read,
      evidence: () => ({ verifications: evidence.verifications(), restores: evidence.restoreRuns() }),
      catchUpEvidence: () => evidence.catchUp(),
      planContext,
      execute,
      thawDir: statePath(THAW_DIR, env),
      ...(opts.filePollMs !== undefined ? { pollMs: opts.filePollMs } : {}),
    });
  // One engine per plan's reading: a copy's listing is read once for all its guests.
  const engines = new WeakMap<Collection, ReturnType<typeof fileRestoreReading>>();
  const readingOf = (collection: Collection) => {
    let e = engines.get(collection);
    if (!e) engines.set(collection, (e = fileRestoreReading(async () => ({ collection }))));
    return e;
  };
  const drPlanDeps: PlanReaderDeps = {
    inventory,
    readStatus,
    // From the reading the plan already made: the copy's snapshots are known, only its listing is read.
    carriedGuestFiles: ({ layerId, carrier, guestDir, timeoutMs, collection }) => carriedGuestFiles(readingOf(collection), { layerId, carrier, guestDir, timeoutMs }),
    evidence: () => ({ verifications: evidence.verifications(), restores: evidence.restoreRuns() }),
    readCardFacts: (timeoutMs: number) => readCardFacts({ inventory, runnerFor: probeRunner, timeoutMs }),
    runnerFor: probeRunner,
    lookupEnv: collector.lookupEnv,
  };
  const dr = createDrEngine({
    inventory,
    configPath,
    plan: (o) => readDrPlan(drPlanDeps, o),
    statePath: statePath(REBUILD_FILE, env),
    knownHostsPath: statePath(KNOWN_HOSTS_FILE, env),
    // The rebuild reaches the new node as the lost host: the same root, with the inventory the rebuild sees.
    rebuiltServices: (rebuilt) => {
      const s = composeServices({ ...opts, inventory: rebuilt });
      return { restore: s.restore, runner: (h) => s.pool.get(h), execute: (p, io) => s.actions.execute(p, io), close: () => s.close() };
    },
    runnerFor: (h) => pool.get(h),
    lookupEnv: collector.lookupEnv,
    async journalReport(state) {
      const writable = await Journal.open(env);
      const report = buildReport(state);
      const at = new Date().toISOString();
      const actionId = `dr-${state.id.slice(0, 8)}-report`;
      const request = { kind: 'dr' as const, layerId: '' };
      const title = `DR rebuild of ${state.lost.node}: report`;
      await writable.append({ type: 'action-start', at, operator, actionId, title, request, changesHost: false, steps: [] });
      await writable.append({ type: 'action-end', at, operator, actionId, title, request, state: 'ok', exitCode: 0, summary: reportSummary(report), durationMs: 0 });
    },
    nowSec: now,
    readOnly: opts.readOnly ?? false,
  });

  return {
    inventory,
    configPath,
    pool,
    collector,
    readStatus,
    restoreEvidence: (layers) => restoreEvidence(evidence.verifications(), layers, evidence.restoreRuns()),
    actions: {
      async plan(request) {
        // A planner's reads are probes: they go to the probe log like the collector's.
        const r = await planAction(request, planContext);
        if (!r.ok) throw new Error(r.error.message);
        return r.value;
      },
      execute: (plan, o) => execute(plan, o),
      describeStep: (step) => describeCommand(step.command),
    },
    fileRestore: fileRestoreReading(readStatus),
    readDrCardFacts: (timeoutMs, o) => readCardFacts({ inventory, runnerFor: probeRunner, timeoutMs, rcloneRemotes: o?.rcloneRemotes ?? false, lookupEnv: (name) => env[name] }),
    dr,
    restore: createRestoreEngine({
      inventory,
      readStatus,
      evidence: () => ({ verifications: evidence.verifications(), restores: evidence.restoreRuns() }),
      catchUpEvidence: () => evidence.catchUp(),
      planContext,
      execute,
      rotationPath: statePath(ROTATION_FILE, env),
      ...(opts.agentWaitMs !== undefined ? { agentWaitMs: opts.agentWaitMs } : {}),
    }),
    notifier: new Notifier({
      inventory,
      configPath,
      statePath: notifyStatePath(configPath, env),
      env,
      // Targets' secrets and sendmail are on the management host: this machine, not a layer's host.
      send: { fetch, timeoutMs: NOTIFY_TIMEOUT_MS, now: () => new Date(), runner: new LocalRunner('localhost'), lookupEnv: collector.lookupEnv },
    }),
    readJournal: () => journal.read(),
    loadSavedStatus: () => loadSavedStatus(configPath, env),
    saveStatus: (report, readAtMs) => saveStatus(configPath, { report, readAtMs }, env),
    probeLogError: () => probeLogError,
    async close() {
      await probeLog.flush().catch(noteProbeLogError);
      await pool.closeAll();
    },
  };
}
