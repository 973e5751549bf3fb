/**
 * Why PVE refused a guest command, as a typed reason a planner can act on,
 * with the tool's own words kept (restore-formats §1, §2.2; qemu-server,
 * pve-container, pve-guest-common and pve-storage sources).
 */

export type RefusalReason =
  | { readonly kind: 'vmid-exists'; readonly vmid: number; readonly node: string }
  | { readonly kind: 'guest-missing' }
  | { readonly kind: 'running' }
  | { readonly kind: 'locked'; readonly lock: string }
  | { readonly kind: 'lock-timeout' }
  | { readonly kind: 'protected' }
  | { readonly kind: 'template' }
  | { readonly kind: 'storage-missing'; readonly storage: string }
  | { readonly kind: 'storage-unreachable' }
  | { readonly kind: 'content-type-unavailable'; readonly content: string; readonly storage: string }
  | { readonly kind: 'no-quorum' }
  | { readonly kind: 'snapshot-missing'; readonly snapshot: string }
  | { readonly kind: 'snapshot-not-newest'; readonly snapshot: string; readonly volume: string }
  | { readonly kind: 'snapshot-incomplete'; readonly snapstate: string }
  | { readonly kind: 'clone-unsupported'; readonly mode: 'full' | 'linked'; readonly volume: string }
  | { readonly kind: 'live-restore-pbs-only' }
  | { readonly kind: 'unknown-option'; readonly option: string }
  | { readonly kind: 'invalid-parameter'; readonly parameter: string; readonly problem: string };


export interface Refusal {
  readonly reason: RefusalReason;
  /** The line of the tool's output the reason was read from, as the tool wrote it. */
  readonly message: string;
}

type Rule = readonly [RegExp, (m: RegExpExecArray) => RefusalReason];

// Order matters: the most specific wording first ("can't rollback, snapshot 'x' does not exist on 'v'" is a missing snapshot, not a missing storage).
const RULES: readonly Rule[] = [
  [/\b(?:VM|CT) (\d+) already exists on node '([^']+)'/, (m) => ({ kind: 'vmid-exists', vmid: Number(m[1]), node: m[2]! })],
  [/can't rollback, '([^']+)' is not most recent snapshot on '([^']+)'/, (m) => ({ kind: 'snapshot-not-newest', snapshot: m[1]!, volume: m[2]! })],
  [/unable to rollback to incomplete snapshot \(snapstate = ([^)]+)\)/, (m) => ({ kind: 'snapshot-incomplete', snapstate: m[1]! })],
  [/snapshot '([^']+)' does not exist/, (m) => ({ kind: 'snapshot-missing', snapshot: m[1]! })],
  [/\b(Full|Linked) clone feature is not supported for (?:a snapshot of )?'([^']+)'/, (m) => ({ kind: 'clone-unsupported', mode: m[1] === 'Full' ? 'full' : 'linked', volume: m[2]! })],
  [/\b(?:VM|CT) is locked \(([^)]+)\)/, (m) => ({ kind: 'locked', lock: m[1]! })],
  [/can't lock file '[^']+' - got timeout/, () => ({ kind: 'lock-timeout' })],
  [/protection mode enabled/, () => ({ kind: 'protected' })],
  [/\bvm is running\b|can't overwrite running container|\b(?:VM|CT) \d+ is running - destroy failed|\bcontainer is running\b|\b(?:VM|CT) \d+ already running\b/, () => ({ kind: 'running' })],
  [/you can't (?:start|rollback) .*template|\bit's a template\b/, () => ({ kind: 'template' })],
  [/Content type '([^']+)' is not available on storage '([^']+)'/, (m) => ({ kind: 'content-type-unavailable', content: m[1]!, storage: m[2]! })],
  [/storage '([^']+)' does not exist/, (m) => ({ kind: 'storage-missing', storage: m[1]! })],
  [/error fetching datastores|Can't connect to \S+:8007|restore failed \(connection error\)|error trying to connect/, () => ({ kind: 'storage-unreachable' })],
  [/no quorum/, () => ({ kind: 'no-quorum' })],
  [/live-restore is only compatible with backup images from a Proxmox Backup Server/, () => ({ kind: 'live-restore-pbs-only' })],
  [/^Unknown option: (\S+)/, (m) => ({ kind: 'unknown-option', option: m[1]! })],
  [/Configuration file '[^']+' does not exist/, () => ({ kind: 'guest-missing' })],
];

/** `400 Parameter verification failed.` is followed by `name: problem` lines. */
function parameterProblem(lines: readonly string[]): Refusal | undefined {
  const at = lines.findIndex((l) => /^400 Parameter verification failed\./.test(l));
  if (at < 0) return undefined;
  const m = /^([a-z][a-z0-9_-]*): (.+)$/.exec(lines[at + 1] ?? '');
  if (!m) return undefined;
  return { reason: { kind: 'invalid-parameter', parameter: m[1]!, problem: m[2]! }, message: lines[at + 1]! };
}

/**
 * The refusal named in a tool's error output, or undefined when the text
 * names none of them (the failure is then only the tool's words).
 */
export function classifyRefusal(text: string): Refusal | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  for (const [pattern, reason] of RULES) {
    for (const line of lines) {
      const m = pattern.exec(line);
      if (m) return { reason: reason(m), message: line };
    }
  }
  return parameterProblem(lines);
}
