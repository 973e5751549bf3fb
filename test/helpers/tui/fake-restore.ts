/**
 * A fake restore engine for screen tests (the store fake beside
 * fake-actions.ts): sources and plans are fixed data in the engine's own
 * types, and a run streams the events a real one sends (VMA one stream, PBS
 * per disk restarting at 1 %, a container with bytes only) on a timer until
 * it ends or its signal is aborted. It records every call, so a test can
 * prove that a wrong word, a declined plan or an Esc ran nothing.
 */
import type { ActionPlan } from '../../../src/kinds/action-types.js';
import {
  RestoreError,
  type CheckResult,
  type DrillRequest,
  type RestoreEvent,
  type RestorePlan,
  type RestoreRequest,
  type RestoreResult,
  type RestoreSource,
  type RunOptions,
  type SourceList,
  type SourceQuery,
  type StepProgress,
} from '../../../src/services/restore/api.js';
import type { RestoreDeps } from '../../../src/store/index.js';
import { NOW } from './estate.js';

const GiB = 2 ** 30;

export function source(layerId: string, rank: number, extra: Partial<RestoreSource> = {}): RestoreSource {
  const ref = extra.point?.ref ?? `${layerId}:backup/vzdump-qemu-100-2026_02_01-21_00_00.vma.zst`;
  return {
    id: `${layerId}@${ref}`,
    layerId,
    layerKind: 'vzdump',
    host: 'pve1',
    assetId: 'vm/100',
    point: { ref, timeSec: NOW - 5 * 3600, sizeBytes: 14 * GiB },
    ageSeconds: 5 * 3600,
    location: 'same-host',
    via: [],
    steps: [{ kind: 'guest-restore', label: 'qmrestore the archive', planned: true }],
    methods: ['restore'],
    plannable: true,
    estimate: { seconds: 140, basis: 'size', text: 'about 2 min (estimate from 14.0 GiB at 100 MiB/s)' },
    provenAtSec: null,
    rank,
    ...extra,
  };
}

export const SOURCES: readonly RestoreSource[] = [
  source('pbs-local', 1, {
    layerKind: 'pbs',
    host: 'pbs1',
    location: 'lan',
    point: { ref: 'vm/100/2026-02-01T22:00:00Z', timeSec: NOW - 4 * 3600, sizeBytes: 32 * GiB },
    ageSeconds: 4 * 3600,
    estimate: { seconds: 240, basis: 'measured', text: 'about 4 min (measured by the drill of 2026-01-30)' },
    provenAtSec: NOW - 3 * 86_400,
  }),
  source('pve1-dump', 2),
  source('pve1-snap', 3, {
    layerKind: 'pve-snapshots',
    point: { ref: 'daily-2026-02-01', timeSec: NOW - 3 * 3600 },
    ageSeconds: 3 * 3600,
    methods: ['rollback', 'clone'],
    steps: [{ kind: 'rollback', label: 'qm rollback', planned: true }],
    estimate: { seconds: 10, basis: 'snapshot', text: 'seconds (a snapshot)' },
  }),
  source('restic-cloud', 4, {
    layerKind: 'restic',
    host: 'docker1',
    location: 'off-site',
    via: ['pbs-local'],
    methods: [],
    plannable: false,
    whyNot: 'the PBS datastore must be restored from restic-cloud first (issue 14)',
    steps: [
      { kind: 'restore-datastore', label: 'restore the PBS datastore from restic-cloud', planned: false },
      { kind: 'guest-restore', label: 'qmrestore from PBS', planned: true },
    ],
  }),
];

export type RunShape = 'vma' | 'pbs' | 'ct';

export interface FakeRestore extends RestoreDeps {
  readonly queried: SourceQuery[];
  readonly planned: (RestoreRequest | DrillRequest)[];
  readonly runs: { plan: RestorePlan; confirm?: string }[];
  /** Set when a running fake restore saw its signal aborted and stopped. */
  cancelled: boolean;
}

export interface FakeRestoreOptions {
  readonly shape?: RunShape;
  /** Progress events per tick and the tick (ms); the run lasts until `ticks` or a cancel. */
  readonly tickMs?: number;
  readonly ticks?: number;
  /** Preflight: the target is not free. */
  readonly failPreflight?: boolean;
  /** The check results after the run. */
  readonly checks?: readonly CheckResult['state'][];
  /** Answer `sources` after this many ms (a slow host). */
  readonly sourcesDelayMs?: number;
  readonly guestExists?: boolean;
}

