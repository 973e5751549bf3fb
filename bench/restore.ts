/**
 * `npm run bench -- restore [runs]`: a guest restore streamed through
 * Strata (the restore engine's run: journaled, every line read for its
 * progress, the checks after) against the same `qmrestore` through `ssh
 * host cmd` with the OpenSSH client, its output read to the end, on the lab
 * at time scale 1 (a VMA restore of a 500 GiB guest plays in about 9 s).
 * Runs alternate; medians compared. Target: wall-time ratio at most 1.02.
 * Then the TUI's half of the target, keypress-to-frame p95 < 50 ms
 * while a restore streams progress (bench/tui.ts measures it).
 * Prints, does not assert.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateInventory } from '../src/domain/inventory.js';
import { startLab } from '../src/lab/index.js';
import { composeServices } from '../src/services/root.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `ssh host 'line'` as a script does it; stdout and stderr read to the end, as a person watching it would. */
function viaSsh(port: number, identityFile: string, line: string): Promise<{ ms: number; lines: number; code: number | null }> {
  const args = ['-i', identityFile, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-F', '/dev/null', '-p', String(port), 'root@127.0.0.1', line];
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    child.stdout.on('data', (d: Buffer) => (lines += d.toString('utf8').split('\n').length - 1));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t, lines, code }));
  });
}

export async function run(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 3);
  const lab = await startLab({ scenario: 'healthy', timeScale: 1 });
  const state = mkdtempSync(join(tmpdir(), 'strata-bench-restore-'));
  const v = validateInventory(lab.config);
  if (!v.ok) throw new Error('the lab inventory is invalid');
  const services = composeServices({ inventory: v.inventory, configPath: lab.configPath, env: { STRATA_STATE_DIR: state } });
  const pve1 = lab.hosts.find((h) => h.name === 'pve1')!;
  const guests = lab.state.hosts.pve1!.pve!.guests;
  try {
    const list = await services.restore.sources({ assetId: 'vm/111', layerId: 'pve1-dump' });
    const source = list.sources[0]!;
    const strata: number[] = [];
    const steps: number[] = [];
    const ssh: number[] = [];
    let lines = 0;
    for (let i = 0; i < runs; i++) {
      const vmid = 900 + i * 2;
      const plan = await services.restore.plan({ assetId: 'vm/111', sourceId: source.id, target: { kind: 'new', vmid } });
      let t = performance.now();
      const r = await services.restore.run(plan);
      strata.push(performance.now() - t);
      if (r.state !== 'restored') throw new Error(`the restore through Strata ended ${r.state}: ${r.summary}`);
      steps.push((r.restoreSeconds ?? 0) * 1000);
      const line = plan.commands[0]!.command.replace(` ${vmid} `, ` ${vmid + 1} `);
      t = performance.now();
      const s = await viaSsh(pve1.port, lab.identityFile, line);
      ssh.push(s.ms);
      lines = s.lines;
      if (s.code !== 0) throw new Error(`ssh ${line} exited with ${s.code}`);
      delete guests[String(vmid)];
      delete guests[String(vmid + 1)];
    }
    const ratio = median(strata) / median(ssh);
    const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;
    console.log(`restore of vm/111 (VMA, 500 GiB disk, ${lines} output lines), ${runs} runs each, lab time scale 1:`);
    console.log(`  through Strata (plan run: journaled, progress read, disk check): ${fmt(strata)}`);
    console.log(`    of which the qmrestore step itself:                           ${fmt(steps)}`);
    console.log(`  through ssh host cmd (OpenSSH, new connection):                 ${fmt(ssh)}`);
    console.log(`  wall-time ratio Strata / ssh: ${ratio.toFixed(3)} (target <= 1.02: ${ratio <= 1.02 ? 'met' : 'NOT met'})`);
  } finally {
    await services.close();
    await lab.stop();
    rmSync(state, { recursive: true, force: true });
  }
  // The TUI's half of the target, measured by bench/tui.ts (`npm run bench -- tui restore` alone).
  const { keypressWhileRestoring, restoreLine } = await import('./tui.js');
  console.log('keypress to frame in the restore wizard while a PBS restore streams progress (target p95 < 50 ms):');
  console.log(restoreLine(await keypressWhileRestoring(60)));
}
