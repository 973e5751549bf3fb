/**
 * Argument parsing for the non-interactive commands, on node:util's parseArgs.
 * A bad flag is a usage error (exit 64) naming the flag, never a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT } from './io.js';

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

/**
 * A command's flags with the common ones (--config, --help): the parsed
 * values, or the exit code after printing the usage (--help: 0; a bad flag:
 * 64, naming it).
 */
export function commandFlags<O extends Options>(
  args: string[],
  options: O,
  cmd: { readonly io: { out(t: string): void; err(t: string): void }; readonly name: string; readonly usage: string },
) {
  try {
    const parsed = parseFlags(args, { ...COMMON_FLAGS, ...options });
    if ((parsed.values as { help?: boolean }).help) {
      cmd.io.out(cmd.usage);
      return { exit: EXIT.ok } as const;
    }
    return parsed;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    cmd.io.err(`${cmd.name}: ${e.message}\n\n${cmd.usage}`);
    return { exit: EXIT.usage } as const;
  }
}
