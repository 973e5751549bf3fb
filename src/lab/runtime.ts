/**
 * The lab's process model: simulated programs run as processes with fake PIDs
 * that `kill` can find again. A signalled process stops writing at once and
 * exits with 128+signal, while the program's own clean-up (marking its task
 * aborted) still runs.
 */
import { type Fault, type FaultKind, faultFor } from './faults.js';
import { runShellText } from './shell/mini-shell.js';
import {
  Killed,
  SIGNAL_NUMBERS,
  type LabServices,
  type Launcher,
  type ProgramSpec,
  type RunOutput,
  type SignalName,
  type ToolContext,
} from './shell/types.js';
import { hostNow } from './state/clock.js';
import { getFile, isDir, resolvePath, writeText } from './state/fs.js';
import { Rng } from './state/ids.js';
import type { HostState, LabState } from './state/types.js';
import type { SecretSource } from '../transport/command.js';
import { readFs } from './state/zfs-files.js';
import { programFor } from './tools/index.js';
import { sleep } from './sleep.js';

export { sleep };

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export interface Exit {
  readonly code: number;
  /** Set when a signal ended the process. */
  readonly signal?: SignalName;
}

export interface SpawnSpec extends ProgramSpec {
  readonly secretsFrom?: Readonly<Record<string, SecretSource>>;
}

interface Proc {
  readonly pid: number;
  readonly argv: readonly string[];
  readonly ac: AbortController;
  signalName?: SignalName;
  /** Set while the program handles TERM/INT/HUP itself. */
  trap?: (sig: SignalName) => void;
}

/** Delivers a signal: to the program's own handler when it has one (never KILL), else ends it. */
function deliver(proc: Proc, sig: SignalName): void {
  if (proc.trap && sig !== 'KILL' && !proc.ac.signal.aborted) {
    proc.trap(sig);
    return;
  }
  proc.signalName ??= sig;
  if (!proc.ac.signal.aborted) proc.ac.abort(new Killed(sig));
}

export interface RuntimeOptions {
  readonly seed?: number;
  readonly timeScale?: number;
  readonly latencyMs?: number;
}

const BASE_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  USER: 'root',
  LOGNAME: 'root',
  SHELL: '/bin/sh',
  LANG: 'C.UTF-8',
};

