/**
 * A notification target's secret, read on the machine Strata runs on (the
 * management host), not on a layer's host: `{env}` from Strata's own
 * environment, `{file}` read here, `{command}` run here with `sh -c` (through
 * the local runner: only transport starts processes). Trailing newlines are
 * dropped, as a shell's `$(...)` does. The value goes only where the target
 * uses it; errors name the reference, never a value.
 */
import { readFile } from 'node:fs/promises';
import type { SecretRef } from '../../domain/inventory-file.js';
import { errorText } from '../../domain/error-text.js';
import type { Runner } from '../../transport/index.js';
import type { LookupEnv } from '../../adapters/secrets.js';

export interface SecretDeps {
  readonly lookupEnv: LookupEnv;
  /** Runs `{command}` secrets; a LocalRunner. */
  readonly runner: Runner;
}

const SECRET_COMMAND_TIMEOUT_MS = 30_000;

export async function readLocalSecret(ref: SecretRef, deps: SecretDeps): Promise<{ value: string } | { error: string }> {
  let value: string;
  if ('env' in ref) {
    const v = deps.lookupEnv(ref.env);
    if (v === undefined || v === '') return { error: `secret variable ${ref.env} is ${v === undefined ? 'not set' : 'empty'} in Strata's environment` };
    value = v;
  } else if ('file' in ref) {
    try {
      value = await readFile(ref.file, 'utf8');
    } catch (e) {
      return { error: `secret file ${ref.file} could not be read: ${errorText(e)}` };
    }
  } else {
    try {
      const r = await deps.runner.run({ argv: ['sh', '-c', ref.command], timeoutMs: SECRET_COMMAND_TIMEOUT_MS, maxOutputBytes: 64 * 1024 });
      if (r.exitCode !== 0) return { error: `secret command \`${ref.command}\` exited with ${r.exitCode}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').at(-1)}` : ''}` };
      value = r.stdout;
    } catch (e) {
      return { error: `secret command \`${ref.command}\` failed: ${errorText(e)}` };
    }
  }
  value = value.replace(/\r?\n+$/, '');
  if (value === '') return { error: `secret ${describeRef(ref)} is empty` };
  if (/[\r\n\0]/.test(value)) return { error: `secret ${describeRef(ref)} holds a line break or NUL` };
  return { value };
}

export function describeRef(ref: SecretRef): string {
  if ('env' in ref) return `variable ${ref.env}`;
  if ('file' in ref) return `file ${ref.file}`;
  return `command \`${ref.command}\``;
}
