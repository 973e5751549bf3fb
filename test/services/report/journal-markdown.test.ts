import { describe, expect, it } from 'vitest';
import type { ActionRequest } from '../../../src/kinds/action-types.js';
import type { JournalEntry, NewJournalEntry } from '../../../src/services/journal/index.js';
import { journalMarkdown } from '../../../src/services/report/journal-markdown.js';

const v1 = (e: NewJournalEntry): JournalEntry => ({ v: 1, ...e }) as JournalEntry;
const verify: ActionRequest = { kind: 'verify', layerId: 'restic-usb', readDataSubset: '5%' };
const run: ActionRequest = { kind: 'run', layerId: 'vzdump-local', assetId: 'vm/101' };
const restoreFacts = { pointRef: 'pbs:backup/vm/101/2026-02-01T02:00:00Z', pointAt: '2026-02-01T02:00:00Z', method: 'restore' as const, targetHost: 'pve1', targetVmid: 9101, overwrites: false };
const restore: ActionRequest = { kind: 'restore', layerId: 'pbs-local', assetId: 'vm/101', restore: restoreFacts };
const drill: ActionRequest = { kind: 'drill', layerId: 'pbs-remote', assetId: 'vm/102', restore: { ...restoreFacts, pointRef: 'pbs-remote:vm/102/x', targetVmid: 9102 } };

/** A journal with each kind of entry and action: verify, run, restore, drill, a cancel and one Strata never ended. */
const JOURNAL: JournalEntry[] = [
  v1({ type: 'action-start', at: '2026-01-31T02:00:00.000Z', operator: 'alice', actionId: 'act-1', title: 'Check restic repository of restic-usb', request: verify, changesHost: false, steps: [{ host: 'docker1', command: 'RESTIC_PASSWORD=<secret> restic check --read-data-subset 5%', description: 'check' }] }),
  v1({ type: 'command', at: '2026-01-31T02:00:00.100Z', operator: 'alice', actionId: 'act-1', host: 'docker1', command: 'RESTIC_PASSWORD=<secret> restic check --read-data-subset 5%', exitCode: 1, durationMs: 65_000, stderrTail: 'Fatal: repository contains errors\npack 3f2a: ~~~ not found' }),
  v1({ type: 'action-end', at: '2026-01-31T02:01:05.500Z', operator: 'alice', actionId: 'act-1', title: 'Check restic repository of restic-usb', request: verify, state: 'failed', exitCode: 1, summary: 'restic check: Fatal: repository contains errors', verified: 'failed', durationMs: 65_500 }),
  v1({ type: 'action-start', at: '2026-02-01T01:00:00.000Z', operator: 'bob_ops', actionId: 'act-2', title: 'Back up vm/101 to vzdump-local', request: run, changesHost: true, steps: [{ host: 'pve1', command: 'vzdump 101 --storage local | tee log', description: 'back up' }] }),
  v1({ type: 'command', at: '2026-02-01T01:00:00.010Z', operator: 'bob_ops', actionId: 'act-2', host: 'pve1', command: 'vzdump 101 --storage local | tee log', exitCode: 0, durationMs: 754 }),
  v1({ type: 'action-end', at: '2026-02-01T01:00:01.000Z', operator: 'bob_ops', actionId: 'act-2', title: 'Back up vm/101 to vzdump-local', request: run, state: 'warn', exitCode: 0, summary: 'INFO: 1 | 2 warnings', durationMs: 1000 }),
  v1({ type: 'action-start', at: '2026-02-02T03:00:00.000Z', operator: 'alice', actionId: 'act-3', title: 'Restore vm/101 from pbs-local', request: restore, changesHost: true, steps: [{ host: 'pve1', command: 'qmrestore pbs:backup/vm/101/2026-02-01T02:00:00Z 9101', description: 'restore' }] }),
  v1({ type: 'command', at: '2026-02-02T03:00:00.050Z', operator: 'alice', actionId: 'act-3', host: 'pve1', command: 'qmrestore pbs:backup/vm/101/2026-02-01T02:00:00Z 9101', exitCode: 0, durationMs: 243_000 }),
  v1({ type: 'action-end', at: '2026-02-02T03:04:10.000Z', operator: 'alice', actionId: 'act-3', title: 'Restore vm/101 from pbs-local', request: restore, state: 'ok', exitCode: 0, summary: 'vm/101 restored as 9101', verified: 'ok', durationMs: 250_000, restoreSeconds: 243, checks: [{ id: 'config', label: 'Guest config present', state: 'passed', detail: '' }, { id: 'boot', label: 'Guest boots', state: 'passed', detail: 'running after 12 s' }] }),
  v1({ type: 'action-start', at: '2026-02-03T04:00:00.000Z', operator: 'root', actionId: 'act-4', title: 'Drill vm/102 from pbs-remote', request: drill, changesHost: true, steps: [{ host: 'pve1', command: 'qmrestore pbs-remote:vm/102/x 9102', description: 'restore a scratch copy' }] }),
  v1({ type: 'command', at: '2026-02-03T04:00:00.050Z', operator: 'root', actionId: 'act-4', host: 'pve1', command: 'qmrestore pbs-remote:vm/102/x 9102', exitCode: null, durationMs: 30_000, error: { kind: 'link-lost', message: 'connection reset' } }),
  v1({ type: 'action-end', at: '2026-02-03T04:00:31.000Z', operator: 'root', actionId: 'act-4', title: 'Drill vm/102 from pbs-remote', request: drill, state: 'failed', exitCode: null, summary: 'the restore did not end', verified: 'failed', durationMs: 31_000, checks: [{ id: 'boot', label: 'Guest boots', state: 'not-run', detail: 'no guest' }] }),
  v1({ type: 'action-start', at: '2026-02-04T05:00:00.000Z', operator: 'alice', actionId: 'act-5', title: 'Back up vm/101 to vzdump-local', request: run, changesHost: true, steps: [] }),
  v1({ type: 'action-end', at: '2026-02-04T05:00:02.000Z', operator: 'alice', actionId: 'act-5', title: 'Back up vm/101 to vzdump-local', request: run, state: 'cancelled', exitCode: null, summary: 'cancelled by the operator', durationMs: 2000 }),
  v1({ type: 'action-start', at: '2026-02-05T06:00:00.000Z', operator: 'alice', actionId: 'act-6', title: 'Check restic repository of restic-usb', request: { kind: 'verify', layerId: 'restic-usb' }, changesHost: false, steps: [] }),
];

