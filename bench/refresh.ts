/**
 * `npm run bench -- refresh [--sizes 1,10,50] [--latencies 0,20]`: one full
 * refresh of every layer against the simulated lab, for N hosts and injected
 * latencies, two ways in one run:
 *  - Strata's collector (a fresh process: cold connections, then a warm
 *    second round as the TUI's poller sees it);
 *  - a shell-script baseline running the very same probe commands with the
 *    OpenSSH client, one after another (`ssh host 'cmd'`), as cron scripts do.
 * Prints wall time, CPU time and peak RSS, and the ratio. Targets: 50 hosts at
 * 20 ms in under 1.5 s, and at least 10x faster than the baseline.
 * Then the journal rows: a refresh through the store as the panel does it
 * (composition root, journal evidence, one evaluation), with no journal and
 * with a journal of 100,000 entries; target: within 10 % of each other.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { appStore } from '../src/cli/app.js';
import { composeServices } from '../src/services/root.js';
import { journalLine } from '../src/services/journal/journal-file.js';
import { validateInventory } from '../src/domain/inventory.js';
import { startLab } from '../src/lab/index.js';
import { readStatus } from '../src/services/status-service.js';
import type { Command } from '../src/transport/command.js';
import type { Runner } from '../src/transport/runner.js';
import { execLine, shellQuote } from '../src/transport/shell-script.js';

const run$ = promisify(execFile);
const self = fileURLToPath(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

interface Recorded {
  host: string;
  line: string;
  stdin: string;
}

interface StrataFigures {
  coldMs: number;
  warmMs: number;
  cpuMs: number;
  maxRssMb: number;
  overall: string;
  layers: number;
  commands: Recorded[];
}

/** In a fresh child process: one cold and one warm refresh of the given hosts. */
export async function child(configPath: string, hostsArg: string): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const v = validateInventory(JSON.parse(readFileSync(configPath, 'utf8')));
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  const session = composeServices({ inventory: v.inventory, configPath, env: {} });
  const hosts = hostsArg === '*' ? undefined : hostsArg.split(',');
  const commands: Recorded[] = [];
  const recording = (host: string): Runner => {
    const r = session.pool.get(host);
    const note = (cmd: Command) => {
      const { line, stdinPrefix } = execLine(cmd);
      commands.push({ host, line, stdin: stdinPrefix });
    };
    return {
      host,
      run: (cmd, o) => (note(cmd), r.run(cmd, o)),
      stream: (cmd, o) => (note(cmd), r.stream(cmd, o)),
      close: () => r.close(),
    };
  };
  const deps = { ...session.collector, runnerFor: recording };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const cold = await readStatus(v.inventory, deps, hosts ? { hosts } : {});
  const coldMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const recorded = commands.splice(0);
  const t1 = performance.now();
  await readStatus(v.inventory, deps, hosts ? { hosts } : {});
  const warmMs = performance.now() - t1;
  await session.close();
  const f: StrataFigures = {
    coldMs,
    warmMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    overall: cold.report.overall,
    layers: cold.report.layers.length,
    commands: recorded,
  };
  process.stdout.write(`${JSON.stringify(f)}\n`);
}

