/** Runs the strata CLI in-process (through main, as bin/strata.js does) and checks the status JSON contract. */
import { z } from 'zod';
import { memoryIo } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import type { StatusReport } from '../../../src/domain/status-report.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function strata(args: string[], opts: { env?: Record<string, string>; tty?: boolean } = {}): Promise<CliRun> {
  const io = memoryIo('', opts.env ?? {});
  if (opts.tty) Object.assign(io, { isTTY: true });
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const health = z.enum(['ok', 'warn', 'unknown', 'crit']);
const iso = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

/** The v1 contract of DESIGN.md ("Non-interactive contract"): these fields, these types; more fields may follow. */
export const statusContract = z.object({
  version: z.literal(1),
  generatedAt: iso,
  overall: health,
  hosts: z.array(
    z.object({ name: z.string(), reachable: z.boolean(), error: z.string().nullable(), clockSkewSeconds: z.number().int().nullable() }),
  ),
  layers: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      host: z.string(),
      health,
      lastPointAt: iso.nullable(),
      ageSeconds: z.number().int().nonnegative().nullable(),
      rpoSeconds: z.number().int().positive().nullable(),
      points: z.number().int().nonnegative(),
      reasons: z.array(z.string()),
    }),
  ),
  assets: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      tier: z.string().nullable(),
      health,
      copies: z.number().int().positive(),
      media: z.number().int().nonnegative(),
      offsite: z.number().int().nonnegative(),
      newest: z.record(z.string(), iso),
      reasons: z.array(z.string()),
    }),
  ),
});

/** Parses `strata status --json` output, failing the test unless it follows the v1 contract. */
export function statusJson(run: CliRun): StatusReport {
  const value: unknown = JSON.parse(run.stdout);
  statusContract.parse(value);
  return value as StatusReport;
}

export const layerOf = (r: StatusReport, id: string) => {
  const l = r.layers.find((x) => x.id === id);
  if (!l) throw new Error(`no layer ${id} in the report`);
  return l;
};

export const assetOf = (r: StatusReport, id: string) => {
  const a = r.assets.find((x) => x.id === id);
  if (!a) throw new Error(`no asset ${id} in the report`);
  return a;
};

export const hostOf = (r: StatusReport, name: string) => {
  const h = r.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no host ${name} in the report`);
  return h;
};
