/**
 * Pure readers of what the guest commands of guest-commands.ts and
 * restore.ts print: the next free id, a guest's config, the agent's answer,
 * a guest's status, a task's status and the end of its log, and the result
 * of a task run from the CLI (rollback, clone, set, start, destroy).
 */
import { z } from 'zod';
import { err, ok, type JobState, type Result } from '../../domain/types.js';
import { exitFailure, firstLine } from '../shared/failure.js';
import { excerpt, parseJsonAs, parseJsonText } from '../shared/json.js';
import { taskState } from '../shared/task-status.js';
import { intLike, optional } from '../shared/values.js';
import { pveshFailure, parseTaskLog } from './parse.js';
import { classifyRefusal, type Refusal } from './refusals.js';

/** The line after `400 Parameter verification failed.` says which value was wrong; otherwise the first line. */
function pveLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const at = lines.findIndex((l) => l.startsWith('400 Parameter verification failed.'));
  return at >= 0 && lines[at + 1] ? lines[at + 1]! : (lines[0] ?? '');
}

// ---------------------------------------------------------------------------
// nextid

/** `pvesh get /cluster/nextid [--vmid N]`: the id, as a JSON number or string. */
export function parseNextId(stdout: string, stderr: string, exitCode: number): Result<number> {
  if (exitCode !== 0) {
    return exitFailure('pvesh /cluster/nextid', exitCode, stderr, 'command-failed', pveLine(stderr));
  }
  const json = parseJsonText(stdout, 'pvesh /cluster/nextid');
  if (!json.ok) return json;
  const v = json.value;
  const id = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(id) || id < 100 || id > 999_999_999) return err('parse', `pvesh /cluster/nextid: not a guest id: ${excerpt(stdout)}`);
  return ok(id);
}

// ---------------------------------------------------------------------------
// guest config

export interface GuestNet {
  /** `net0` */
  readonly key: string;
  readonly index: number;
  /** The whole value, to write back changed (setLinkDownCommand). */
  readonly value: string;
  /** qemu: `virtio`, `e1000`, ...; lxc: the interface name (`eth0`). */
  readonly model?: string;
  readonly mac?: string;
  readonly bridge?: string;
  readonly linkDown: boolean;
}

export interface GuestDisk {
  /** `scsi0`, `rootfs`, `mp0`, `unused0` */
  readonly key: string;
  /** `local-lvm:vm-100-disk-0`, or a host path for a bind mount. */
  readonly volume: string;
  readonly storage?: string;
  readonly sizeBytes?: number;
  readonly unused: boolean;
}

export interface GuestConfig {
  /** `name` (VMs) or `hostname` (containers). */
  readonly name?: string;
  readonly lock?: string;
  readonly protection: boolean;
  readonly template: boolean;
  /** VMs: the QEMU guest agent is configured and enabled. */
  readonly agent: boolean;
  /** The snapshot the current state descends from. */
  readonly parent?: string;
  readonly memoryMiB?: number;
  readonly nets: readonly GuestNet[];
  readonly disks: readonly GuestDisk[];
  readonly digest?: string;
}

const QEMU_DISK = /^(ide[0-3]|sata[0-5]|scsi(?:[0-9]|[12][0-9]|30)|virtio(?:[0-9]|1[0-5])|efidisk0|tpmstate0|unused\d+)$/;
const LXC_DISK = /^(rootfs|mp\d+|unused\d+)$/;
const NIC_MODELS = new Set(['e1000', 'e1000-82540em', 'e1000-82544gc', 'e1000-82545em', 'e1000e', 'i82551', 'i82557b', 'i82559er', 'ne2k_isa', 'ne2k_pci', 'pcnet', 'rtl8139', 'virtio', 'vmxnet3']);

/** `key=value,flag,...` into a map; a bare first item is the default key's value. */
function propertyString(value: string): { first?: string; props: Map<string, string> } {
  const props = new Map<string, string>();
  let first: string | undefined;
  for (const [i, part] of value.split(',').entries()) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (i === 0) first = part;
      continue;
    }
    props.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return { ...(first !== undefined ? { first } : {}), props };
}

const SIZE_UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** PVE disk sizes: `32G`, `512M`, `1.5T`, bytes without a unit. */
export function diskSizeBytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(text);
  return m ? Math.round(Number(m[1]) * SIZE_UNITS[m[2]!]!) : undefined;
}

