/**
 * The last status, saved after each refresh in the state directory, so the
 * next start shows what was known at once (marked with its age) while the
 * first refresh runs. One file per inventory path: the demo's lab never
 * overwrites the real estate's status. A file that is missing, unreadable or
 * of another shape is no saved status, never an error: the refresh decides.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { replaceFile } from './atomic-file.js';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { StatusReport } from '../domain/status-report.js';
import { ensureStateDir, statePath, type StateEnv } from './state-dir.js';

export interface SavedStatus {
  readonly report: StatusReport;
  /** Local epoch ms when the report was read. */
  readonly readAtMs: number;
}

const health = z.enum(['ok', 'warn', 'unknown', 'crit']);
const named = (key: 'name' | 'id') => z.looseObject({ [key]: z.string(), health, reasons: z.array(z.string()) });

const fileSchema = z.object({
  version: z.literal(1),
  configPath: z.string(),
  readAtMs: z.number().finite(),
  report: z.looseObject({
    version: z.literal(1),
    generatedAt: z.string(),
    overall: health,
    hosts: z.array(named('name')),
    layers: z.array(named('id')),
    assets: z.array(named('id')),
  }),
});

/** The file holding the saved status of the inventory at `configPath`. */
export function statusCachePath(configPath: string, env: StateEnv = process.env): string {
  const digest = createHash('sha256').update(resolve(configPath)).digest('hex').slice(0, 16);
  return statePath(`status-${digest}.json`, env);
}

export async function loadSavedStatus(configPath: string, env: StateEnv = process.env): Promise<SavedStatus | null> {
  let text: string;
  try {
    text = await readFile(statusCachePath(configPath, env), 'utf8');
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success || parsed.data.configPath !== resolve(configPath)) return null;
  return { report: parsed.data.report as unknown as StatusReport, readAtMs: parsed.data.readAtMs };
}

/** Writes atomically (a crash mid-write leaves the previous file), readable by the user only. */
export async function saveStatus(configPath: string, saved: SavedStatus, env: StateEnv = process.env): Promise<void> {
  await ensureStateDir(env);
  const path = statusCachePath(configPath, env);
  const body = { version: 1, configPath: resolve(configPath), readAtMs: saved.readAtMs, report: saved.report };
  await replaceFile(path, JSON.stringify(body), 0o600);
}
