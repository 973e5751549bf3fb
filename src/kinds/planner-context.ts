/**
 * What planning needs: the inventory, a runner per host for read-only
 * probes, the clock (snapshot and archive names) and the operator's
 * environment for `{env}` secrets. Planning never writes to a host.
 */
import { runCommand, runParsed, type Parser } from '../adapters/shared/run.js';
import { DEFAULT_PROBE_TIMEOUT_SECONDS, type Inventory, type Layer } from '../domain/inventory.js';
import type { LayerFile } from '../domain/inventory-file.js';
import { err, ok, type Result } from '../domain/types.js';
import type { Command } from '../transport/command.js';
import type { Runner } from '../transport/runner.js';
import { HOSTNAME_COMMAND } from '../adapters/host/commands.js';
import type { ActionPlan, ActionRequest } from './action-types.js';
import { errorText } from '../domain/error-text.js';

export interface PlanContext {
  readonly inventory: Inventory;
  runnerFor(host: string): Runner;
  lookupEnv(name: string): string | undefined;
  /** Epoch seconds, for the names of new snapshots and archives. */
  nowSec(): number;
  /** The TUI's `--read-only`: no plan that changes a host. */
  readonly readOnly?: boolean;
  readonly signal?: AbortSignal;
  /** Per planning probe (the composition root gives the inventory's probeTimeoutSeconds; default 20 s). */
  readonly probeTimeoutMs?: number;
  /** Plan ids (tests pin them). */
  newId?(): string;
}

/** A plan before it has an id and its request. */
export type PlanDraft = Omit<ActionPlan, 'id' | 'request'>;

/** What a planner of one layer kind gets. */
export interface PlannerContext extends PlanContext {
  readonly request: ActionRequest;
  /** Runs a read-only probe on a host and parses it; never throws. */
  probe<T>(host: string, build: () => Command, parse: Parser<T>): Promise<Result<T>>;
  /** Runs a probe and returns its raw result (for capability checks). */
  probeRaw(host: string, build: () => Command): ReturnType<typeof runCommand>;
  /** The PVE node name of a host: the inventory's `node`, else what `hostname` prints. */
  nodeOf(host: string): Promise<Result<string>>;
}

/** A layer of one kind as the inventory normalised it (durations in seconds). */
export type LayerOf<K extends LayerFile['kind']> = Extract<Layer, { readonly kind: K }>;

export const DEFAULT_PROBE_TIMEOUT_MS = DEFAULT_PROBE_TIMEOUT_SECONDS * 1000;

export function plannerContext(ctx: PlanContext, request: ActionRequest): PlannerContext {
  const opts = { timeoutMs: ctx.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, ...(ctx.signal ? { signal: ctx.signal } : {}) };
  const runner = (host: string): Result<Runner> => {
    try {
      return ok(ctx.runnerFor(host));
    } catch (e) {
      return err('transport', `no runner for host ${host}: ${errorText(e)}`);
    }
  };
  return {
    ...ctx,
    request,
    async probe(host, build, parse) {
      const r = runner(host);
      return r.ok ? runParsed(r.value, build, parse, opts) : r;
    },
    async probeRaw(host, build) {
      const r = runner(host);
      return r.ok ? runCommand(r.value, build, opts) : r;
    },
    async nodeOf(host) {
      const configured = ctx.inventory.hosts.find((h) => h.name === host)?.node;
      if (configured) return ok(configured);
      const r = runner(host);
      if (!r.ok) return r;
      return runParsed(r.value, () => HOSTNAME_COMMAND, (stdout, stderr, code) => {
        const name = stdout.trim();
        if (code !== 0 || name === '' || /\s/.test(name)) return err('command-failed', `hostname on ${host} printed ${JSON.stringify(stdout.slice(0, 40))} (exit ${code}) ${stderr.trim()}`.trim());
        return ok(name);
      }, opts);
    },
  };
}

/** An error value in the planner's words. */
export function planError<T = never>(message: string, kind: 'command-failed' | 'not-found' | 'parse' | 'auth' | 'transport' = 'command-failed'): Result<T> {
  return err(kind, message);
}

/** Prefixes a probe's error with what the planner was trying to learn. */
export function because<T>(what: string, r: Result<unknown>): Result<T> {
  if (r.ok) throw new TypeError('because() needs an error');
  return err(r.error.kind, `${what}: ${r.error.message}`);
}

/** Builds a command, turning a builder's refusal (a bad name in the inventory) into an error value. */
export function build<T>(f: () => T): Result<T> {
  try {
    return ok(f());
  } catch (e) {
    return err('command-failed', `cannot build the command: ${errorText(e)}`);
  }
}
