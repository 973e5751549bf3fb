/**
 * The public face of transport: a runner per host, local or over SSH.
 * Services map inventory hosts onto `RunnerTarget`s.
 */
import { LocalRunner } from './local-runner.js';
import type { Runner } from './runner.js';
import { SshRunner } from './ssh-runner.js';
import type { RunnerTarget } from './target.js';

export type { Command, SecretSource } from './command.js';
export { TransportError, isTransportError, type TransportErrorKind } from './errors.js';
export { DEFAULT_MAX_OUTPUT_BYTES, exitError, runChecked, STREAM_TAIL_BYTES, type Runner, type RunOptions, type RunResult, type StreamOptions } from './runner.js';
export { describeCommand } from './shell-script.js';
export type { LocalTarget, RunnerTarget, SshTarget } from './target.js';
export { LocalRunner, SshRunner };

export function createRunner(target: RunnerTarget): Runner {
  return target.kind === 'local' ? new LocalRunner(target.name) : new SshRunner(target);
}

/** One runner per host name, so every command to a host shares its connection. */
export class RunnerPool {
  private readonly runners = new Map<string, Runner>();

  constructor(private readonly targets: Iterable<RunnerTarget> = []) {
    for (const t of this.targets) this.runners.set(t.name, createRunner(t));
  }

  /** The runner of a host; a target given here (or earlier) defines it. */
  get(name: string, target?: RunnerTarget): Runner {
    let runner = this.runners.get(name);
    if (!runner) {
      if (!target) throw new Error(`no transport target for host ${name}`);
      runner = createRunner(target);
      this.runners.set(name, runner);
    }
    return runner;
  }

  has(name: string): boolean {
    return this.runners.has(name);
  }

  async closeAll(): Promise<void> {
    const all = [...this.runners.values()];
    this.runners.clear();
    await Promise.all(all.map((r) => r.close()));
  }
}
export { knownHostsLine, scanHostKey, type OfferedHostKey } from './host-key-scan.js';
