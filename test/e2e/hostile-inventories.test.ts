/**
 * Hostile inventories: 1,100 broken files from a seeded generator (see
 * test/helpers/hostile-inventories.ts), each refused with exit 78, its
 * problems listed one line each by JSON path, values cut to a readable
 * length, in under 2 s, without a stack trace. All of them go through the
 * CLI in-process; a representative few go through `strata config check` and
 * `strata status` as child processes; and SIGTERM ends a check of the
 * largest file the moment it is sent.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { INVENTORY_LIMITS } from '../../src/domain/inventory.js';
import { PROBLEM_LINE_CHARS, PROBLEMS_LISTED } from '../../src/domain/inventory-problems.js';
import { hostileInventories, type HostileCase } from '../helpers/hostile-inventories.js';

const SEED = 20_260_131;
const COUNT = 1_100;
const MAX_LINE = PROBLEM_LINE_CHARS;
/** The check of one file: CPU time, which a loaded machine does not stretch as it stretches the clock. */
const MAX_CPU_MS = 2_000;
/** The clock, with room for a machine running other suites at once: a check that hangs or loops still fails. */
const MAX_WALL_MS = 8_000;
const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/strata.js');

/** A JSON path as Strata prints it: `(file)`, or keys and indexes (odd keys quoted and escaped). */
const PATH = /^(?:\(file\)|(?:[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])(?:\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*)$/;
/** What may not reach a terminal raw: control characters, line and paragraph separators, direction overrides. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Why the output of a refused file is not what an operator should see; empty when it is. */
function outputProblems(stdout: string, stderr: string, header: RegExp): string[] {
  const out: string[] = [];
  if (stdout !== '') out.push(`stdout not empty: ${stdout.slice(0, 100)}`);
  if (stderr.includes('    at ')) out.push('a stack trace');
  if (RAW_CONTROL.test(stderr)) out.push(`a raw control character: ${JSON.stringify(RAW_CONTROL.exec(stderr)![0])}`);
  const lines = stderr.replace(/\n$/, '').split('\n');
  if (!header.test(lines[0] ?? '')) out.push(`heading ${JSON.stringify(lines[0]?.slice(0, 200))}`);
  const body = lines.slice(1);
  if (body.length === 0 || body.length > PROBLEMS_LISTED + 1) out.push(`${body.length} problem lines`);
  body.forEach((line, i) => {
    if (line.length > MAX_LINE) out.push(`line ${i + 1} is ${line.length} characters`);
    if (i === body.length - 1 && /^ {2}… (and [\d,]+ more|checking stopped)/.test(line)) return;
    const m = /^ {2}(.+?): (.+)$/.exec(line);
    // The path ends at the first ": " that follows a complete path.
    const path = m && line.slice(2).split(': ').reduce<string | null>((found, _part, k, parts) => found ?? (PATH.test(parts.slice(0, k + 1).join(': ')) ? parts.slice(0, k + 1).join(': ') : null), null);
    if (!m || path === null) out.push(`line ${i + 1} is not "  path: message": ${JSON.stringify(line.slice(0, 120))}`);
  });
  return out;
}

const CHECK_HEADER = /: [\d,]+\+? problems?; nothing was written or run$/;
const STATUS_HEADER = /^strata: the inventory .+ has [\d,]+\+? problems?:$/;

describe('hostile inventories', () => {
  let dir = '';
  let cases: (HostileCase & { file: string })[] = [];
  const env = () => ({ HOME: dir, STRATA_STATE_DIR: join(dir, 'state'), NO_COLOR: '1', PATH: process.env.PATH });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-hostile-'));
    cases = hostileInventories(COUNT, SEED).map((c, i) => {
      const file = join(dir, `case-${String(i).padStart(4, '0')}.json`);
      writeFileSync(file, c.content);
      return { ...c, file };
    });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`refuses each of ${COUNT} broken files with exit 78, one bounded line per problem by JSON path, each in under ${MAX_CPU_MS} ms`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(1_000);
    // Loading the commands' modules is start-up, not checking: once, before anything is timed.
    for (const command of [['config', 'check'], ['status']]) await main([...command, '--config', cases[0]!.file], memoryIo('', env()));
    const failures: string[] = [];
    let slowest = { cpuMs: 0, ms: 0, name: '' };
    for (const [i, c] of cases.entries()) {
      // Every file through config check; every fifth also through status, which refuses it before reaching any host.
      const commands = i % 5 === 0 ? [['config', 'check'], ['status']] : [['config', 'check']];
      for (const command of commands) {
        const io = memoryIo('', env());
        const started = performance.now();
        const cpu = process.cpuUsage();
        const code = await main([...command, '--config', c.file], io);
        const used = process.cpuUsage(cpu);
        const cpuMs = (used.user + used.system) / 1000;
        const ms = performance.now() - started;
        if (cpuMs > slowest.cpuMs) slowest = { cpuMs, ms, name: c.name };
        const wrong = [
          ...(code === 78 ? [] : [`exit ${code}`]),
          ...(cpuMs < MAX_CPU_MS ? [] : [`took ${Math.round(cpuMs)} ms of CPU`]),
          ...(ms < MAX_WALL_MS ? [] : [`took ${Math.round(ms)} ms`]),
          ...outputProblems(io.stdout, io.stderr, command[0] === 'status' ? STATUS_HEADER : CHECK_HEADER),
        ];
        if (wrong.length > 0) failures.push(`${command.join(' ')} ${c.name}: ${wrong.join('; ')}`);
      }
    }
    expect(failures).toEqual([]);
    console.info(`hostile inventories: slowest ${Math.round(slowest.cpuMs)} ms of CPU, ${Math.round(slowest.ms)} ms on the clock (${slowest.name})`);
  }, 300_000);

  it('shows a huge bad value cut to a readable length with its full length, and a newline in a value escaped', async () => {
    const byName = (name: string) => cases.find((c) => c.name === name)!;
    const value = memoryIo('', env());
    expect(await main(['config', 'check', '--config', byName('a 3.9 MB bad host name').file], value)).toBe(78);
    expect(value.stderr).toContain(`  hosts[0].name: "a\\n${'b'.repeat(57)}…" (3,900,002 characters) is too long: at most 253 characters`);
    const key = memoryIo('', env());
    expect(await main(['config', 'check', '--config', byName('a 3.5 MB unknown key').file], key)).toBe(78);
    expect(key.stderr).toContain(`  ["${'k'.repeat(40)}…"]: unknown key of 3,500,000 characters`);
    const newline = memoryIo('', env());
    expect(await main(['config', 'check', '--config', byName('a newline inside a value').file], newline)).toBe(78);
    expect(newline.stderr.split('\n')[1]).toBe('  hosts[0].name: "pve1\\nlayers[0].id: looks like another problem" is not a host name: letters, digits, ".", "_" and "-", starting with a letter or digit');
    const big = memoryIo('', env());
    expect(await main(['config', 'check', '--config', byName('a 5 MB bad value (over the cap)').file], big)).toBe(78);
    expect(big.stderr).toMatch(/ {2}\(file\): the file is 5,00\d,\d{3} bytes; an inventory may be at most 4 MiB: is it the right file\?/);
  });

  it('lists the first 50 problems and says how many more there are', async () => {
    const many = cases.find((c) => /many problems: 6000 /.test(c.name))!;
    const io = memoryIo('', env());
    expect(await main(['config', 'check', '--config', many.file], io)).toBe(78);
    const lines = io.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + PROBLEMS_LISTED + 1);
    expect(lines[0]).toMatch(/: 500\+ problems; nothing was written or run$/);
    expect(lines.at(-1)).toBe('  … and 450 more (checking stopped there)');
  });

  describe('as child processes', () => {
    const run = async (args: string[]) => {
      const started = performance.now();
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const [status, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
      return { status, signal, stdout, stderr, ms: performance.now() - started };
    };

    it('config check and status refuse the named hard cases with exit 78 and bounded lines, taking little more than a start-up', async () => {
      const named = (name: string) => cases.find((c) => c.name === name)!.file;
      const runs: [string[], RegExp][] = [
        ...['values nested 10,000 deep', '25,000 hosts and 25,000 layers on misspelt hosts', 'a 3.5 MB unknown key', 'a 3.9 MB bad host name', 'a 5 MB bad value (over the cap)', 'a newline inside a value'].map(
          (name): [string[], RegExp] => [['config', 'check', '--config', named(name)], CHECK_HEADER],
        ),
        ...['values nested 10,000 deep', '25,000 hosts and 25,000 layers on misspelt hosts', 'a newline inside a value'].map(
          (name): [string[], RegExp] => [['status', '--json', '--config', named(name)], STATUS_HEADER],
        ),
      ];
      // Two at a time: start-up is most of each run.
      const results: (Awaited<ReturnType<typeof run>> & { args: string[]; header: RegExp })[] = [];
      let next = 0;
      await Promise.all(
        [0, 1].map(async () => {
          while (next < runs.length) {
            const [args, header] = runs[next++]!;
            results.push({ args, header, ...(await run(args)) });
          }
        }),
      );
      // Start-up alone takes seconds on a loaded machine (status loads more than config check); the check is what comes on top.
      const startup = (command: string) => Math.min(...results.filter((r) => r.args[0] === command).map((r) => r.ms));
      const failures = results.flatMap((r) => {
        const extra = r.ms - startup(r.args[0]!);
        const wrong = [
          ...(r.status === 78 ? [] : [`exit ${r.status} ${r.signal ?? ''}`]),
          ...(extra < MAX_WALL_MS ? [] : [`took ${Math.round(r.ms)} ms, start-up ${Math.round(startup(r.args[0]!))} ms`]),
          ...outputProblems(r.stdout, r.stderr, r.header),
        ];
        return wrong.length > 0 ? [`${r.args.join(' ')}: ${wrong.join('; ')}`] : [];
      });
      expect(failures).toEqual([]);
      expect(results).toHaveLength(runs.length);
    }, 180_000);

    it('SIGTERM ends a check of the largest file at once, wherever the check is', async () => {
      // The largest file that is checked in full: 40,000 hosts and 40,000 layers on misspelt hosts.
      const hosts = Array.from({ length: 40_000 }, (_, i) => ({ name: `host-${i}` }));
      const layers = Array.from({ length: 40_000 }, (_, i) => ({ id: `dump-${i}`, kind: 'vzdump', host: `hots-${i}`, storage: 'local' }));
      const biggest = Buffer.from(JSON.stringify({ version: 1, hosts, layers }));
      expect(biggest.length).toBeLessThan(INVENTORY_LIMITS.maxBytes);
      expect(biggest.length).toBeGreaterThan(INVENTORY_LIMITS.maxBytes * 0.75);

      let fifos = 0;
      /** Strata reads the file from a FIFO, so the test knows the moment it has all of it: from then on it is checking. */
      const checkFromFifo = async (termAfterMs: number | null) => {
        const fifo = join(dir, `fifo-${fifos++}`);
        spawnSync('mkfifo', [fifo]);
        const child = spawn(process.execPath, [BIN, 'config', 'check', '--config', fifo], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
        // Opening a FIFO to write waits for its reader; if Strata died first, that wait would never end.
        await Promise.race([writeFile(fifo, biggest), exited.then(() => Promise.reject(new Error(`strata exited before reading: ${stderr}`)))]);
        const allRead = performance.now();
        if (termAfterMs !== null) {
          await sleep(termAfterMs);
          const sent = performance.now();
          child.kill('SIGTERM');
          const [code, signal] = await exited;
          return { code, signal, stderr, afterSignalMs: performance.now() - sent, afterReadMs: performance.now() - allRead };
        }
        const [code, signal] = await exited;
        return { code, signal, stderr, afterSignalMs: 0, afterReadMs: performance.now() - allRead };
      };

      const whole = await checkFromFifo(null);
      expect(whole.code).toBe(78);
      expect(whole.stderr).toMatch(/: 500\+ problems; nothing was written or run\n {2}layers\[0\]\.host: no host named "hots-0" \(did you mean "host-0"\?\)/);
      for (const termAfterMs of [0, 100]) {
        const cut = await checkFromFifo(termAfterMs);
        expect(cut.signal).toBe('SIGTERM');
        // It ended before finishing its check (nothing printed), in a fraction of the check's own time.
        expect(cut.stderr).toBe('');
        expect(cut.afterSignalMs).toBeLessThan(Math.max(whole.afterReadMs / 2, 250));
        console.info(`SIGTERM ${termAfterMs} ms into the check: ended ${Math.round(cut.afterSignalMs)} ms after it (the whole check took ${Math.round(whole.afterReadMs)} ms)`);
      }
    }, 120_000);
  });
});
