/**
 * Secrets on their way into a Command. A SecretRef (inventory) names where a
 * secret lives; this module decides how the tool on the host receives it,
 * without the value ever entering an argument list, the config file or a log:
 * - `{file}` / `{command}`: the host reads it itself, through the tool's own
 *   `*_FILE` / `*_COMMAND` variable when the tool has one (only a path or a
 *   command line travels, neither is secret), else through `secretsFrom`;
 * - `{env: NAME}`: a variable of the Strata process, looked up by the caller
 *   (adapters never read process.env) and sent as a `secrets` value.
 */
import type { SecretRef } from '../domain/inventory-file.js';
import { err, ok, type Result } from '../domain/types.js';
import type { Command } from '../transport/command.js';

/** A SecretRef whose `{env}` form has been looked up. */
export type ResolvedSecret = { readonly file: string } | { readonly command: string } | { readonly value: string };

export type LookupEnv = (name: string) => string | undefined;

/** Looks up an `{env: NAME}` secret; `{file}`/`{command}` pass through untouched. */
export function resolveSecret(ref: SecretRef, lookupEnv: LookupEnv): Result<ResolvedSecret> {
  if ('file' in ref) return ok({ file: ref.file });
  if ('command' in ref) return ok({ command: ref.command });
  const value = lookupEnv(ref.env);
  if (value === undefined) {
    return err('auth', `secret variable ${ref.env} is not set in Strata's environment`);
  }
  if (value === '') return err('auth', `secret variable ${ref.env} is empty`);
  if (/[\n\r\0]/.test(value)) {
    // A value crosses the SSH channel as one stdin line.
    return err('auth', `secret variable ${ref.env} contains a line break or NUL, which cannot be sent`);
  }
  return ok({ value });
}

/** Variable names a tool reads one secret from. */
export interface SecretVariables {
  /** Holds the value itself (RESTIC_PASSWORD, PBS_PASSWORD). */
  readonly value: string;
  /** Holds a path the tool reads the value from (RESTIC_PASSWORD_FILE), if the tool has one. */
  readonly file?: string;
  /** Holds a command whose output is the value (RESTIC_PASSWORD_COMMAND), if the tool has one. */
  readonly command?: string;
}

export type CommandEnv = Pick<Command, 'env' | 'secrets' | 'secretsFrom'>;

/** Where one resolved secret goes in a Command. */
export function secretEnv(secret: ResolvedSecret, vars: SecretVariables): CommandEnv {
  if ('value' in secret) return { secrets: { [vars.value]: secret.value } };
  if ('file' in secret) {
    return vars.file ? { env: { [vars.file]: secret.file } } : { secretsFrom: { [vars.value]: { file: secret.file } } };
  }
  return vars.command
    ? { env: { [vars.command]: secret.command } }
    : { secretsFrom: { [vars.value]: { command: secret.command } } };
}

/** Resolves and places a SecretRef in one step. */
export function secretRefEnv(ref: SecretRef, vars: SecretVariables, lookupEnv: LookupEnv): Result<CommandEnv> {
  const r = resolveSecret(ref, lookupEnv);
  return r.ok ? ok(secretEnv(r.value, vars)) : r;
}

/** Resolves a map of further secret variables (AWS_SECRET_ACCESS_KEY, RCLONE_CONFIG_PASS, ...). */
export function resolveSecretMap(
  refs: Readonly<Record<string, SecretRef>> | undefined,
  lookupEnv: LookupEnv,
): Result<Record<string, ResolvedSecret>> {
  const out: Record<string, ResolvedSecret> = {};
  for (const [name, ref] of Object.entries(refs ?? {})) {
    const r = resolveSecret(ref, lookupEnv);
    if (!r.ok) return err(r.error.kind, `${name}: ${r.error.message}`);
    out[name] = r.value;
  }
  return ok(out);
}

/** Places further secret variables: each goes to its own name, read on the host or sent as a value. */
export function secretMapEnv(secrets: Readonly<Record<string, ResolvedSecret>> | undefined): CommandEnv {
  return mergeEnv(...Object.entries(secrets ?? {}).map(([name, s]) => secretEnv(s, { value: name })));
}

/** Merges env parts; a later part wins for the same name. */
export function mergeEnv(...parts: readonly CommandEnv[]): CommandEnv {
  const env: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const secretsFrom: Record<string, NonNullable<Command['secretsFrom']>[string]> = {};
  for (const p of parts) {
    Object.assign(env, p.env);
    Object.assign(secrets, p.secrets);
    Object.assign(secretsFrom, p.secretsFrom);
  }
  // A secret never also travels as plain env under the same name.
  for (const name of [...Object.keys(secrets), ...Object.keys(secretsFrom)]) delete env[name];
  for (const name of Object.keys(secretsFrom)) delete secrets[name];
  return {
    ...(Object.keys(env).length > 0 ? { env } : {}),
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
    ...(Object.keys(secretsFrom).length > 0 ? { secretsFrom } : {}),
  };
}
