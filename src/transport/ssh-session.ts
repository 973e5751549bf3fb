/**
 * What one live SSH connection holds: its worker shells (idle or busy), the
 * channels being opened, the exec channels running, how many channels the
 * host lets it have, and a queue of signals to
 * deliver to remote processes (sent in batches on one exec channel at a time,
 * so cancelling many commands at once cannot exceed the host's MaxSessions).
 */
import type { Client } from 'ssh2';
import { startExec } from './exec-command.js';
import { OutputSink } from './output-sink.js';
import type { SshSettings } from './ssh-settings.js';
import type { WorkerShell } from './worker-shell.js';

export type KillSignal = 'TERM' | 'KILL';

export class SshSession {
  readonly workers = new Set<WorkerShell>();
  idle: WorkerShell[] = [];
  opening = 0;
  execs = 0;
  dead = false;
  /**
   * Channels the host lets us have at once: maxConcurrent, lowered when a
   * worker shell fails to start while others run (a MaxSessions below ours,
   * a host out of processes).
   */
  capacity: number;
  /** A dispatch to come, when a busy shell has run long enough to count as not freeing up soon. */
  recheck: ReturnType<typeof setTimeout> | undefined;
  private readonly pendingKills: Record<KillSignal, Set<string>> = { TERM: new Set(), KILL: new Set() };
  private killing = false;

  constructor(
    readonly client: Client,
    readonly settings: SshSettings,
    capacity = settings.maxConcurrent,
  ) {
    this.capacity = Math.min(capacity, settings.maxConcurrent);
  }

  /** Channels counted against the capacity: worker shells (idle, busy, opening) and exec channels. */
  get used(): number {
    return this.workers.size + this.opening + this.execs;
  }

  get free(): number {
    return this.capacity - this.used;
  }

  /** Signals a remote process (`pid`) or process group (`-pid`). */
  kill(signal: KillSignal, target: string): void {
    if (this.dead) return;
    this.pendingKills[signal].add(target);
    if (!this.killing) void this.flushKills();
  }

  private async flushKills(): Promise<void> {
    this.killing = true;
    try {
      while (!this.dead) {
        const signal: KillSignal | undefined = this.pendingKills.KILL.size > 0 ? 'KILL' : this.pendingKills.TERM.size > 0 ? 'TERM' : undefined;
        if (!signal) break;
        const targets = [...this.pendingKills[signal]];
        this.pendingKills[signal].clear();
        try {
          const io = { stdout: new OutputSink(), stderr: new OutputSink(), onPid: () => {} };
          const h = await startExec(this.client, { argv: ['kill', `-${signal}`, '--', ...targets] }, this.settings.name, io);
          // kill exits non-zero when a process has already ended: that is success here.
          await h.done;
        } catch {
          // The connection is going away; its loss ends every command anyway.
        }
      }
    } finally {
      this.killing = false;
    }
  }
}
