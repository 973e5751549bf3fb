/**
 * The real Prometheus and promtool (Debian's `prometheus` package) for the
 * metrics tests: promtool's checks, and a Prometheus on loopback scraping a
 * target at a short interval, asked through its HTTP API.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `promtool check metrics` on the text, as a pipe from a scrape would give it. */
export function promtoolCheckMetrics(text: string): ToolRun {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function promtool(args: string[], cwd?: string): ToolRun {
  const r = spawnSync('promtool', args, { encoding: 'utf8', ...(cwd ? { cwd } : {}) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface RunningPrometheus {
  readonly url: string;
  /** The instant vector of a PromQL expression, as [labels, value] pairs. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  /** Polls `query` until `ok` accepts its result, or fails after `timeoutMs` with the last result. */
  until<T>(expr: string, ok: (r: { metric: Record<string, string>; value: number }[]) => T | undefined, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/** Starts Prometheus on 127.0.0.1 scraping `target` (host:port) every `intervalSeconds`, with the rule files given. */
export async function startPrometheus(opts: { target: string; intervalSeconds?: number; ruleFiles?: string[] }): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-prometheus-'));
  const interval = `${opts.intervalSeconds ?? 1}s`;
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    ...(opts.ruleFiles?.length ? ['rule_files:', ...opts.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : []),
    'scrape_configs:',
    '  - job_name: strata',
    `    scrape_timeout: ${interval}`,
    '    static_configs:',
    `      - targets: [${JSON.stringify(opts.target)}]`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-8000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const ended = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await ended;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const query = async (expr: string) => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (body.status !== 'success') throw new Error(`prometheus: ${expr}: ${body.error}`);
    return body.data!.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };
  const until = async <T>(expr: string, ok: (r: { metric: Record<string, string>; value: number }[]) => T | undefined, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const r = await query(expr);
        last = r;
        const v = ok(r);
        if (v !== undefined) return v;
      } catch (e) {
        last = e;
      }
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${log}`);
      if (Date.now() > deadline) throw new Error(`prometheus: ${expr} never matched; last: ${JSON.stringify(last instanceof Error ? last.message : last)}\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  // Ready when its API answers.
  await until('vector(1)', (r) => (r.length === 1 ? true : undefined), 30_000).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  return { url, query, until, stop };
}