export class LabRuntime implements LabServices {
  readonly rng: Rng;
  readonly timeScale: number;
  readonly latencyMs: number;
  readonly serverTasks = new Map<string, () => void>();
  private readonly faultsByHost = new Map<string, Fault[]>();
  private readonly gone = new Set<string>();
  private readonly procs = new Map<string, Map<number, Proc>>();
  private readonly startedArgvs = new Map<string, (readonly string[])[]>();
  private readonly work = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    readonly state: LabState,
    opts: RuntimeOptions = {},
  ) {
    this.rng = new Rng(opts.seed ?? 1);
    this.timeScale = opts.timeScale ?? 1;
    this.latencyMs = opts.latencyMs ?? 0;
  }

  host(name: string): HostState | undefined {
    return Object.hasOwn(this.state.hosts, name) ? this.state.hosts[name] : undefined;
  }

  faults(host: string): readonly Fault[] {
    return this.faultsByHost.get(host) ?? [];
  }

  inject(host: string, fault: Fault): void {
    this.faultsByHost.set(host, [...this.faults(host), fault]);
  }

  clear(host: string): void {
    this.faultsByHost.delete(host);
  }

  hasFault(host: string, kind: FaultKind): boolean {
    return this.faults(host).some((f) => f.kind === kind);
  }

  isReachable(name: string): boolean {
    return this.host(name) !== undefined && !this.gone.has(name) && !this.hasFault(name, 'unreachable');
  }

  /** A host the scenario destroyed: no other host reaches it either (a PBS sync, a PVE node adding its storage). */
  markGone(name: string): void {
    this.gone.add(name);
  }

  background(_host: string, work: (signal: AbortSignal) => Promise<void>): void {
    const p = work(this.stopping.signal)
      .catch(() => undefined)
      .finally(() => this.work.delete(p));
    this.work.add(p);
  }

  /** Signals a process (or its group: every process here leads its own). False when there is none. */
  signal(host: string, pid: number, sig: SignalName): boolean {
    const proc = this.procs.get(host)?.get(Math.abs(pid));
    if (!proc) return false;
    deliver(proc, sig);
    return true;
  }

  /** The argv of every program started on a host, oldest first (the newest 20000): what `ps` could have shown of it. */
  started(host: string): readonly (readonly string[])[] {
    return this.startedArgvs.get(host) ?? [];
  }

  running(host: string): { pid: number; argv: readonly string[] }[] {
    return [...(this.procs.get(host)?.values() ?? [])].map((p) => ({ pid: p.pid, argv: p.argv }));
  }

  /** Starts a program; `exit` settles when it ends or is signalled. */
  spawn(
    hostName: string,
    spec: SpawnSpec,
    io: Output,
    opts: { parentSignal?: AbortSignal; hang?: boolean; pid?: number } = {},
  ): { pid: number; exit: Promise<Exit> } {
    const host = this.host(hostName);
    if (!host) throw new Error(`no simulated host ${hostName}`);
    const pid = opts.pid ?? this.allocatePid(host);
    const ac = new AbortController();
    const proc: Proc = { pid, argv: spec.argv, ac };
    let argvs = this.startedArgvs.get(hostName);
    if (!argvs) this.startedArgvs.set(hostName, (argvs = []));
    argvs.push(spec.argv);
    if (argvs.length > 20_000) argvs.splice(0, argvs.length - 20_000);
    let table = this.procs.get(hostName);
    if (!table) this.procs.set(hostName, (table = new Map()));
    table.set(pid, proc);
    const onParent = () => deliver(proc, (opts.parentSignal?.reason as Killed | undefined)?.signalName ?? 'KILL');
    opts.parentSignal?.addEventListener('abort', onParent, { once: true });
    if (this.stopping.signal.aborted) ac.abort(new Killed('KILL'));

    let alive = true;
    const guarded: Output = {
      out: (t) => {
        if (alive && !ac.signal.aborted && t) io.out(t);
      },
      err: (t) => {
        if (alive && !ac.signal.aborted && t) io.err(t);
      },
    };
    const killed = new Promise<Exit>((resolve) => {
      ac.signal.addEventListener(
        'abort',
        () => {
          const sig = (ac.signal.reason as Killed).signalName ?? 'KILL';
          resolve({ code: 128 + SIGNAL_NUMBERS[sig], signal: sig });
        },
        { once: true },
      );
    });
    const ran = opts.hang
      ? new Promise<Exit>(() => undefined)
      : this.execute(host, spec, guarded, proc).then((code) => ({ code }));
    const exit = Promise.race([ran, killed]).finally(() => {
      alive = false;
      table.delete(pid);
      opts.parentSignal?.removeEventListener('abort', onParent);
    });
    return { pid, exit };
  }

  /** Runs a program to its end and collects its output. */
  async collect(hostName: string, spec: SpawnSpec, parentSignal?: AbortSignal): Promise<RunOutput> {
    let stdout = '';
    let stderr = '';
    const { exit } = this.spawn(
      hostName,
      spec,
      { out: (t) => (stdout += t), err: (t) => (stderr += t) },
      parentSignal ? { parentSignal } : {},
    );
    const { code } = await exit;
    return { code, stdout, stderr };
  }

  allocatePid(host: HostState): number {
    const pid = host.nextPid;
    host.nextPid = pid >= 4_194_000 ? 1000 : pid + 1;
    return pid;
  }

  /** Ends every process and background task; later calls do nothing. */
  stop(): Promise<void> {
    this.stopping.abort(new Killed('KILL'));
    for (const table of this.procs.values()) for (const p of table.values()) if (!p.ac.signal.aborted) p.ac.abort(new Killed('KILL'));
    return Promise.all([...this.work]).then(() => undefined);
  }

  private async execute(host: HostState, spec: SpawnSpec, io: Output, proc: Proc): Promise<number> {
    const { ac, pid } = proc;
    const env: Record<string, string> = { ...BASE_ENV, ...(spec.env ?? {}) };
    // As the real shell's `NAME=$(cat -- FILE) || exit 1`: an unreadable secret stops the command.
    for (const [name, src] of Object.entries(spec.secretsFrom ?? {})) {
      const value = await this.readSecret(host, src, env, io, ac.signal);
      if (value === null) return 1;
      env[name] = value;
    }
    const cwd = spec.cwd === undefined ? '/root' : resolvePath('/root', spec.cwd);
    // A snapshot's directory under `.zfs/snapshot` is a directory too.
    if (!isDir(readFs(host, cwd), cwd)) {
      io.err(`sh: 1: cd: can't cd to ${spec.cwd}\n`);
      return 1;
    }
    const program = spec.argv[0] ?? '';
    const tool = programFor(host, program);
    if (!tool) {
      io.err(notFoundMessage(spec.launcher ?? 'sh', program));
      return 127;
    }
    const ctx: ToolContext = {
      argv: spec.argv,
      env,
      cwd,
      stdin: spec.stdin ?? (async () => ''),
      pid,
      host,
      lab: this,
      signal: ac.signal,
      out: io.out,
      err: io.err,
      pace: (ms) =>
        sleep(ms * this.timeScale, ac.signal).catch((e: unknown) => {
          throw e instanceof Killed ? e : new Killed('KILL');
        }),
      now: () => hostNow(host),
      sleep: (ms) =>
        sleep(ms, ac.signal).catch((e: unknown) => {
          throw e instanceof Killed ? e : new Killed('KILL');
        }),
      fault: <K extends FaultKind>(kind: K) => faultFor(this.faults(host.name), kind, program),
      run: (child) => this.collect(host.name, child, ac.signal),
      trap: (handler) => {
        if (handler) proc.trap = handler;
        else delete proc.trap;
      },
    };
    try {
      return await tool(ctx);
    } catch (e) {
      if (e instanceof Killed) return 128 + SIGNAL_NUMBERS[e.signalName];
      io.err(`${program}: internal error of the simulated tool: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  }

  private async readSecret(
    host: HostState,
    src: SecretSource,
    env: Record<string, string>,
    io: Output,
    signal: AbortSignal,
  ): Promise<string | null> {
    if ('file' in src) {
      const path = resolvePath('/root', src.file);
      const f = getFile(host.fs, path);
      if (!f) {
        io.err(`cat: ${src.file}: ${isDir(host.fs, path) ? 'Is a directory' : 'No such file or directory'}\n`);
        return null;
      }
      return (f.content ?? '').replace(/\n+$/, '');
    }
    let captured = '';
    const code = await runShellText(src.command, {
      env,
      cwd: '/root',
      run: (spec, stream) =>
        stream
          ? this.spawn(host.name, spec, { out: (t) => (captured += t), err: io.err }, { parentSignal: signal }).exit.then(
              (e) => ({ code: e.code, stdout: '', stderr: '' }),
            )
          : this.collect(host.name, spec, signal),
      out: (t) => (captured += t),
      err: io.err,
      writeFile: (p, content, mode) => writeText(host, resolvePath('/root', p), content, mode),
    });
    return code === 0 ? captured.replace(/\n+$/, '') : null;
  }
}

/** What each launcher prints for a program that is not installed, read from the real ones (Debian 12). */
export function notFoundMessage(launcher: Launcher, program: string): string {
  switch (launcher) {
    case 'sh':
      return `sh: 1: ${program}: not found\n`;
    case 'bash':
      return `bash: ${program}: command not found\n`;
    case 'bash-exec':
      return `bash: line 1: exec: ${program}: not found\n`;
    case 'setsid':
      return `setsid: failed to execute ${program}: No such file or directory\n`;
  }
}
