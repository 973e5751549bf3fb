/**
 * `npm run bench -- actions`: the costs an action adds around the tools.
 * - journal append: one write(2) + fsync per entry (every command of an action
 *   waits for its entry): median and p95 per append on this disk;
 * - journal read: a 100,000-entry journal read back for `strata journal`;
 * - rclone check fold: 1,000,000 combined lines counted as they stream, with
 *   the heap growth (the lines are not kept);
 * - executor streaming: 200,000 output lines through executePlan to onOutput.
 * Prints figures; does not assert.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rcloneCheckFold } from '../src/adapters/rclone/sync.js';
import { executePlan, type ActionPlan } from '../src/services/actions/index.js';
import { Journal, type NewJournalEntry } from '../src/services/journal/index.js';
import type { Runner } from '../src/transport/runner.js';

const ms = (ns: bigint) => Number(ns) / 1e6;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const entry = (i: number): NewJournalEntry => ({
  type: 'command',
  at: new Date().toISOString(),
  operator: 'bench',
  actionId: 'bench-action',
  host: 'pve1',
  command: `vzdump ${100 + (i % 900)} --storage local-backup --mode snapshot --compress zstd`,
  exitCode: 0,
  durationMs: i,
});

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-actions-'));
  try {
    const journal = new Journal(join(dir, 'journal.jsonl'));
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t = process.hrtime.bigint();
      await journal.append(entry(i));
      times.push(ms(process.hrtime.bigint() - t));
    }
    console.log(`journal append (write + fsync), 500 entries: median ${pct(times, 50).toFixed(2)} ms, p95 ${pct(times, 95).toFixed(2)} ms`);

    const big = join(dir, 'big.jsonl');
    writeFileSync(big, `${Array.from({ length: 100_000 }, (_, i) => JSON.stringify({ v: 1, ...entry(i) })).join('\n')}\n`);
    let t = process.hrtime.bigint();
    const back = await new Journal(big).read();
    console.log(`journal read, ${back.entries.length} entries: ${ms(process.hrtime.bigint() - t).toFixed(0)} ms (${back.problems.length} problems)`);

    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const fold = rcloneCheckFold();
    t = process.hrtime.bigint();
    for (let i = 0; i < 1_000_000; i++) fold.line('stdout', `= backups/pbs/.chunks/${(i % 65536).toString(16).padStart(4, '0')}/${i.toString(16).padStart(64, '0')}`);
    const r = fold.finish(0);
    const foldMs = ms(process.hrtime.bigint() - t);
    const heapAfter = process.memoryUsage().heapUsed;
    console.log(`rclone check fold, 1,000,000 lines: ${foldMs.toFixed(0)} ms, heap +${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB, ${r.ok && r.value.same} same`);

    const LINES = 200_000;
    const runner: Runner = {
      host: 'bench',
      run: async () => ({ stdout: '', stderr: '', exitCode: 0, durationMs: 0 }),
      stream: async (_cmd, opts) => {
        for (let i = 0; i < LINES; i++) opts.onStdout?.(`INFO:  ${i % 100}% (${i} of ${LINES}) in ${i}s, read: 1.3 GiB/s, write: 1.1 GiB/s`);
        opts.onStdout?.('INFO: Finished Backup of VM 100 (00:01:05)');
        opts.onStdout?.('INFO: Backup job finished successfully');
        return { stdout: '', stderr: '', exitCode: 0, durationMs: 0 };
      },
      close: async () => {},
    };
    const plan: ActionPlan = {
      id: 'bench',
      request: { kind: 'run', layerId: 'pve1-dump' },
      title: 'bench',
      steps: [{ host: 'bench', command: { argv: ['vzdump', '100'] }, description: 'bench', streams: true, output: { kind: 'vzdump' } }],
      changesHost: true,
      affectedLayers: [],
    };
    let seen = 0;
    t = process.hrtime.bigint();
    const out = await executePlan(plan, { runnerFor: () => runner, journal: { append: async () => {} }, operator: 'bench', onOutput: () => seen++ });
    const execMs = ms(process.hrtime.bigint() - t);
    console.log(`executor streaming, ${seen} lines to onOutput: ${execMs.toFixed(0)} ms (${Math.round(seen / (execMs / 1000)).toLocaleString('en')} lines/s), outcome ${out.state}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
