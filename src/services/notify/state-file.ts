/**
 * What notify told, and what it could not send yet, kept between runs in the
 * state directory: one file per inventory path (the demo's lab never mixes
 * with the real estate), replaced whole (temporary file + rename) so a crash
 * mid-write leaves the previous state. Holds names, health and message text,
 * never a secret: a target is named, its token is not.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { replaceFile } from '../atomic-file.js';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { ToldProblem } from '../../domain/notify/changes.js';
import type { NotifyMessage } from '../../domain/notify/messages.js';
import { errorText } from '../../domain/error-text.js';
import { ensureStateDir, statePath, type StateEnv } from '../state-dir.js';

export interface NotifyState {
  readonly told: Record<string, ToldProblem>;
  /** Per target name: messages not sent yet, oldest first. */
  readonly pending: Record<string, PendingQueue>;
}

export interface PendingQueue {
  readonly messages: NotifyMessage[];
  /** Messages let go because the queue was full: said in the next message that goes out. */
  readonly dropped: number;
}

export const EMPTY_STATE: NotifyState = { told: {}, pending: {} };

const health = z.enum(['ok', 'warn', 'unknown', 'crit']);
const told = z.object({ health, what: z.string(), sinceSec: z.number().finite(), toldSec: z.number().finite() });
const message = z.object({
  event: z.enum(['problem', 'reminder', 'recovery']),
  key: z.string(),
  root: z.string(),
  health,
  previous: health.optional(),
  title: z.string(),
  text: z.string(),
  atSec: z.number().finite(),
});
const fileSchema = z.object({
  version: z.literal(1),
  configPath: z.string(),
  told: z.record(z.string(), told),
  pending: z.record(z.string(), z.object({ messages: z.array(message), dropped: z.number().int().min(0) })),
});

export function notifyStatePath(configPath: string, env: StateEnv = process.env): string {
  const digest = createHash('sha256').update(resolve(configPath)).digest('hex').slice(0, 16);
  return statePath(`notify-${digest}.json`, env);
}

/** A missing file is a first run; an unreadable one is said (`problem`) and read as a first run. */
export async function loadNotifyState(path: string, configPath: string): Promise<{ state: NotifyState; problem?: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: EMPTY_STATE };
    return { state: EMPTY_STATE, problem: `the notify state ${path} could not be read (${errorText(e)}): every current problem is told as new` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success || parsed.data.configPath !== resolve(configPath)) {
    return { state: EMPTY_STATE, problem: `the notify state ${path} is not one Strata wrote for this inventory: every current problem is told as new` };
  }
  return { state: { told: parsed.data.told, pending: parsed.data.pending } };
}

export async function saveNotifyState(path: string, configPath: string, state: NotifyState, env: StateEnv): Promise<void> {
  await ensureStateDir(env);
  const body = { version: 1, configPath: resolve(configPath), told: state.told, pending: state.pending };
  await replaceFile(path, JSON.stringify(body), 0o600);
}
