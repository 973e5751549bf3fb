import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CachedReading } from '../../../src/services/metrics/cached-reading.js';
import { parseListenAddress, serveMetrics } from '../../../src/services/metrics/http-server.js';
import type { MetricsReading } from '../../../src/services/metrics/status-metrics.js';
import { writeTextfile } from '../../../src/services/metrics/textfile.js';
import { host, report } from '../../helpers/outputs/reports.js';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A reader whose readings the test finishes by hand, counting how many were started. */
function manualReader(clock: { now: number }) {
  const pending: { resolve: (r: MetricsReading) => void; reject: (e: Error) => void }[] = [];
  let started = 0;
  return {
    get started() {
      return started;
    },
    read: () => {
      started++;
      return new Promise<MetricsReading>((resolve, reject) => pending.push({ resolve, reject }));
    },
    finish(n: number) {
      pending.shift()!.resolve({ report: report({ hosts: [host(`reading${n}`)] }), readAtMs: clock.now });
    },
    fail(message: string) {
      pending.shift()!.reject(new Error(message));
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('the cached reading behind --listen', () => {
  it('makes the first scrape wait for the first reading, and serves later scrapes at once from the cache', async () => {
    const clock = { now: 1_000_000 };
    const reader = manualReader(clock);
    const cache = new CachedReading({ read: reader.read, minIntervalMs: 60_000, nowMs: () => clock.now });
    let first: string | undefined;
    const firstPage = cache.page().then((t) => (first = t));
    await tick();
    expect(first).toBeUndefined();
    reader.finish(1);
    await firstPage;
    expect(first).toContain('strata_host_health{host="reading1"} 0');
    clock.now += 10_000;
    const second = await cache.page();
    expect(reader.started).toBe(1);
    expect(sample(second, 'strata_metrics_cache_age_seconds')).toBe(10);
  });

  it('starts one reading at a time, at most one per interval, however many scrapes come', async () => {
    const clock = { now: 1_000_000 };
    const reader = manualReader(clock);
    const cache = new CachedReading({ read: reader.read, minIntervalMs: 60_000, nowMs: () => clock.now });
    const pages = [cache.page(), cache.page(), cache.page()];
    await tick();
    expect(reader.started).toBe(1);
    reader.finish(1);
    await Promise.all(pages);
    clock.now += 59_000;
    await cache.page();
    expect(reader.started).toBe(1);
    clock.now += 2_000;
    // Older than the interval: this scrape is still served from the cache, and starts a reading.
    const stale = await cache.page();
    expect(stale).toContain('host="reading1"');
    expect(sample(stale, 'strata_metrics_cache_age_seconds')).toBe(61);
    await cache.page();
    await cache.page();
    expect(reader.started).toBe(2);
    reader.finish(2);
    await cache.idle();
    const fresh = await cache.page();
    expect(fresh).toContain('host="reading2"');
    expect(fresh).not.toContain('host="reading1"');
    expect(sample(fresh, 'strata_metrics_reads_total')).toBe(2);
  });

  it('keeps serving the last good reading when one fails, and says so; waits the interval before trying again', async () => {
    const clock = { now: 1_000_000 };
    const reader = manualReader(clock);
    const cache = new CachedReading({ read: reader.read, minIntervalMs: 1000, nowMs: () => clock.now });
    const p = cache.page();
    await tick();
    reader.finish(1);
    await p;
    clock.now += 1500;
    await cache.page();
    reader.fail('every host timed out');
    await cache.idle();
    const page = await cache.page();
    expect(page).toContain('host="reading1"');
    expect(sample(page, 'strata_metrics_last_read_failed')).toBe(1);
    expect(sample(page, 'strata_metrics_read_failures_total')).toBe(1);
    expect(cache.error).toBe('every host timed out');
    expect(reader.started).toBe(2);
  });

  it('rejects the first scrape with the reason when the first reading fails', async () => {
    const clock = { now: 0 };
    const reader = manualReader(clock);
    const cache = new CachedReading({ read: reader.read, minIntervalMs: 1000, nowMs: () => clock.now });
    const p = cache.page();
    await tick();
    reader.fail('the inventory names no host');
    await expect(p).rejects.toThrow(/no reading of the estate yet: the inventory names no host/);
  });
});

describe('the /metrics server', () => {
  it('serves /metrics with the exposition content type, / with a pointer, 404 elsewhere, 405 for other methods, 503 with the reason', async () => {
    let fail = false;
    const server = await serveMetrics({ host: '127.0.0.1', port: 0 }, async () => {
      if (fail) throw new Error('no reading of the estate yet: pbs1 refused');
      return 'strata_health 0\n';
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const m = await fetch(`${base}/metrics`);
      expect(m.status).toBe(200);
      expect(m.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await m.text()).toBe('strata_health 0\n');
      expect((await fetch(`${base}/`)).status).toBe(200);
      expect((await fetch(`${base}/other`)).status).toBe(404);
      expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
      fail = true;
      const down = await fetch(`${base}/metrics`);
      expect(down.status).toBe(503);
      expect(await down.text()).toContain('pbs1 refused');
    } finally {
      await server.close();
    }
  });

  it('reads listen addresses as Prometheus exporters take them', () => {
    expect(parseListenAddress('127.0.0.1:9155')).toEqual({ host: '127.0.0.1', port: 9155 });
    expect(parseListenAddress('[::1]:9155')).toEqual({ host: '::1', port: 9155 });
    expect(parseListenAddress(':9155')).toEqual({ host: undefined, port: 9155 });
    expect(parseListenAddress('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    for (const bad of ['9155', '127.0.0.1', 'a:b', '1.2.3.4:70000', '::1:9155', '']) expect(parseListenAddress(bad), bad).toBeNull();
  });
});

describe('the textfile for node_exporter', () => {
  it('replaces strata.prom whole: a reader never sees a half-written page, and no temporary file is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-textfile-'));
    const pages = ['a', 'b', 'c'].map((c) => `# HELP strata_x x\n# TYPE strata_x gauge\n${`strata_x{v="${c.repeat(200)}"} 1\n`.repeat(2000)}`);
    writeFileSync(join(dir, 'strata.prom'), pages[0]!);
    let writing = true;
    const seen = new Set<string>();
    const reading = (async () => {
      while (writing) {
        seen.add(readFileSync(join(dir, 'strata.prom'), 'utf8'));
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 60; i++) await writeTextfile(dir, pages[i % 3]!);
    writing = false;
    await reading;
    for (const s of seen) expect(pages).toContain(s);
    expect(readdirSync(dir)).toEqual(['strata.prom']);
  });

  it('fails without leaving a temporary file when the directory does not exist', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'strata-textfile-')), 'missing');
    await expect(writeTextfile(dir, 'strata_x 1\n')).rejects.toThrow(/ENOENT/);
  });
});
