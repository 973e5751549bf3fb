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
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { composeServices } from '../src/services/root.js';
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

export async function run(args: string[]): Promise<void> {
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
}
