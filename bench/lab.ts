/**
 * `npm run bench -- lab`: how fast the simulated homelab starts and how much
 * memory it holds, for the homelab (5 hosts) and for 50 hosts (45 extra PVE
 * nodes), each in a fresh process; and one full `strata status` round over
 * SSH against each (every probe of every layer, through the real runner).
 * Targets: the homelab starts in a few hundred ms, 50 hosts in a few seconds,
 * light on memory. Prints, does not assert.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { startLab } from '../src/lab/index.js';

const self = fileURLToPath(import.meta.url);

interface Figures {
  hosts: number;
  startMs: number;
  rssMb: number;
  heapMb: number;
  statusMs: number;
  statusOverall: string;
  stopMs: number;
}

/** One measurement, in this (fresh) process. */
export async function once(extra: number): Promise<void> {
  // Modules loaded first: the start time is the lab's work, not the compiler's.
  const baseRss = process.memoryUsage().rss;
  global.gc?.();
  const baseHeap = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const lab = await startLab({ extraPveNodes: extra });
  const startMs = performance.now() - t0;
  global.gc?.();
  const mem = process.memoryUsage();
  const io = memoryIo('', {});
  const t1 = performance.now();
  await main(['status', '--config', lab.configPath, '--json'], io);
  const statusMs = performance.now() - t1;
  const overall = (JSON.parse(io.stdout || '{}') as { overall?: string }).overall ?? `failed: ${io.stderr.slice(0, 80)}`;
  const t2 = performance.now();
  await lab.stop();
  const f: Figures = {
    hosts: lab.hosts.length,
    startMs,
    rssMb: (mem.rss - baseRss) / 2 ** 20,
    heapMb: (mem.heapUsed - baseHeap) / 2 ** 20,
    statusMs,
    statusOverall: overall,
    stopMs: performance.now() - t2,
  };
  process.stdout.write(`${JSON.stringify(f)}\n`);
}

function measure(extra: number): Figures {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', `await (await import(${JSON.stringify(self)})).once(${extra})`], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`lab bench child failed: ${r.stderr.slice(-800)}`);
  return JSON.parse(line) as Figures;
}

export async function run(args: string[]): Promise<void> {
  const rounds = Math.max(1, Number(args[0] ?? 3));
  for (const [label, extra] of [['homelab', 0], ['50 hosts', 45]] as const) {
    const all = Array.from({ length: rounds }, () => measure(extra));
    const med = (k: keyof Figures) => {
      const v = all.map((f) => f[k] as number).sort((a, b) => a - b);
      return v[Math.floor(v.length / 2)]!;
    };
    process.stdout.write(
      `${label.padEnd(9)} ${String(all[0]!.hosts).padStart(3)} hosts  start ${med('startMs').toFixed(0).padStart(5)} ms  ` +
        `heap +${med('heapMb').toFixed(1)} MB  rss +${med('rssMb').toFixed(1)} MB  ` +
        `status round ${med('statusMs').toFixed(0).padStart(5)} ms (${all[0]!.statusOverall})  stop ${med('stopMs').toFixed(0)} ms  [median of ${rounds} fresh processes]\n`,
    );
  }
}
