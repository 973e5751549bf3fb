/**
 * Cancelling a restore in the lab ends it as PVE does (restore-formats §0):
 * the CLI forwards TERM/INT to its task; the task dies in the data phase
 * (`interrupted by signal`), its clean-up ignores further signals (`got
 * interrupt - ignored`), frees the new volumes and leaves the stub config; a
 * KILL ends only the CLI, the task runs on to its end. Time scale 1 here, so
 * the clean-up lasts long enough to be signalled again.
 */
import { describe, expect, it } from 'vitest';
import { guestConfigCommand } from '../../src/adapters/pve/guest-commands.js';
import { parseGuestConfig } from '../../src/adapters/pve/guest-parse.js';
import { pctRestoreCommand, qmrestoreCommand } from '../../src/adapters/pve/restore.js';
import { restoreFold } from '../../src/adapters/pve/restore-progress.js';
import { foldOutput } from '../../src/adapters/shared/line-fold.js';
import type { Lab } from '../../src/lab/index.js';
import { useLab, type LabRunners } from '../helpers/lab/lab-runner.js';

let lab: Lab;
let runners: LabRunners;
useLab({ scenario: 'healthy', timeScale: 1 }, (l, r) => ((lab = l), (runners = r)));

const pve = () => lab.state.hosts.pve1!.pve!;
const newestPbs = (type: 'vm' | 'ct', id: number) => {
  const s = lab.state.hosts.pbs1!.pbs!.datastores.usb!.snapshots.filter((x) => x.type === type && x.id === String(id)).sort((a, b) => b.time - a.time)[0]!;
  return `pbs1:backup/${type}/${id}/${new Date(s.time * 1000).toISOString().replace('.000', '')}`;
};
const taskOf = (vmid: number) => pve().tasks.filter((t) => t.id === String(vmid)).at(-1)!;
const pidOf = (program: string) => lab.running('pve1').find((p) => p.argv[0] === program)?.pid;
const waitFor = async (cond: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('cancelling a restore', () => {
  it("Strata's cancel (TERM to the process group) ends the task as PVE does: volumes freed, stub config left", async () => {
    const ac = new AbortController();
    const lines: string[] = [];
    const p = runners.get('pve1').stream(qmrestoreCommand({ archive: newestPbs('vm', 101), vmid: 930, storage: 'local-lvm' }), {
      signal: ac.signal,
      onStdout: (l) => {
        lines.push(l);
        if (l.startsWith('progress 2%')) ac.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ kind: 'cancelled' });
    await waitFor(() => taskOf(930).running === undefined);
    const t = taskOf(930);
    expect(t).toMatchObject({ type: 'qmrestore', status: 'interrupted by signal' });
    expect(t.log).toEqual(expect.arrayContaining(["temporary volume 'local-lvm:vm-930-disk-0' successfully removed", "temporary volume 'local-lvm:vm-930-disk-1' successfully removed", 'error before or during data restore, some or all disks were not completely restored. VM 930 state is NOT cleaned up.', 'TASK ERROR: interrupted by signal']));
    expect(t.log!.some((l) => l.startsWith('restore image complete'))).toBe(false);
    expect(lines.some((l) => l.startsWith('restore proxmox backup image: '))).toBe(true);
    const c = await runners.get('pve1').run(guestConfigCommand('pve1', 'qemu', 930));
    expect(parseGuestConfig(c.stdout, c.stderr, c.exitCode)).toMatchObject({ ok: true, value: { memoryMiB: 128, disks: [], nets: [] } });
    expect(pve().guests['930']!.lock).toBeUndefined();
    expect(pidOf('qmrestore')).toBeUndefined();
  });

  it('a second signal during the clean-up is ignored; the CLI prints the task error and exits 255', async () => {
    let signalled = false;
    const r = await runners.get('pve1').stream(qmrestoreCommand({ archive: newestPbs('vm', 101), vmid: 931, storage: 'local-lvm' }), {
      onStdout: (l) => {
        if (signalled || !l.startsWith('progress 2%')) return;
        signalled = true;
        const pid = pidOf('qmrestore')!;
        lab.signal('pve1', pid, 'TERM');
        // Freeing each volume takes 150 ms here: this one lands inside the clean-up.
        setTimeout(() => lab.signal('pve1', pid, 'INT'), 40);
      },
    });
    expect(r).toMatchObject({ exitCode: 255, stderr: 'interrupted by signal\n' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.indexOf('got interrupt - ignored')).toBeLessThan(lines.indexOf("temporary volume 'local-lvm:vm-931-disk-0' successfully removed"));
    const f = foldOutput(restoreFold(), r.stdout, r.stderr, r.exitCode);
    expect(f).toMatchObject({ ok: true, value: { outcome: 'failed', interrupted: true, ignoredInterrupts: 1, leftover: 'stub-config', removedVolumes: ['local-lvm:vm-931-disk-0', 'local-lvm:vm-931-disk-1'] } });
  });

  it('a KILL ends only the CLI: the task, in its own process group, restores to the end', async () => {
    let killed = false;
    const r = await runners.get('pve1').stream(qmrestoreCommand({ archive: newestPbs('vm', 104), vmid: 932, storage: 'local-lvm' }), {
      onStdout: (l) => {
        if (killed || !l.startsWith('progress 2%')) return;
        killed = true;
        lab.signal('pve1', pidOf('qmrestore')!, 'KILL');
      },
    });
    expect(r.exitCode).toBe(137);
    expect(taskOf(932).running).toBe(true);
    await waitFor(() => taskOf(932).running === undefined);
    expect(taskOf(932)).toMatchObject({ status: 'OK' });
    expect(taskOf(932).log!.slice(-2)).toEqual(['rescan volumes...', 'TASK OK']);
    expect(pve().guests['932']).toMatchObject({ name: 'monitor01', disks: [{ volume: 'local-lvm:vm-932-disk-0' }] });
  });

  it('a container restore dies with the signal and is removed', async () => {
    let signalled = false;
    const r = await runners.get('pve1').stream(pctRestoreCommand({ vmid: 933, archive: newestPbs('ct', 105), storage: 'local-lvm' }), {
      onStdout: (l) => {
        if (signalled || !l.startsWith('restoring ')) return;
        signalled = true;
        lab.signal('pve1', pidOf('pct')!, 'TERM');
      },
    });
    expect(r).toMatchObject({ exitCode: 255, stderr: 'unable to restore CT 933 - received interrupt\n' });
    expect(pve().guests['933']).toBeUndefined();
    expect(foldOutput(restoreFold(), r.stdout, r.stderr, r.exitCode)).toMatchObject({ ok: true, value: { outcome: 'failed', interrupted: true, leftover: 'guest-removed' } });
  });
});