function parseNet(key: string, value: string): GuestNet {
  const { first, props } = propertyString(value);
  let model: string | undefined;
  let mac: string | undefined;
  for (const [k, v] of props) {
    if (NIC_MODELS.has(k)) {
      model = k;
      mac = v;
    }
  }
  if (props.has('name')) model = props.get('name');
  if (props.has('hwaddr')) mac = props.get('hwaddr');
  if (props.has('model')) model = props.get('model');
  if (props.has('macaddr')) mac = props.get('macaddr');
  if (model === undefined && first !== undefined) model = first;
  const bridge = props.get('bridge');
  return {
    key,
    index: Number(key.slice(3)),
    value,
    ...(model !== undefined ? { model } : {}),
    ...(mac !== undefined ? { mac } : {}),
    ...(bridge !== undefined ? { bridge } : {}),
    linkDown: props.get('link_down') === '1',
  };
}

function parseDisk(key: string, value: string): GuestDisk | undefined {
  const { first, props } = propertyString(value);
  if (props.get('media') === 'cdrom') return undefined;
  const volume = props.get('file') ?? props.get('volume') ?? first;
  if (volume === undefined || volume === 'none') return undefined;
  const storage = /^([a-z][a-z0-9_.-]*[a-z0-9]):/i.exec(volume)?.[1];
  const size = props.has('size') ? diskSizeBytes(props.get('size')!) : undefined;
  return { key, volume, ...(storage !== undefined ? { storage } : {}), ...(size !== undefined ? { sizeBytes: size } : {}), unused: key.startsWith('unused') };
}

const configSchema = z.record(z.string(), z.union([z.string(), z.number()]));

/** `qm` agent: `1`, `0`, `enabled=1,fstrim_cloned_disks=1`, `0,type=isa`. */
function agentEnabled(v: string | undefined): boolean {
  if (v === undefined) return false;
  const { first, props } = propertyString(v);
  const enabled = props.get('enabled') ?? first;
  return enabled === '1';
}

/** `pvesh get /nodes/{node}/{qemu|lxc}/{vmid}/config`: the current config. */
export function parseGuestConfig(stdout: string, stderr: string, exitCode: number): Result<GuestConfig> {
  if (exitCode !== 0) return pveshFailure(stderr, exitCode);
  const r = parseJsonAs(configSchema, stdout, 'pvesh guest config');
  if (!r.ok) return r;
  const raw = new Map(Object.entries(r.value).map(([k, v]) => [k, String(v)]));
  const isCt = raw.has('rootfs') || raw.has('hostname') || raw.has('arch');
  const nets: GuestNet[] = [];
  const disks: GuestDisk[] = [];
  for (const [k, v] of raw) {
    if (/^net\d+$/.test(k)) nets.push(parseNet(k, v));
    else if ((isCt ? LXC_DISK : QEMU_DISK).test(k)) {
      const d = parseDisk(k, v);
      if (d) disks.push(d);
    }
  }
  const memory = raw.get('memory');
  const memoryMiB = memory !== undefined && /^\d+$/.test(memory) ? Number(memory) : undefined;
  const name = raw.get('name') ?? raw.get('hostname');
  const lock = raw.get('lock');
  const parent = raw.get('parent');
  const digest = raw.get('digest');
  return ok({
    ...(name !== undefined ? { name } : {}),
    ...(lock !== undefined ? { lock } : {}),
    protection: raw.get('protection') === '1',
    template: raw.get('template') === '1',
    agent: agentEnabled(raw.get('agent')),
    ...(parent !== undefined ? { parent } : {}),
    ...(memoryMiB !== undefined ? { memoryMiB } : {}),
    nets: nets.sort((a, b) => a.index - b.index),
    disks: disks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    ...(digest !== undefined ? { digest } : {}),
  });
}

// ---------------------------------------------------------------------------
// agent, status

export type AgentPing =
  | { readonly answered: true }
  | { readonly answered: false; readonly reason: 'not-configured' | 'guest-not-running' | 'agent-not-running'; readonly message: string };

/**
 * `qm guest cmd ID ping` (qemu-server QemuServer/Agent.pm): no output and
 * exit 0 when the agent answers; otherwise one of three refusals.
 */
export function parseAgentPing(_stdout: string, stderr: string, exitCode: number): Result<AgentPing> {
  if (exitCode === 0) return ok({ answered: true });
  const line = firstLine(stderr);
  if (/^No QEMU guest agent configured$/.test(line)) return ok({ answered: false, reason: 'not-configured', message: line });
  if (/^VM \d+ is not running$/.test(line)) return ok({ answered: false, reason: 'guest-not-running', message: line });
  if (/^QEMU guest agent is not running$/.test(line)) return ok({ answered: false, reason: 'agent-not-running', message: line });
  return exitFailure('qm guest cmd', exitCode, stderr, /does not exist/.test(line) ? 'not-found' : 'command-failed');
}

export interface GuestStatus {
  /** running, stopped (others as reported) */
  readonly status: string;
}

