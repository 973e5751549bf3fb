/**
 * Argument parsing for the non-interactive commands, on node:util's parseArgs.
 * A bad flag is a usage error (exit 64) naming the flag, never a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<O extends Options>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message.replace(/\. To specify a positional argument.*$/s, '') : String(e);
    throw new UsageError(msg);
  }
}

/** The inventory path from --config, then STRATA_CONFIG; undefined means the default location. */
export function configFlag(values: { config?: string | boolean | undefined }, env: Readonly<Record<string, string | undefined>>) {
  const v = values.config;
  if (typeof v === 'string' && v !== '') return v;
  return env.STRATA_CONFIG || undefined;
}

export const COMMON_FLAGS = {
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
