/**
 * `npm run bench -- metrics [--hosts 50] [--scrapes 200]`: `strata metrics
 * --listen` on the simulated lab of N hosts (the extra ones Proxmox nodes with
 * a dozen guests each), in this process:
 *  - a scrape served from the cached reading: GET /metrics over loopback,
 *    timed at the client, after the first reading is in (target: < 50 ms);
 *  - the text of a reading of N hosts generated: the families from the status
 *    and the exposition text, as `strata metrics` and each new reading do it
 *    (target: < 100 ms).
 * Prints medians, p95 and max of wall time, the CPU time per scrape or text
 * (the figure a loaded machine disturbs least: the load average is printed
 * beside it), the page's size and series, and the first reading's wall time.
 */
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen } from '../src/cli/metrics.js';
import { validateInventory } from '../src/domain/inventory.js';
import { startLab } from '../src/lab/index.js';
import { exposition } from '../src/services/metrics/exposition.js';
import { statusMetrics } from '../src/services/metrics/status-metrics.js';
import { composeServices } from '../src/services/root.js';

const SCRAPE_TARGET_MS = 50;
const TEXT_TARGET_MS = 100;

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} takes a whole number above 0`);
  return v;
}

interface Figures {
  readonly median: number;
  readonly p95: number;
  readonly max: number;
}

function figures(ms: number[]): Figures {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1]! };
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const show = (f: Figures) => `median ${f.median.toFixed(2)} ms, p95 ${f.p95.toFixed(2)} ms, max ${f.max.toFixed(2)} ms`;
const verdict = (f: Figures, target: number) => (f.p95 < target ? `ok (p95 under ${target} ms)` : f.median < target ? `median under ${target} ms, p95 over` : `OVER ${target} ms`);

export async function run(args: string[]): Promise<void> {
  const hosts = flag(args, 'hosts', 50);
  const scrapes = flag(args, 'scrapes', 200);
  const lab = await startLab({ extraPveNodes: Math.max(0, hosts - 5), latencyMs: 0 });
  const v = validateInventory(lab.config);
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  const env = { ...process.env, STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-bench-metrics-')) };
  const session = composeServices({ inventory: v.inventory, configPath: lab.configPath, env, readOnly: true });
  try {
    // A long interval: every timed scrape is answered from the cache, none starts a reading.
    const served = await listen(session, { host: '127.0.0.1', port: 0 }, 3_600_000);
    try {
      const url = `${served.server.url.replace(/\/$/, '')}${served.server.url.endsWith('/metrics') ? '' : '/metrics'}`;
      const t0 = performance.now();
      const first = await (await fetch(url)).text();
      const firstMs = performance.now() - t0;
      const reading = served.cache.reading;
      if (!reading) throw new Error(`no reading: ${served.cache.error ?? first.slice(0, 200)}`);
      const { report } = reading;
      const series = first.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
      process.stdout.write(
        `lab: ${report.hosts.length} hosts, ${report.layers.length} layers, ${report.assets.length} workloads; ` +
          `first scrape (the whole reading) ${firstMs.toFixed(0)} ms; page ${(first.length / 1024).toFixed(1)} KiB, ${series} series\n`,
      );

      for (let i = 0; i < 20; i++) await (await fetch(url)).text();
      process.stdout.write(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs\n`);
      const scrapeMs: number[] = [];
      const scrapeCpu = process.cpuUsage();
      for (let i = 0; i < scrapes; i++) {
        const s = performance.now();
        const res = await fetch(url);
        const body = await res.text();
        scrapeMs.push(performance.now() - s);
        if (res.status !== 200 || body.length < first.length / 2) throw new Error(`scrape ${i}: ${res.status}, ${body.length} bytes`);
      }
      if (served.cache.reading !== reading) throw new Error('a timed scrape started a new reading: the figures are not of the cache');
      const scrapeCpuMs = cpuMs(process.cpuUsage(scrapeCpu)) / scrapes;
      const scrape = figures(scrapeMs);
      process.stdout.write(`scrape from cache (${scrapes} GETs, server and client): ${show(scrape)}, CPU ${scrapeCpuMs.toFixed(2)} ms each  ${verdict(scrape, SCRAPE_TARGET_MS)}\n`);

      for (let i = 0; i < 10; i++) exposition(statusMetrics(reading));
      const textMs: number[] = [];
      const textCpu = process.cpuUsage();
      let bytes = 0;
      for (let i = 0; i < scrapes; i++) {
        const s = performance.now();
        bytes = exposition(statusMetrics(reading)).length;
        textMs.push(performance.now() - s);
      }
      const textCpuMs = cpuMs(process.cpuUsage(textCpu)) / scrapes;
      const text = figures(textMs);
      process.stdout.write(`text for ${report.hosts.length} hosts (${scrapes} runs, ${(bytes / 1024).toFixed(1)} KiB): ${show(text)}, CPU ${textCpuMs.toFixed(2)} ms each  ${verdict(text, TEXT_TARGET_MS)}\n`);
    } finally {
      await served.close();
    }
  } finally {
    await session.close();
    await lab.stop();
  }
}