/** `qm status ID` / `pct status ID`: `status: running`. */
export function parseGuestStatus(stdout: string, stderr: string, exitCode: number): Result<GuestStatus> {
  if (exitCode !== 0) return exitFailure('status', exitCode, stderr, /does not exist/.test(stderr) ? 'not-found' : 'command-failed');
  const m = /^status: ([a-z-]+)$/m.exec(stdout);
  if (!m) return err('parse', `guest status: no "status:" line (${excerpt(stdout) || 'no output'})`);
  return ok({ status: m[1]! });
}

// ---------------------------------------------------------------------------
// tasks

export interface TaskStatus {
  readonly running: boolean;
  /** `OK`, `WARNINGS: N` or the error, once stopped. */
  readonly exitStatus?: string;
  readonly state: JobState;
  readonly type?: string;
  readonly id?: string;
}

const taskStatusSchema = z.looseObject({
  status: z.enum(['running', 'stopped']),
  exitstatus: optional(z.string()),
  type: optional(z.string()),
  id: optional(z.union([z.string(), intLike.transform(String)])),
});

/** `pvesh get /nodes/{node}/tasks/{upid}/status` */
export function parseTaskStatus(stdout: string, stderr: string, exitCode: number): Result<TaskStatus> {
  if (exitCode !== 0) return pveshFailure(stderr, exitCode);
  const r = parseJsonAs(taskStatusSchema, stdout, 'pvesh task status');
  if (!r.ok) return r;
  const running = r.value.status === 'running';
  const exit = r.value.exitstatus;
  return ok({
    running,
    ...(exit !== undefined ? { exitStatus: exit } : {}),
    // A stopped task whose status is missing ended without a word: that is no success.
    state: running ? 'running' : taskState(exit ?? 'unknown', 0),
    ...(r.value.type !== undefined ? { type: r.value.type } : {}),
    ...(r.value.id !== undefined ? { id: r.value.id } : {}),
  });
}

export type TaskEnd =
  | { readonly state: 'ok' }
  | { readonly state: 'warn'; readonly warnings: number }
  | { readonly state: 'failed'; readonly error: string }
  /** No end line (yet): the task runs, or its log was cut. */
  | { readonly state: 'running' };

/** The verdict a task log ends with: `TASK OK`, `TASK WARNINGS: N`, `TASK ERROR: msg`. */
export function taskLogEnd(lines: readonly string[]): TaskEnd {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!.trim();
    if (l === '') continue;
    if (l === 'TASK OK') return { state: 'ok' };
    const w = /^TASK WARNINGS: (\d+)$/.exec(l);
    if (w) return { state: 'warn', warnings: Number(w[1]) };
    const e = /^TASK ERROR: (.*)$/.exec(l);
    if (e) return { state: 'failed', error: e[1]! };
    return { state: 'running' };
  }
  return { state: 'running' };
}

export interface TaskLog {
  readonly lines: readonly string[];
  readonly end: TaskEnd;
}

/** `pvesh get /nodes/{node}/tasks/{upid}/log`: the lines and how the task ended. */
export function parseTaskLogWithEnd(stdout: string, stderr: string, exitCode: number): Result<TaskLog> {
  const r = parseTaskLog(stdout, stderr, exitCode);
  return r.ok ? ok({ lines: r.value, end: taskLogEnd(r.value) }) : r;
}

// ---------------------------------------------------------------------------
// a task run from the CLI

export interface GuestTaskResult {
  /** Exit 0: the task ended OK or with warnings. */
  readonly done: boolean;
  readonly warningCount: number;
  /** The task's error, or the refusal before it, in the tool's words. */
  readonly error?: string;
  readonly refusal?: Refusal;
  /** What the task printed (its log), for the journal. */
  readonly log: readonly string[];
}

/**
 * `qm|pct rollback|clone|set|start|destroy ...`: these print little or
 * nothing on success (restore-formats §0), so the exit code is the verdict;
 * a failure is a result with the tool's words and, when it names one, the
 * typed refusal.
 */
export function parseGuestTask(stdout: string, stderr: string, exitCode: number): Result<GuestTaskResult> {
  if (exitCode === 127) return exitFailure('qm/pct', exitCode, stderr);
  const log = stdout.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
  const errLines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const warned = errLines.map((l) => /^Task finished with (\d+) warning\(s\)!$/.exec(l)).find((m) => m);
  const warningCount = warned ? Number(warned[1]) : 0;
  if (exitCode === 0) return ok({ done: true, warningCount, log });
  const said = errLines.filter((l) => !/^Task finished with/.test(l));
  const refusal = classifyRefusal(said.join('\n'));
  return ok({ done: false, warningCount, error: excerpt(said.join(' ') || `exit ${exitCode}`, 400), ...(refusal ? { refusal } : {}), log });
}
