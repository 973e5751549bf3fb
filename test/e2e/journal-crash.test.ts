/**
 * The journal survives crashes: Strata processes appending through the real
 * Journal are killed with SIGKILL at 100 seeded random moments, four at a
 * time on one journal. Afterwards `strata journal --json` reads it, every
 * acknowledged entry is there, and no more is lost than the one line each
 * kill may have cut short.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { rng } from '../helpers/nasty-strings.js';

const KILLS = 100;
const LANES = 4;
const SEED = 9_4001;
const ROOT = join(import.meta.dirname, '../..');

interface Run {
  readonly run: number;
  /** Sequence numbers the child printed: appended, fsync'd, acknowledged. */
  readonly acked: number[];
}

describe('the journal under SIGKILL', () => {
  let dir = '';
  let appender = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-journal-crash-'));
    // One bundled file starts in a tenth of the time tsx takes, so a hundred short runs fit in seconds.
    appender = join(dir, 'append-until-killed.mjs');
    await build({ entryPoints: [join(import.meta.dirname, '../helpers/journal/append-until-killed.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: appender, logLevel: 'warning' });
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`loses no acknowledged entry in ${KILLS} kills at random moments, at most the line each kill cut short`, async () => {
    const journalPath = join(dir, 'journal.jsonl');
    const random = rng(SEED);
    // Drawn up front, so the moments do not depend on how the lanes interleave.
    const moments = Array.from({ length: KILLS }, () => (random() < 0.15 ? { beforeFirstAck: true, ms: random() * 400 } : { beforeFirstAck: false, ms: random() * 60 }));
    const started = performance.now();

    const killOnce = async (run: number): Promise<Run> => {
      const moment = moments[run]!;
      const child: ChildProcess = spawn(process.execPath, [appender, journalPath, String(run)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let firstAck: () => void = () => undefined;
      const acked = new Promise<void>((resolve) => (firstAck = resolve));
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) firstAck();
      });
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      if (moment.beforeFirstAck) await sleep(moment.ms);
      else {
        await Promise.race([acked, exited]);
        await sleep(moment.ms);
      }
      child.kill('SIGKILL');
      const [code, signal] = await exited;
      if (signal !== 'SIGKILL') throw new Error(`run ${run} ended by itself (exit ${code}): ${err}`);
      // Only whole lines: each is printed after its append resolved.
      const lines = out.split('\n').slice(0, -1);
      return { run, acked: lines.map(Number) };
    };

    const runs: Run[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        while (next < KILLS) runs.push(await killOnce(next++));
      }),
    );
    const elapsedMs = performance.now() - started;

    const io = memoryIo('', { STRATA_STATE_DIR: dir });
    expect(await main(['journal', '--json'], io)).toBe(0);
    const doc = JSON.parse(io.stdout) as {
      entries: { operator: string; command: string }[];
      skipped: { line: number; message: string }[];
    };
    const seen = new Map<number, number[]>();
    for (const e of doc.entries) {
      const [, run, seq] = e.command.split(' ').map(Number);
      seen.set(run!, [...(seen.get(run!) ?? []), seq!]);
    }
    const lost: string[] = [];
    let acknowledged = 0;
    let unacknowledgedButWritten = 0;
    for (const { run, acked } of runs) {
      acknowledged += acked.length;
      const found = seen.get(run) ?? [];
      // Each run appends one entry after another: what is there is 0..n without a gap.
      expect(found, `run ${run}`).toEqual(found.map((_, i) => i));
      const missing = acked.filter((seq) => !found.includes(seq));
      if (missing.length > 0) lost.push(`run ${run}: acknowledged ${missing.join(', ')} missing`);
      unacknowledgedButWritten += found.length - acked.length;
    }
    expect(lost).toEqual([]);
    // A kill can cut at most the line its process was writing.
    expect(doc.skipped.length).toBeLessThanOrEqual(KILLS);
    for (const s of doc.skipped) expect(s.message).toMatch(/^(not JSON|the last line is incomplete)/);
    expect(acknowledged).toBeGreaterThan(KILLS);
    console.info(
      `${KILLS} SIGKILLs in ${Math.round(elapsedMs / 1000)} s: ${acknowledged} entries acknowledged, 0 lost; ` +
        `${unacknowledgedButWritten} written but killed before their acknowledgement; ${doc.skipped.length} lines cut short`,
    );

    // The same journal through the CLI as an operator runs it.
    const child = spawnSync(process.execPath, [join(ROOT, 'bin/strata.js'), 'journal', '--json'], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, STRATA_STATE_DIR: dir }, maxBuffer: 256 * 1024 * 1024 });
    expect(child.status).toBe(0);
    expect((JSON.parse(child.stdout) as { entries: unknown[] }).entries).toHaveLength(doc.entries.length);
  }, 180_000);
});
