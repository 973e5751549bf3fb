/**
 * `strata dr run` against a disaster lab: as its own process, for the tests
 * that stop it with SIGKILL at a chosen moment and resume it (the rebuild's
 * saved state as the child writes it, and a watch that kills the child when a
 * condition on that state or on the lab first holds); and in this process on
 * a terminal whose operator answers as the test says.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { memoryIo, type CliIo } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import type { Lab } from '../../../src/lab/index.js';
import type { RebuildState, RebuildStep } from '../../../src/services/dr/api.js';

const ROOT = join(import.meta.dirname, '../../..');

/** The rebuild state the run saved in STATE_DIR; null before the first save or while the file is replaced. */
export function savedRebuild(stateDir: string): RebuildState | null {
  const path = join(stateDir, 'dr-rebuild.json');
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RebuildState;
  } catch {
    return null; // replaced while read
  }
}

export const stepOf = (s: RebuildState, id: string): RebuildStep => s.steps.find((x) => x.id === id)!;

export interface DrRunChild {
  readonly child: ChildProcess;
  /** What it printed so far, stdout and stderr together. */
  output(): string;
  /**
   * Polls every `pollMs` until `when` returns true (then SIGKILL), the child
   * ends by itself, or `deadlineMs` passes; waits for the exit. Returns the
   * saved state `when` was true on, or null.
   */
  killWhen(when: (saved: RebuildState | null) => boolean, o?: { readonly deadlineMs?: number; readonly pollMs?: number }): Promise<RebuildState | null>;
}

/** `strata dr run --yes` onto the lab's fresh node, trusting its host key, with STRATA_STATE_DIR = stateDir. */
export function startDrRun(lab: Lab, stateDir: string): DrRunChild {
  const node = lab.freshNode!;
  const args = ['dr', 'run', '--config', lab.configPath, '--yes', '--port', String(node.port), '--trust-host-key', node.fingerprint];
  const child = spawn(process.execPath, [join(ROOT, 'bin/strata.js'), ...args], {
    env: { ...process.env, STRATA_STATE_DIR: stateDir, STRATA_FROM_SOURCE: '1', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = once(child, 'exit');
  return {
    child,
    output: () => out,
    async killWhen(when, o = {}) {
      const deadline = Date.now() + (o.deadlineMs ?? 90_000);
      let at: RebuildState | null = null;
      while (Date.now() < deadline && child.exitCode === null) {
        const s = savedRebuild(stateDir);
        if (when(s)) {
          child.kill('SIGKILL');
          at = s;
          break;
        }
        await sleep(o.pollMs ?? 25);
      }
      await exited;
      return at;
    },
  };
}

/** An in-process terminal whose operator gives these answers, in order; it records the questions asked. */
export function answeringTerminal(stateDir: string, answers: string[]): CliIo & { stdout: string; stderr: string; questions: string[] } {
  const questions: string[] = [];
  return Object.assign(memoryIo('', { STRATA_STATE_DIR: stateDir }), {
    isTTY: true,
    questions,
    ask: async (q: string) => {
      questions.push(q);
      const a = answers.shift();
      if (a === undefined) throw new Error(`unexpected question: ${q}`);
      return a;
    },
  });
}

/** `strata dr run` in this process onto the lab's fresh node. */
export const runDr = (lab: Lab, io: CliIo, extra: string[] = []): Promise<number> => main(['dr', 'run', '--config', lab.configPath, '--port', String(lab.freshNode!.port), ...extra], io);
