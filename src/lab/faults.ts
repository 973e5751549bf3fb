/**
 * Faults a simulated host can show, injected at start (`startLab({faults})`)
 * or while running (`lab.inject`, `lab.clear`). Faults that concern commands
 * can be limited to one program (`program: 'restic'`).
 */
export type Fault =
  /** Wait this long before answering anything (hello, each command, each exec). */
  | { readonly kind: 'latency'; readonly ms: number }
  /** Commands start (their PID is reported) and then never answer until killed. */
  | { readonly kind: 'hang'; readonly program?: string }
  /** The connection is cut in the middle of a command's output. */
  | { readonly kind: 'drop'; readonly program?: string }
  /** Random bytes instead of the program's standard output (its exit code is kept). */
  | { readonly kind: 'garbage'; readonly program?: string; readonly bytes?: number }
  /** The next jobs (vzdump, restic backup, rclone sync, syncoid, PBS verify) fail with the tool's own error. */
  | { readonly kind: 'failing-job'; readonly program?: string; readonly message?: string }
  /** Every key is refused. */
  | { readonly kind: 'auth-failure' }
  /** The server presents a different host key than the one pinned in the config. */
  | { readonly kind: 'host-key-changed' }
  /** The port refuses connections; open connections are cut. */
  | { readonly kind: 'unreachable' };

export type FaultKind = Fault['kind'];

/** The faults of one host that apply to a program (by argv[0], without its directory). */
export function faultFor<K extends FaultKind>(
  faults: readonly Fault[],
  kind: K,
  program?: string,
): Extract<Fault, { kind: K }> | undefined {
  const name = program?.split('/').pop();
  return faults.find(
    (f): f is Extract<Fault, { kind: K }> =>
      f.kind === kind && (!('program' in f) || f.program === undefined || f.program === name),
  );
}

/** Total latency of a host: the lab-wide latency plus injected latency faults. */
export function latencyOf(faults: readonly Fault[], base: number): number {
  return faults.reduce((ms, f) => (f.kind === 'latency' ? ms + f.ms : ms), base);
}
