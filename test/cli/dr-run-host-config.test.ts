/**
 * `strata dr run --host-config files`: the selected-files route from the
 * CLI, shown before anything runs and run when asked; the network step's
 * two files printed side by side within 80 columns; a bad route is a usage
 * error, and the route of a configuration already back cannot change.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo, type CliIo } from '../../src/cli/io.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { answeringTerminal, runDr } from '../helpers/lab/dr-run-child.js';

let lab: Lab;
let state: string;
beforeAll(async () => {
  lab = await startLab({ scenario: 'disaster', timeScale: 0.05 });
  state = join(lab.dir, 'state');
});
afterAll(async () => lab?.stop());

const terminal = (answers: string[]) => answeringTerminal(state, answers);

const run = (io: CliIo, extra: string[] = []) => runDr(lab, io, extra);

describe('strata dr run --host-config', () => {
  it('refuses a route it does not know, naming it', async () => {
    const io = memoryIo('', { STRATA_STATE_DIR: state });
    expect(await run(io, ['--host-config', 'rsync'])).toBe(64);
    expect(io.stderr).toContain('--host-config: "rsync" is not a route (config-db or files)');
  });

  it('shows the files route without running it, then runs it on a yes: the network files side by side, the storages back, pve-cluster never stopped', async () => {
    const shown = memoryIo('', { STRATA_STATE_DIR: state });
    expect(await run(shown, ['--host-config', 'files'])).toBe(0);
    expect(shown.stdout).toContain('Host configuration: selected files of the archived /etc/pve');
    expect(shown.stdout).toContain('$ pve1: find /root/strata-restore/etc/pve -type f');
    expect(shown.stdout).not.toContain('systemctl stop pve-cluster');

    const io = terminal([lab.freshNode!.fingerprint, 'y', 'n']);
    expect(await run(io, ['--host-config', 'files'])).toBe(1);
    const rows = io.stdout.split('\n');
    expect(rows).toContainEqual(expect.stringMatching(/^ {3}▲ +bridge-ports eno1 +│ +bridge-ports enp5s0$/));
    expect(rows.filter((r) => r.includes('│')).every((r) => r.length <= 80)).toBe(true);
    expect(io.stdout).toMatch(/-> done: copied datacenter\.cfg, jobs\.cfg, priv\/storage\/pbs1\.enc/);
    const fresh = lab.state.hosts['pve1-new']!;
    expect(fresh.pve!.storages['pbs1']).toBeDefined();
    expect(fresh.pve!.pmxcfsStopped).not.toBe(true);
  });

  it('the route of a configuration already back cannot change on --resume', async () => {
    const io = terminal([]);
    expect(await run(io, ['--resume', '--host-config', 'config-db'])).toBe(1);
    expect(io.stderr).toContain('the host configuration is back already');
  });
});
