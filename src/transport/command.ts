/**
 * A command is data. Nothing in Strata builds a remote shell line by pasting
 * strings: adapters produce `Command` values and src/transport/shell-script.ts
 * is the one place that turns them into shell text.
 */
export interface Command {
  /** Program and arguments, exactly as the program should receive them. */
  readonly argv: readonly string[];
  /** Non-secret environment for the program (paths, repository URLs, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Environment whose values are secret (a repository password, an API token).
   * They travel inside the SSH channel's data, never in any process's argument
   * list, and `describeCommand` shows only their names.
   */
  readonly secrets?: Readonly<Record<string, string>>;
  /**
   * Secret environment whose value is on the host itself: the first line of a
   * file, or of a command's output. The remote shell reads it into the variable
   * (`cat -- FILE`), so the value crosses no argument list and no log.
   */
  readonly secretsFrom?: Readonly<Record<string, SecretSource>>;
  /** Data for the program's standard input. */
  readonly stdin?: string | Uint8Array;
  /** Working directory on the host. */
  readonly cwd?: string;
  /**
   * Ends the remote process and fails with a `timeout` error after this long.
   * Waiting for a session on a slow host counts: a command still waiting when
   * it runs out fails with `session-timeout` instead.
   */
  readonly timeoutMs?: number;
  /**
   * More than this many bytes of stdout and stderr together ends the remote
   * process and fails with `output-too-large`. `run` applies
   * DEFAULT_MAX_OUTPUT_BYTES without it; `stream` keeps only a tail and is
   * bounded only when this is set.
   */
  readonly maxOutputBytes?: number;
}

export type SecretSource = { readonly file: string } | { readonly command: string };

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws on a command no runner could execute faithfully: a programming error, not bad input. */
export function assertValidCommand(cmd: Command): void {
  if (cmd.argv.length === 0 || cmd.argv[0] === '') throw new TypeError('command has an empty argv');
  if (cmd.argv[0]!.includes('=')) throw new TypeError(`program name may not contain "=": ${cmd.argv[0]}`);
  for (const name of [
    ...Object.keys(cmd.env ?? {}),
    ...Object.keys(cmd.secrets ?? {}),
    ...Object.keys(cmd.secretsFrom ?? {}),
  ]) {
    if (!ENV_NAME.test(name)) throw new TypeError(`not an environment variable name: ${JSON.stringify(name)}`);
  }
  if (cmd.maxOutputBytes !== undefined && !(Number.isSafeInteger(cmd.maxOutputBytes) && cmd.maxOutputBytes > 0)) {
    throw new TypeError(`maxOutputBytes must be a positive integer, got ${cmd.maxOutputBytes}`);
  }
  for (const [name, value] of Object.entries(cmd.secrets ?? {})) {
    if (/[\n\0]/.test(value)) throw new TypeError(`secret ${name} contains a newline or NUL`);
  }
  for (const s of [...cmd.argv, ...Object.values(cmd.env ?? {}), cmd.cwd ?? '']) {
    if (s.includes('\0')) throw new TypeError('a command string contains NUL, which no process can receive');
  }
}