function actionPlan(title: string): ActionPlan {
  return { id: 'a', request: { kind: 'restore', layerId: 'pbs-local' }, title, steps: [], changesHost: true, affectedLayers: [] };
}

export function fakeRestore(opts: FakeRestoreOptions = {}): FakeRestore {
  const list = (q: SourceQuery): SourceList => ({
    assetId: q.assetId,
    guest: { assetId: q.assetId, type: q.assetId.startsWith('ct/') ? 'lxc' : 'qemu', vmid: Number(q.assetId.split('/')[1]), name: 'web01', host: 'pve1', exists: opts.guestExists ?? true },
    sources: SOURCES.map((s) => ({ ...s, assetId: q.assetId })),
    unreadable: [{ layerId: 'pbs-remote', reason: 'host pbs2 is unreachable: connect ECONNREFUSED' }],
    readAtSec: NOW,
  });
  const makePlan = (kind: 'restore' | 'drill', request: RestoreRequest, s: RestoreSource): RestorePlan => {
    const original = request.target?.kind === 'original';
    const vmid = original ? 100 : request.target?.kind === 'new' && request.target.vmid ? request.target.vmid : 123;
    const method = request.method ?? 'restore';
    const destroys = original
      ? method === 'rollback'
        ? ['everything written to VM 100 since daily-2026-02-01 (3h ago)', 'its current state: the snapshots stay']
        : ['VM 100 (web01): its disks scsi0 are freed before the backup is written (qmrestore --force)']
      : [];
    const title = kind === 'drill' ? `Drill: restore vm/100 from ${s.layerId} to scratch VMID ${vmid}` : `Restore vm/100 from ${s.layerId} to ${original ? 'VM 100 (over it)' : `new VM ${vmid}`}`;
    return {
      kind,
      id: `plan-${Math.random()}`,
      title,
      request,
      source: s,
      method,
      target: {
        host: 'pve1',
        node: 'pve1',
        type: 'qemu',
        vmid,
        overwrites: original,
        storage: request.storage ?? null,
        storageNote: "qmrestore keeps each disk's storage from the backup (local-lvm)",
        unique: request.unique ?? !original,
        uniqueNote: 'on: VM 100 still exists and may be running',
        start: request.start ?? kind === 'drill',
      },
      preflight: [
        { id: 'target-free', label: original ? 'VM 100 is stopped' : `VMID ${vmid} is free`, state: opts.failPreflight ? 'failed' : 'passed', detail: opts.failPreflight ? `VM ${vmid} already exists on node 'pve1': choose another VMID` : '' },
        { id: 'storage', label: 'storage local-lvm has room for 32.0 GiB', state: 'passed', detail: '120.0 GiB free' },
      ],
      ready: !opts.failPreflight,
      destroys,
      confirmWord: destroys.length > 0 ? '100' : null,
      commands: [
        { host: 'pve1', command: `qmrestore pbs1:backup/vm/100/2026-02-01T22:00:00Z ${vmid}${original ? ' --force' : ' --unique'}`, description: 'restore the snapshot' },
        ...(kind === 'drill' ? [{ host: 'pve1', command: `qm destroy ${vmid} --purge`, description: 'destroy the scratch guest' }] : []),
      ],
      cleanup: [{ host: 'pve1', command: `qm destroy ${vmid}`, description: 'remove the half-restored guest' }],
      checks: [
        { id: 'guest-exists', label: `VM ${vmid} exists with its disks` },
        { id: 'agent', label: 'the QEMU agent answers' },
      ],
      onFailure: original ? 'a stub config of VM 100 stays (memory: 128): restore again or remove it with qm destroy 100' : `VM ${vmid} is removed again`,
      notes: [],
      action: actionPlan(title),
    };
  };
  const fake: FakeRestore = {
    queried: [],
    planned: [],
    runs: [],
    cancelled: false,
    sources: async (q) => {
      fake.queried.push(q);
      if (opts.sourcesDelayMs) await new Promise((r) => setTimeout(r, opts.sourcesDelayMs));
      return list(q);
    },
    plan: async (request) => {
      fake.planned.push(request);
      const s = list({ assetId: request.assetId }).sources.find((x) => x.id === request.sourceId);
      if (!s) throw new RestoreError('no-source', `${request.sourceId} is not a source of ${request.assetId}`);
      return makePlan('restore', request, s);
    },
    planDrill: async (request) => {
      fake.planned.push(request);
      const s = list({ assetId: request.assetId ?? 'vm/100' }).sources.find((x) => x.id === request.sourceId) ?? SOURCES[0]!;
      return makePlan('drill', { assetId: request.assetId ?? 'vm/100', sourceId: s.id, target: { kind: 'new', ...(request.scratchVmid ? { vmid: request.scratchVmid } : {}) }, unique: true, start: true }, s);
    },
    run: (plan, o: RunOptions = {}) => {
      if (plan.confirmWord !== null && o.confirm === undefined) return Promise.reject(new RestoreError('confirmation-required', `type ${plan.confirmWord} to confirm`));
      if (plan.confirmWord !== null && o.confirm !== plan.confirmWord) return Promise.reject(new RestoreError('confirmation-mismatch', `"${o.confirm}" is not ${plan.confirmWord}`));
      fake.runs.push({ plan, ...(o.confirm === undefined ? {} : { confirm: o.confirm }) });
      const emit = (e: RestoreEvent) => o.onEvent?.(e);
      const started = Date.now();
      const shape = opts.shape ?? 'pbs';
      return new Promise<RestoreResult>((resolve) => {
        let tick = 0;
        emit({ type: 'step', index: 0, of: plan.commands.length, description: plan.commands[0]!.description });
        const finish = (state: RestoreResult['state']) => {
          clearInterval(timer);
          const results: CheckResult[] =
            state === 'cancelled'
              ? plan.checks.map((c) => ({ ...c, state: 'not-run' as const, detail: 'cancelled before the checks' }))
              : plan.checks.map((c, i) => ({ ...c, state: opts.checks?.[i] ?? 'passed', detail: opts.checks?.[i] === 'failed' ? 'no answer from the agent in 60 s' : 'ok' }));
          if (state !== 'cancelled') for (const check of results) emit({ type: 'check', check });
          else emit({ type: 'cleanup', text: `qm destroy ${plan.target.vmid}: the half-restored guest is removed` });
          const failed = results.some((r) => r.state === 'failed');
          const final = state === 'cancelled' ? 'cancelled' : failed ? 'check-failed' : 'restored';
          resolve({
            state: final,
            summary: final === 'cancelled' ? 'cancelled by the operator: the restore task was stopped' : `VM ${plan.target.vmid} restored from ${plan.source.layerId}`,
            checks: results,
            leftover: final === 'cancelled' ? `nothing: VM ${plan.target.vmid} was removed again` : null,
            restoreSeconds: final === 'cancelled' ? null : 12,
            durationMs: Date.now() - started,
            exitCode: final === 'restored' ? 0 : final === 'check-failed' ? 1 : 2,
            outcome: { state: final === 'restored' ? 'ok' : final === 'cancelled' ? 'cancelled' : 'warn', exitCode: 0, summary: 'x', durationMs: Date.now() - started },
          });
        };
        const timer = setInterval(() => {
          tick++;
          const progress: StepProgress =
            shape === 'vma'
              ? { step: 0, format: 'vma', percent: Math.min(100, tick), scope: 'whole', disksDone: 0, bytesRead: tick * 300 * 2 ** 20, totalBytes: 32 * GiB }
              : shape === 'pbs'
                ? { step: 0, format: 'pbs', percent: ((tick - 1) % 50) + 1, scope: 'disk', disk: { index: Math.min(3, Math.floor((tick - 1) / 50) + 1), name: `drive-scsi${Math.min(2, Math.floor((tick - 1) / 50))}`, count: 3 }, disksDone: Math.floor((tick - 1) / 50), bytesRead: tick * 2 ** 20 }
                : { step: 0, format: 'ct', percent: null, scope: 'none', disksDone: 0, bytesRead: tick * 5 * 2 ** 20 };
          emit({ type: 'output', line: { step: 0, stream: 'stdout', text: shape === 'ct' ? `extracting: file ${tick}` : `progress ${progress.percent}% (read ${progress.bytesRead} bytes, duration ${tick} sec)` } });
          emit({ type: 'progress', progress, elapsedMs: Date.now() - started, etaSeconds: progress.percent === null ? null : Math.max(0, 100 - tick) });
          if (tick >= (opts.ticks ?? Number.POSITIVE_INFINITY)) finish('restored');
        }, opts.tickMs ?? 10);
        o.signal?.addEventListener('abort', () => {
          fake.cancelled = true;
          finish('cancelled');
        });
      });
    },
  };
  return fake;
}
