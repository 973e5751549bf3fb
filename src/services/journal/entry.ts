/**
 * What the journal holds: one JSON object per line, each a fact Strata can be
 * held to later. Every command an action ran on a host (as `describeCommand`
 * prints it: secret names, never values), and a start and an end entry per
 * action. Times are ISO 8601 UTC; `v` is the line format's version.
 */
import { userInfo } from 'node:os';
import { z } from 'zod';
import type { ActionRequest, ActionState, CheckOutcome } from '../../kinds/action-types.js';

export const JOURNAL_VERSION = 1;
export const JOURNAL_FILE = 'journal.jsonl';

interface EntryBase {
  readonly v: 1;
  /** When it happened (for a command: when it started), ISO 8601 UTC. */
  readonly at: string;
  /** Who ran Strata: SUDO_USER, else USER, else the OS user name. */
  readonly operator: string;
}

export interface ActionStartEntry extends EntryBase {
  readonly type: 'action-start';
  readonly actionId: string;
  readonly title: string;
  readonly request: ActionRequest;
  readonly changesHost: boolean;
  /** The plan the operator confirmed, commands as `describeCommand` prints them. */
  readonly steps: readonly { readonly host: string; readonly command: string; readonly description: string }[];
}

export interface CommandEntry extends EntryBase {
  readonly type: 'command';
  readonly actionId?: string;
  /** A read-only probe (in the probe log), not a command of an action. */
  readonly probe?: true;
  readonly host: string;
  /** `describeCommand`: secrets show only their names. */
  readonly command: string;
  /** Null when the command never reported an exit code (cancelled, timed out, link lost). */
  readonly exitCode: number | null;
  readonly durationMs: number;
  /** Why there is no exit code: the transport error's kind and message. */
  readonly error?: { readonly kind: string; readonly message: string };
  /** The last lines of stderr when the command failed, with known secret values scrubbed. */
  readonly stderrTail?: string;
}

export interface ActionEndEntry extends EntryBase {
  readonly type: 'action-end';
  readonly actionId: string;
  readonly title: string;
  readonly request: ActionRequest;
  readonly state: ActionState;
  readonly exitCode: number | null;
  readonly summary: string;
  readonly verified?: 'ok' | 'failed';
  /** When the verified state dates from, if earlier than the end (a scrub read back), ISO 8601. */
  readonly provenAt?: string;
  readonly durationMs: number;
  /** Restores and drills: the checks after, each passed, failed or not run. */
  readonly checks?: readonly CheckOutcome[];
  /** Restores and drills: seconds the restore itself took (the measured restore time). */
  readonly restoreSeconds?: number;
}

export type JournalEntry = ActionStartEntry | CommandEntry | ActionEndEntry;

/** Distributes Omit over the union, so each entry keeps its own fields. */
export type NewJournalEntry = JournalEntry extends infer E ? (E extends JournalEntry ? Omit<E, 'v'> : never) : never;

/** SUDO_USER (the human behind sudo), else USER, else the OS account. */
export function operatorName(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env.SUDO_USER || env.USER;
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

const request = z.looseObject({
  kind: z.string(),
  layerId: z.string(),
  assetId: z.string().optional(),
  readDataSubset: z.string().optional(),
  restore: z
    .looseObject({
      pointRef: z.string(),
      pointAt: z.string(),
      method: z.enum(['restore', 'rollback', 'clone']),
      targetHost: z.string(),
      targetVmid: z.number().int(),
      overwrites: z.boolean(),
    })
    .optional(),
});

const base = { v: z.literal(1), at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a time'), operator: z.string() };

/** Lenient on extra fields (a newer Strata may add some), strict on the ones readers use. */
export const journalEntrySchema = z.discriminatedUnion('type', [
  z.looseObject({
    ...base,
    type: z.literal('action-start'),
    actionId: z.string(),
    title: z.string(),
    request,
    changesHost: z.boolean(),
    steps: z.array(z.looseObject({ host: z.string(), command: z.string(), description: z.string() })),
  }),
  z.looseObject({
    ...base,
    type: z.literal('command'),
    actionId: z.string().optional(),
    probe: z.literal(true).optional(),
    host: z.string(),
    command: z.string(),
    exitCode: z.number().int().nullable(),
    durationMs: z.number(),
    error: z.looseObject({ kind: z.string(), message: z.string() }).optional(),
    stderrTail: z.string().optional(),
  }),
  z.looseObject({
    ...base,
    type: z.literal('action-end'),
    actionId: z.string(),
    title: z.string(),
    request,
    // Journals written before the one spelling of warn say 'warning'.
    state: z.enum(['ok', 'warn', 'warning', 'failed', 'cancelled']).transform((v) => (v === 'warning' ? 'warn' : v)),
    exitCode: z.number().int().nullable(),
    summary: z.string(),
    verified: z.enum(['ok', 'failed']).optional(),
    provenAt: z.string().optional(),
    durationMs: z.number(),
    checks: z.array(z.looseObject({ id: z.string(), label: z.string(), state: z.enum(['passed', 'failed', 'not-run']), detail: z.string() })).optional(),
    restoreSeconds: z.number().nonnegative().optional(),
  }),
]);