const md = (sinceSec?: number) =>
  journalMarkdown(JOURNAL, { path: '/var/lib/strata/journal.jsonl', generatedAt: '2026-02-06T00:00:00.000Z', ...(sinceSec !== undefined ? { sinceSec } : {}) });

describe('the journal as Markdown', () => {
  it('has one row per action: started, kind, layer, workload, result, operator, duration', () => {
    const lines = md().split('\n');
    const table = lines.slice(lines.indexOf('| Started | Action | Layer | Workload | Result | Operator | Duration |'));
    expect(table.slice(0, 8)).toEqual([
      '| Started | Action | Layer | Workload | Result | Operator | Duration |',
      '| --- | --- | --- | --- | --- | --- | ---: |',
      '| 2026-01-31 02:00:00Z | verify | `restic-usb` |   | **failed**, verified **failed** | alice | 1 min 6 s |',
      '| 2026-02-01 01:00:00Z | run | `vzdump-local` | `vm/101` | **warn** | bob\\_ops | 1.0 s |',
      '| 2026-02-02 03:00:00Z | restore | `pbs-local` | `vm/101` | ok, proven restorable | alice | 4 min 10 s |',
      '| 2026-02-03 04:00:00Z | drill | `pbs-remote` | `vm/102` | **failed**, **checks failed** | root | 31.0 s |',
      '| 2026-02-04 05:00:00Z | run | `vzdump-local` | `vm/101` | **cancelled** | alice | 2.0 s |',
      '| 2026-02-05 06:00:00Z | verify | `restic-usb` |   | **not ended** | alice |   |',
    ]);
    expect(md()).toContain('6 actions: 1 ok, 1 warn, 2 failed, 1 cancelled, 1 not ended.');
  });

  it("gives each action's plan, commands with exit codes and stderr, and a restore's point, target, checks and measured time", () => {
    const text = md();
    expect(text).toContain('## 2026-01-31 02:00:00Z verify restic-usb: Check restic repository of restic-usb');
    expect(text).toContain('- Data read back: `5%`');
    expect(text).toContain('| 2026-01-31 02:00:00Z | `docker1` | `RESTIC_PASSWORD=<secret> restic check --read-data-subset 5%` | 1 | 1 min 5 s |');
    // The stderr holds ~~~: its fence is longer, so the block does not end early.
    expect(text).toContain('~~~~\nFatal: repository contains errors\npack 3f2a: ~~~ not found\n~~~~');
    expect(text).toContain('- Result: **warn**: INFO: 1 \\| 2 warnings (exit 0)');
    expect(text).toContain('1. `pve1`: `vzdump 101 --storage local | tee log` (back up)');
    expect(text).toContain('| `vzdump 101 --storage local \\| tee log` |');
    expect(text).toContain('- Point `pbs:backup/vm/101/2026-02-01T02:00:00Z` taken 2026-02-01 02:00:00Z, restore onto `pve1` as 9101');
    expect(text).toContain('- Measured restore time: 4 min 3 s');
    expect(text).toContain('- Checks:\n  - passed: Guest config present\n  - passed: Guest boots: running after 12 s');
    expect(text).toContain('  - **not-run**: Guest boots: no guest');
    expect(text).toContain('| **link-lost**: connection reset | 30.0 s |');
    expect(text).toContain('- Result: **not ended**: the journal has no end for it');
    expect(text).not.toContain('act-1 ');
  });

  it('--since keeps the actions that started in the window and says so', () => {
    const text = md(Date.parse('2026-02-02T00:00:00Z') / 1000);
    expect(text).toContain('Actions since 2026-02-02 00:00:00Z in `/var/lib/strata/journal.jsonl`');
    expect(text).not.toContain('2026-01-31');
    expect(text).not.toContain('vzdump 101 --storage local');
    expect(text).toContain('4 actions: 1 ok, 1 failed, 1 cancelled, 1 not ended.');
    expect(md(Date.parse('2026-02-06T00:00:00Z') / 1000)).toContain('No action started in this window.');
  });

  it('says when the journal holds no action', () => {
    expect(journalMarkdown([], { path: 'j', generatedAt: '2026-02-06T00:00:00Z' })).toContain('The journal holds no action');
  });

  it('keeps hostile text inside its cell: pipes, newlines, backticks and emphasis are escaped', () => {
    const hostile = v1({ type: 'action-end', at: '2026-02-07T00:00:00Z', operator: '*eve*', actionId: 'x', title: 't', request: { kind: 'run', layerId: 'a|b`c' }, state: 'ok', exitCode: 0, summary: 'line1\nline2 | `x`', durationMs: 1 });
    const text = journalMarkdown([hostile], { path: 'j', generatedAt: '2026-02-07T00:00:00Z' });
    expect(text).toContain('| 2026-02-07 00:00:00Z | run | ``a\\|b`c`` |   | ok | \\*eve\\* | 1 ms |');
    expect(text).toContain('- Result: ok: line1 line2 \\| \\`x\\` (exit 0)');
  });
});