async function strata(configPath: string, hosts: string[] | '*'): Promise<StrataFigures> {
  const code = `await (await import(${JSON.stringify(self)})).child(${JSON.stringify(configPath)}, ${JSON.stringify(hosts === '*' ? '*' : hosts.join(','))})`;
  const { stdout } = await run$(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    maxBuffer: 64 * 2 ** 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as StrataFigures;
}

/** The same commands through `ssh host 'line'`, one after another, in one bash script. */
async function baseline(
  commands: Recorded[],
  endpoint: (host: string) => { port: number },
  identityFile: string,
  dir: string,
): Promise<{ wallMs: number; cpuMs: number }> {
  const opts = ['-i', identityFile, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'];
  const lines = ['#!/bin/bash', 'set -u'];
  for (const c of commands) {
    const argv = ['ssh', ...opts, '-p', String(endpoint(c.host).port), 'root@127.0.0.1', c.line];
    const input = c.stdin ? `<<< ${shellQuote(c.stdin.replace(/\n$/, ''))}` : '</dev/null';
    lines.push(`${argv.map(shellQuote).join(' ')} ${input} >/dev/null 2>&1`);
  }
  lines.push('times');
  const script = join(dir, 'baseline.sh');
  writeFileSync(script, `${lines.join('\n')}\n`, { mode: 0o755 });
  const t0 = performance.now();
  const { stdout } = await run$('bash', [script], { maxBuffer: 16 * 2 ** 20 });
  const wallMs = performance.now() - t0;
  // `times`: shell user/sys, then children's user/sys, as "0m1.234s 0m0.456s".
  const secs = [...stdout.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  const cpuMs = secs.reduce((a, b) => a + b, 0) * 1000;
  return { wallMs, cpuMs };
}

function flag(args: string[], name: string, fallback: number[]): number[] {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  return (args[i + 1] ?? '').split(',').map(Number);
}

interface JournalFigures {
  coldMs: number;
  warmMs: number;
  journalBytesRead: number;
  overall: string;
}

/** In a fresh child process: refreshes through the store, as the panel does, with the given state directory. */
export async function journalChild(configPath: string, stateDir: string): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const v = validateInventory(JSON.parse(readFileSync(configPath, 'utf8')));
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  const services = composeServices({ inventory: v.inventory, configPath, env: { STRATA_STATE_DIR: stateDir } });
  const store = appStore(services);
  const t0 = performance.now();
  const report = await store.getState().refresh({ hosts: ['pve1'] });
  const coldMs = performance.now() - t0;
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await store.getState().refresh({ hosts: ['pve1'] });
    warm.push(performance.now() - t);
  }
  await services.close();
  const { statSync } = await import('node:fs');
  let journalBytesRead = 0;
  try {
    journalBytesRead = statSync(join(stateDir, 'journal.jsonl')).size;
  } catch {
    // no journal
  }
  const f: JournalFigures = { coldMs, warmMs: warm.sort((a, b) => a - b)[2]!, journalBytesRead, overall: report?.overall ?? 'none' };
  process.stdout.write(`${JSON.stringify(f)}\n`);
}

async function journalRun(configPath: string, stateDir: string): Promise<JournalFigures> {
  const code = `await (await import(${JSON.stringify(self)})).journalChild(${JSON.stringify(configPath)}, ${JSON.stringify(stateDir)})`;
  const { stdout } = await run$(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as JournalFigures;
}

/** A journal of `n` entries as Strata writes them: a start, two commands and an end per action, verifies among them. */
function writeJournal(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  const layers = ['pve1-dump', 'pbs-local', 'restic-usb', 'nas-snap'];
  const chunks: string[] = [];
  const t0 = Date.now() - n * 60_000;
  for (let i = 0; chunks.length < n; i++) {
    const at = new Date(t0 + i * 60_000).toISOString();
    const layerId = layers[i % layers.length]!;
    const kind = i % 3 === 0 ? 'verify' : 'run';
    const actionId = `bench-${i}`;
    const request = { kind, layerId } as const;
    chunks.push(journalLine({ type: 'action-start', at, operator: 'bench', actionId, title: `${kind} ${layerId}`, request, changesHost: kind === 'run', steps: [{ host: 'pve1', command: 'vzdump --all 1', description: 'back up' }] }));
    for (let c = 0; c < 2; c++) {
      chunks.push(journalLine({ type: 'command', at, operator: 'bench', actionId, host: 'pve1', command: `vzdump --storage local-backup --mode snapshot # ${c}`, exitCode: 0, durationMs: 1234 }));
    }
    chunks.push(journalLine({ type: 'action-end', at, operator: 'bench', actionId, title: `${kind} ${layerId}`, request, state: 'ok', exitCode: 0, summary: 'ok', ...(kind === 'verify' ? { verified: 'ok' as const } : {}), durationMs: 1234 }));
  }
  writeFileSync(join(dir, 'journal.jsonl'), chunks.slice(0, n).join(''));
}

async function journalRows(): Promise<void> {
  const lab = await startLab({ extraPveNodes: 0, latencyMs: 0 });
  try {
    const empty = join(lab.dir, 'state-empty');
    const full = join(lab.dir, 'state-100k');
    writeJournal(full, 100_000);
    process.stdout.write('\njournal (refresh of pve1 through the store; medians of 5 starts) | cold      warm\n');
    const first = await journalRun(lab.configPath, full);
    // Alternating runs, medians: one child's cold start is at the mercy of the machine.
    const nones: JournalFigures[] = [];
    const agains: JournalFigures[] = [];
    for (let i = 0; i < 5; i++) {
      nones.push(await journalRun(lab.configPath, empty));
      agains.push(await journalRun(lab.configPath, full));
    }
    const median = (fs: JournalFigures[]): JournalFigures => ({
      ...fs[0]!,
      coldMs: fs.map((f) => f.coldMs).sort((a, b) => a - b)[2]!,
      warmMs: fs.map((f) => f.warmMs).sort((a, b) => a - b)[2]!,
    });
    const none = median(nones);
    const again = median(agains);
    const line = (name: string, f: JournalFigures) => `${name.padEnd(62)} | ${f.coldMs.toFixed(0).padStart(6)} ms ${f.warmMs.toFixed(0).padStart(6)} ms`;
    process.stdout.write(`${line('no journal', none)}\n`);
    process.stdout.write(`${line(`100,000 entries, first start (${(first.journalBytesRead / 2 ** 20).toFixed(0)} MB read)`, first)}\n`);
    process.stdout.write(`${line('100,000 entries, later starts', again)}\n`);
    process.stdout.write(
      `ratio 100k/none: warm ${(again.warmMs / none.warmMs).toFixed(2)}, cold ${(again.coldMs / none.coldMs).toFixed(2)} (target: within 1.10)\n`,
    );
  } finally {
    await lab.stop();
  }
}

export async function run(args: string[]): Promise<void> {
  if (args.includes('--journal-only')) return journalRows();
  const sizes = flag(args, '--sizes', [1, 10, 50]);
  const latencies = flag(args, '--latencies', [0, 20]);
  const rows: string[] = [];
  const pad = (s: string, n: number) => s.padStart(n);
  process.stdout.write('hosts latency | strata cold  warm   cpu   rss    | script wall    cpu    | ratio (cold)\n');
  for (const latencyMs of latencies) {
    for (const n of sizes) {
      const lab = await startLab({ extraPveNodes: Math.max(0, n - 5), latencyMs });
      try {
        const hosts = n === 1 ? ['pve1'] : '*';
        const s = await strata(lab.configPath, hosts);
        const b = await baseline(s.commands, (h) => lab.hosts.find((x) => x.name === h)!, lab.identityFile, lab.dir);
        const row =
          `${pad(String(n), 5)} ${pad(`${latencyMs} ms`, 7)} | ` +
          `${pad(s.coldMs.toFixed(0), 6)} ms ${pad(s.warmMs.toFixed(0), 5)} ms ${pad(s.cpuMs.toFixed(0), 5)} ms ${pad(s.maxRssMb.toFixed(0), 4)} MB | ` +
          `${pad(b.wallMs.toFixed(0), 7)} ms ${pad(b.cpuMs.toFixed(0), 6)} ms | ` +
          `${(b.wallMs / s.coldMs).toFixed(1)}x  (${s.commands.length} commands, ${s.layers} layers, overall ${s.overall})`;
        rows.push(row);
        process.stdout.write(`${row}\n`);
      } finally {
        await lab.stop();
      }
    }
  }
  process.stdout.write('targets: 50 hosts at 20 ms under 1500 ms cold; script / strata >= 10x\n');
  await journalRows();
}
