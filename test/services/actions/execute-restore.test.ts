/**
 * What the executor does for restores beyond running steps, against strict
 * fake hosts: steps found from a step's output run right after it; checks
 * after pass, fail, retry while a guest boots, or are not run; clean-up and
 * tear-down steps run only when their guard allows (never on a guest the
 * plan did not create); the measured restore time and the checks are in the
 * journal's end entry.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executePlan, type ActionPlan, type PlanStep } from '../../../src/services/actions/index.js';
import { agentPingCommand, destroyCommand, guestConfigCommand, startCommand, statusCommand } from '../../../src/adapters/pve/guest-commands.js';
import { qmrestoreCommand } from '../../../src/adapters/pve/restore.js';
import { FakeHosts } from '../../helpers/actions/fakes.js';
import { MemoryJournal } from '../../helpers/actions/memory-journal.js';
import { reply } from '../../helpers/fixtures.js';

let hosts: FakeHosts;
let journal: MemoryJournal;
beforeEach(() => {
  hosts = new FakeHosts();
  journal = new MemoryJournal();
});
afterEach(() => hosts.assertAll());

const restoreStep = (vmid: number): PlanStep => ({
  host: 'pve1',
  command: qmrestoreCommand({ archive: 'pbs1:backup/vm/100/2026-01-30T02:00:03Z', vmid }),
  description: 'qmrestore',
  output: { kind: 'guest-restore', type: 'qemu', vmid, overwrites: false, assetId: 'vm/100' },
  measuresRestore: true,
});
const guard = (vmid: number) => ({ kind: 'guest-created' as const, node: 'pve1', type: 'qemu' as const, vmid, byStep: 0 });
const plan = (p: Partial<ActionPlan>): ActionPlan => ({ id: 'r-1', request: { kind: 'restore', layerId: 'pbs-local', assetId: 'vm/100' }, title: 'restore', steps: [], changesHost: true, affectedLayers: [], ...p });
const run = (p: ActionPlan) => executePlan(p, { runnerFor: hosts.runnerFor, journal, operator: 'alice' });

describe('a restore plan in the executor', () => {
  it('runs the link_down steps read from the config right after the read, then the start, and passes its checks', async () => {
    const pve = hosts.host('pve1');
    pve.on(qmrestoreCommand({ archive: 'pbs1:backup/vm/100/2026-01-30T02:00:03Z', vmid: 950 }).argv, reply('pve', 'qmrestore-pbs-two-disks'));
    pve.on(guestConfigCommand('pve1', 'qemu', 950).argv, reply('pve', 'guest-config-qemu'));
    pve.on(['qm', 'set', '950', '--net0', 'virtio=BC:24:11:01:7A:01,bridge=vmbr0,firewall=1,link_down=1'], reply('pve', 'qm-set-link-down'));
    pve.on(startCommand('qemu', 950).argv, reply('pve', 'qm-start-normal'));
    pve.on(statusCommand('qemu', 950).argv, reply('pve', 'pct-status-running'));
    pve.expect({ argv: agentPingCommand(950).argv, reply: { stderr: 'QEMU guest agent is not running\n', exitCode: 255 } });
    pve.on(agentPingCommand(950).argv, reply('pve', 'agent-ping-ok'));
    const outcome = await run(
      plan({
        steps: [
          restoreStep(950),
          { host: 'pve1', command: guestConfigCommand('pve1', 'qemu', 950), description: 'links', output: { kind: 'guest-links-down', host: 'pve1', type: 'qemu', vmid: 950 } },
          { host: 'pve1', command: startCommand('qemu', 950), description: 'start', output: { kind: 'guest-task', what: 'qm start 950', type: 'qemu', vmid: 950 } },
        ],
        checks: [
          { id: 'running', label: 'runs', host: 'pve1', command: statusCommand('qemu', 950), output: { kind: 'guest-running' } },
          { id: 'agent', label: 'agent answers', host: 'pve1', command: agentPingCommand(950), output: { kind: 'agent-ping' }, retryForMs: 5000, retryEveryMs: 10 },
        ],
      }),
    );
    expect(outcome).toMatchObject({ state: 'ok', verified: 'ok', checks: [{ id: 'running', state: 'passed' }, { id: 'agent', state: 'passed' }] });
    expect(journal.commands.map((c) => c.split(' ').slice(0, 3).join(' '))).toEqual(['qmrestore pbs1:backup/vm/100/2026-01-30T02:00:03Z 950', 'pvesh get /nodes/pve1/qemu/950/config', 'qm set 950', 'qm start 950', 'qm status 950', 'qm guest cmd', 'qm guest cmd']);
    const end = journal.entries.at(-1)!;
    expect(end).toMatchObject({ type: 'action-end', state: 'ok', verified: 'ok', checks: [{ id: 'running', state: 'passed' }, { id: 'agent', state: 'passed' }] });
    expect((end as { restoreSeconds?: number }).restoreSeconds).toBeGreaterThanOrEqual(0);
  });

  it('a failed check leaves the restore in warn, disproves it, and is said in the summary', async () => {
    const pve = hosts.host('pve1');
    pve.on(qmrestoreCommand({ archive: 'pbs1:backup/vm/100/2026-01-30T02:00:03Z', vmid: 950 }).argv, reply('pve', 'qmrestore-pbs-two-disks'));
    pve.on(guestConfigCommand('pve1', 'qemu', 950).argv, reply('pve', 'guest-config-stub'));
    const outcome = await run(plan({ steps: [restoreStep(950)], checks: [{ id: 'disks', label: 'has its disks', host: 'pve1', command: guestConfigCommand('pve1', 'qemu', 950), output: { kind: 'guest-disks', expect: ['scsi0'] } }] }));
    expect(outcome).toMatchObject({ state: 'warn', verified: 'failed', checks: [{ state: 'failed', detail: expect.stringContaining('missing disk scsi0') }] });
    expect(outcome.summary).toContain('check failed: has its disks');
  });

  it('when the restore is refused, its checks are not run and the guarded clean-up leaves the guest alone', async () => {
    const pve = hosts.host('pve1');
    pve.on(qmrestoreCommand({ archive: 'pbs1:backup/vm/100/2026-01-30T02:00:03Z', vmid: 950 }).argv, reply('pve', 'qmrestore-exists'));
    const outcome = await run(
      plan({
        steps: [restoreStep(950)],
        checks: [{ id: 'disks', label: 'has its disks', host: 'pve1', command: guestConfigCommand('pve1', 'qemu', 950), output: { kind: 'guest-disks', expect: [] } }],
        cleanup: [{ host: 'pve1', command: destroyCommand('qemu', 950, { purge: true }), description: 'remove the stub', guard: { ...guard(950), stubOnly: true } }],
      }),
    );
    expect(outcome.state).toBe('failed');
    expect(outcome.checks).toEqual([{ id: 'disks', label: 'has its disks', state: 'not-run', detail: 'the steps did not complete' }]);
    expect(outcome.details?.at(-1)).toMatch(/clean-up \(remove the stub\) not run: the tool refused before changing anything/);
    expect(journal.commands.some((c) => c.startsWith('qm destroy'))).toBe(false);
  });

  it('after a failed restore the guard removes only a stub: a guest with disks is left as it is', async () => {
    const pve = hosts.host('pve1');
    pve.on(qmrestoreCommand({ archive: 'pbs1:backup/vm/100/2026-01-30T02:00:03Z', vmid: 950 }).argv, reply('pve', 'qmrestore-pbs-force-corrupt'));
    pve.on(guestConfigCommand('pve1', 'qemu', 950).argv, reply('pve', 'guest-config-stub'));
    pve.on(destroyCommand('qemu', 950, { purge: true }).argv, reply('pve', 'qm-destroy-purge'));
    const outcome = await run(plan({ steps: [restoreStep(950)], cleanup: [{ host: 'pve1', command: destroyCommand('qemu', 950, { purge: true }), description: 'remove the stub', guard: { ...guard(950), stubOnly: true } }] }));
    expect(outcome.details?.at(-1)).toBe('pve1: clean-up (remove the stub) done');
    expect(outcome.leftover).toContain('stub config');

    const other = new FakeHosts();
    other.host('pve1').on(qmrestoreCommand({ archive: 'pbs1:backup/vm/100/2026-01-30T02:00:03Z', vmid: 951 }).argv, reply('pve', 'qmrestore-pbs-force-corrupt'));
    other.host('pve1').on(guestConfigCommand('pve1', 'qemu', 951).argv, reply('pve', 'guest-config-qemu'));
    const kept = await executePlan(plan({ steps: [restoreStep(951)], cleanup: [{ host: 'pve1', command: destroyCommand('qemu', 951, { purge: true }), description: 'remove the stub', guard: { ...guard(951), stubOnly: true } }] }), { runnerFor: other.runnerFor, journal, operator: 'alice' });
    expect(kept.details?.at(-1)).toMatch(/not run: VM 951 has disks: not a stub, left as it is/);
    other.assertAll();
  });

  it('tears down after success too, stopping only a running guest', async () => {
    const pve = hosts.host('pve1');
    pve.on(qmrestoreCommand({ archive: 'pbs1:backup/vm/100/2026-01-30T02:00:03Z', vmid: 950 }).argv, reply('pve', 'qmrestore-pbs-two-disks'));
    pve.expect({ argv: guestConfigCommand('pve1', 'qemu', 950).argv, reply: reply('pve', 'guest-config-qemu'), times: 2 });
    pve.on(statusCommand('qemu', 950).argv, reply('pve', 'qm-status-stopped'));
    pve.on(destroyCommand('qemu', 950, { purge: true }).argv, reply('pve', 'qm-destroy-purge'));
    const outcome = await run(
      plan({
        steps: [restoreStep(950)],
        teardown: [
          { host: 'pve1', command: { argv: ['qm', 'stop', '950'] }, description: 'stop it', guard: { ...guard(950), runningOnly: true } },
          { host: 'pve1', command: destroyCommand('qemu', 950, { purge: true }), description: 'destroy it', guard: guard(950) },
        ],
      }),
    );
    expect(outcome.state).toBe('ok');
    expect(outcome.details?.slice(-2)).toEqual(['pve1: clean-up (stop it) not run: VM 950 is not running', 'pve1: clean-up (destroy it) done']);
  });
});
