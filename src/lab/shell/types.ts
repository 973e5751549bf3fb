/**
 * What a simulated program sees when it runs: its argv, environment, a place to
 * write, the host it runs on and the whole lab (PBS sync reads another host).
 * A program is an async function returning its exit code.
 */
import type { Fault, FaultKind } from '../faults.js';
import type { Rng } from '../state/ids.js';
import type { HostState, LabState } from '../state/types.js';

export type SignalName = 'TERM' | 'KILL' | 'INT' | 'HUP';

export const SIGNAL_NUMBERS: Record<SignalName, number> = { HUP: 1, INT: 2, KILL: 9, TERM: 15 };

/** Thrown out of `pace` when the process was signalled: the program stops where it is. */
export class Killed extends Error {
  constructor(readonly signalName: SignalName) {
    super(`killed by SIG${signalName}`);
    this.name = 'Killed';
  }
}

/**
 * What starts a program on the host, which decides how a missing one is
 * reported: dash inside `sh -c` (the default), root's login shell bash for a
 * plain `ssh host X`, bash's `exec` in Strata's exec line, setsid in its worker.
 */
export type Launcher = 'sh' | 'bash' | 'bash-exec' | 'setsid';

export interface ProgramSpec {
  readonly argv: readonly string[];
  readonly launcher?: Launcher;
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** The whole standard input, once it has ended. */
  readonly stdin?: () => Promise<string>;
}

export interface RunOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What the lab offers its programs. */
export interface LabServices {
  readonly state: LabState;
  readonly rng: Rng;
  /** Multiplies every simulated duration (1 = the default few seconds for a job). */
  readonly timeScale: number;
  host(name: string): HostState | undefined;
  /** False while a host has the `unreachable` fault (or is gone in a scenario). */
  isReachable(name: string): boolean;
  faults(host: string): readonly Fault[];
  /** Runs work that outlives the command that started it (a PBS task after `verify --output-format json`). */
  background(host: string, work: (signal: AbortSignal) => Promise<void>): void;
  /** Stop handles of PBS tasks running in their server, by UPID. */
  readonly serverTasks: Map<string, () => void>;
  /** Sends a signal to a process of a host; false when there is no such process. */
  signal(host: string, pid: number, sig: SignalName): boolean;
}

export interface ToolContext {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly stdin: () => Promise<string>;
  readonly pid: number;
  readonly host: HostState;
  readonly lab: LabServices;
  /** Aborted when the process is signalled. */
  readonly signal: AbortSignal;
  out(text: string): void;
  err(text: string): void;
  /** Simulated work: waits `ms` times the lab's time scale; throws Killed when signalled. */
  pace(ms: number): Promise<void>;
  /** Real waiting (`sleep 30` lasts 30 s whatever the time scale); throws Killed when signalled. */
  sleep(ms: number): Promise<void>;
  /** The host's clock, epoch seconds with a fraction. */
  now(): number;
  /**
   * Handles TERM, INT and HUP itself from now on (undefined: they end the
   * process again). PVE's CLI does this to forward them to its task; KILL
   * still ends the process at once.
   */
  trap(handler: ((sig: SignalName) => void) | undefined): void;
  /** A fault injected on this host for this program. */
  fault<K extends FaultKind>(kind: K): Extract<Fault, { kind: K }> | undefined;
  /** Runs another program on the same host (pipelines, `sh -c`, syncoid calling zfs). */
  run(spec: ProgramSpec): Promise<RunOutput>;
}

export type Tool = (ctx: ToolContext) => Promise<number>;

/** A program and the package that installs it (none: present on every host). */
export interface ToolEntry {
  readonly run: Tool;
  readonly packages?: readonly string[];
}
