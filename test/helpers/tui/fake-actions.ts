/**
 * A fake executor for screen tests: plans are fixed, execution streams lines
 * on a timer until the plan ends or the signal is aborted. It records what it
 * was asked to run, so a test can prove that declining ran nothing.
 */
import type { ActionOutcome, ActionPlan, ActionRequest } from '../../../src/kinds/action-types.js';
import type { ActionDeps, JournalEntryView } from '../../../src/store/index.js';
import { describeCommand } from '../../../src/transport/shell-script.js';

export interface FakeActions extends ActionDeps {
  readonly planned: ActionRequest[];
  readonly executed: ActionPlan[];
  /** Set when a running fake job saw its signal aborted and stopped. */
  cancelled: boolean;
}

export function fakeActions(opts: { linesPerTick?: number; ticks?: number; tickMs?: number; linesPerSecond?: number } = {}): FakeActions {
  const fake: FakeActions = {
    planned: [],
    executed: [],
    cancelled: false,
    plan: async (request) => {
      fake.planned.push(request);
      const isRun = request.kind === 'run';
      return {
        id: `plan-${fake.planned.length}`,
        request,
        title: isRun ? `Run vzdump of ${request.layerId}` : `Verify ${request.layerId}`,
        steps: [
          {
            host: 'pve1',
            command: isRun
              ? { argv: ['vzdump', '--all', '1', '--storage', 'local-backup', '--mode', 'snapshot'] }
              : { argv: ['restic', 'check', '--read-data-subset', '5%'], secretsFrom: { RESTIC_PASSWORD: { file: '/root/.restic-pass' } } },
            description: isRun ? 'back up every guest of the node' : 'check the repository',
            streams: true,
          },
        ],
        changesHost: isRun,
        affectedLayers: [request.layerId],
      };
    },
    execute: (plan, { signal, onOutput }) => {
      fake.executed.push(plan);
      const started = Date.now();
      return new Promise<ActionOutcome>((resolve) => {
        let tick = 0;
        let sent = 0;
        const timer = setInterval(() => {
          // A rate holds however late the timer fires; otherwise a fixed count per tick.
          const due = opts.linesPerSecond ? Math.floor(((Date.now() - started) * opts.linesPerSecond) / 1000) - sent : (opts.linesPerTick ?? 5);
          for (let i = 0; i < due; i++) onOutput({ step: 0, stream: 'stdout', text: `INFO: line ${sent++}` });
          tick++;
          if (tick >= (opts.ticks ?? Number.POSITIVE_INFINITY)) {
            clearInterval(timer);
            resolve({ state: 'ok', exitCode: 0, summary: 'all guests backed up', durationMs: Date.now() - started });
          }
        }, opts.tickMs ?? 10);
        signal.addEventListener('abort', () => {
          clearInterval(timer);
          fake.cancelled = true;
          resolve({ state: 'cancelled', exitCode: null, summary: 'cancelled by the operator', durationMs: Date.now() - started });
        });
      });
    },
    describeStep: (step) => describeCommand(step.command),
  };
  return fake;
}

export const JOURNAL: readonly JournalEntryView[] = [
  {
    id: 'a1',
    atMs: 1_769_990_000_000,
    kind: 'verify',
    title: 'Verify PBS datastore usb of pbs-local',
    layerId: 'pbs-local',
    hosts: ['pbs1'],
    state: 'ok',
    summary: 'verify ok: 12 snapshots verified',
    durationMs: 4_000,
    verified: 'ok',
    commands: ['proxmox-backup-manager verify usb --outdated-after 30  → exit 0'],
    user: 'alice',
  },
  {
    id: 'a2',
    atMs: 1_769_999_000_000,
    kind: 'run',
    title: 'Run restic backup of restic-usb',
    layerId: 'restic-usb',
    hosts: ['docker1'],
    state: 'failed',
    summary: 'restic: repository is already locked',
    durationMs: 2_000,
    commands: ['RESTIC_PASSWORD=<secret from file /root/.restic-pass> restic backup /srv/app  → exit 1'],
    user: 'bob',
  },
];
