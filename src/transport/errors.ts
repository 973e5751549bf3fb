/**
 * Typed transport failures. A screen or the status report explains each kind to
 * the operator; none of them ever counts as a healthy reading.
 */
export type TransportErrorKind =
  | 'unreachable' // connect refused, no route, DNS failure, connect timeout
  | 'auth-failed' // the host refused every key we offered
  | 'unknown-host-key' // no known_hosts entry and no pinned fingerprint
  | 'host-key-changed' // the offered key differs from the known or pinned one
  | 'timeout' // the command ran longer than its timeoutMs (and was ended)
  | 'session-timeout' // the command's timeoutMs ran out while it still waited for a session (shell) on the host
  | 'output-too-large' // the command printed more than its maxOutputBytes (and was ended)
  | 'cancelled' // the caller aborted (and the remote process was ended)
  | 'connection-lost' // the link died while connected
  | 'command-not-found' // exit 127
  | 'non-zero-exit'; // any other failing exit code, when the caller asked for success

export interface TransportErrorInit {
  host: string;
  detail?: string;
  /** SHA256 fingerprint of the key the host offered (`SHA256:...`), for host-key errors. */
  fingerprint?: string;
  exitCode?: number;
  stderr?: string;
  /** How long a `session-timeout` command waited. */
  waitedMs?: number;
  cause?: unknown;
}

export class TransportError extends Error {
  readonly kind: TransportErrorKind;
  readonly host: string;
  readonly detail: string | undefined;
  readonly fingerprint: string | undefined;
  readonly exitCode: number | undefined;
  readonly stderr: string | undefined;

  constructor(kind: TransportErrorKind, init: TransportErrorInit) {
    super(transportErrorMessage(kind, init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TransportError';
    this.kind = kind;
    this.host = init.host;
    this.detail = init.detail;
    this.fingerprint = init.fingerprint;
    this.exitCode = init.exitCode;
    this.stderr = init.stderr;
  }
}

export function isTransportError(e: unknown): e is TransportError {
  return e instanceof TransportError;
}

function transportErrorMessage(kind: TransportErrorKind, i: TransportErrorInit): string {
  const d = i.detail ? `: ${i.detail}` : '';
  switch (kind) {
    case 'unreachable':
      return `host ${i.host} is unreachable${d}`;
    case 'auth-failed':
      return `authentication to ${i.host} failed${d}`;
    case 'unknown-host-key':
      return `host key of ${i.host} is not known (offered ${i.fingerprint ?? 'unknown fingerprint'}); add it to known_hosts or pin it in the inventory${d}`;
    case 'host-key-changed':
      return `HOST KEY OF ${i.host} HAS CHANGED (offered ${i.fingerprint ?? 'unknown fingerprint'}); refusing to connect${d}`;
    case 'timeout':
      return `command on ${i.host} timed out${d}`;
    case 'session-timeout':
      return `timed out after ${formatSeconds(i.waitedMs ?? 0)} waiting for a session on ${i.host}${i.detail ? `; ${i.detail}` : ''}`;
    case 'output-too-large':
      return `output too large${d}`;
    case 'cancelled':
      return `command on ${i.host} was cancelled${d}`;
    case 'connection-lost':
      return `connection to ${i.host} was lost${d}`;
    case 'command-not-found':
      return `command not found on ${i.host}${d}`;
    case 'non-zero-exit':
      return `command on ${i.host} exited with ${i.exitCode ?? '?'}${d}`;
  }
}

/** `4 s`, `0.7 s`, `12 s`: a duration as an operator reads it. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Math.round(s * 10) / 10} s`;
}

/**
 * Binary megabytes, as `ls -h` and `du -h` count them: the default bound of
 * 64 MiB reads "64 MB".
 */
const MB = 1024 * 1024;

/** The error of a command that printed more than `limitBytes` (stdout and stderr together) and was ended. */
export function outputTooLargeError(host: string, program: string, limitBytes: number): TransportError {
  const mb = Math.round((limitBytes / MB) * 10) / 10;
  const size = mb >= 0.1 ? `${mb} MB` : `${limitBytes} bytes`;
  return new TransportError('output-too-large', {
    host,
    detail: `more than ${size} from ${program} on ${host}; the command was ended`,
  });
}
