/**
 * A secret's value read through its reference where it lives (an environment
 * variable of Strata, a file or a command on the layer's host), to hand to a
 * command on another host as Command.secrets: the PBS token for `pvesm add
 * pbs` on the new node, a copy's restic password and cloud keys for a chain's
 * restore on the PBS host. The value never goes on an argument list or into
 * a message.
 */
import type { SecretRef } from '../../domain/inventory-file.js';
import type { Command } from '../../transport/command.js';
import type { Runner } from '../../transport/runner.js';

const READ_MS = 30_000;

export interface SecretReader {
  runnerFor(host: string): Runner;
  lookupEnv(name: string): string | undefined;
}

/** Where a reference points, in words (for messages). */
export function secretWhere(ref: SecretRef, host: string): string {
  if ('env' in ref) return `${ref.env} in Strata's environment`;
  return 'file' in ref ? `file ${ref.file} on ${host}` : `its command on ${host}`;
}

/** The first line of the secret; throws with where it was looked for (never the value) when it is not there. */
export async function readSecretValue(deps: SecretReader, ref: SecretRef, host: string, what: string): Promise<string> {
  if ('env' in ref) {
    const v = deps.lookupEnv(ref.env);
    if (!v) throw new Error(`${what}: ${ref.env} is not set in Strata's environment`);
    return v;
  }
  const cmd: Command = 'file' in ref ? { argv: ['cat', ref.file] } : { argv: ['sh', '-c', ref.command] };
  const r = await deps.runnerFor(host).run({ ...cmd, timeoutMs: READ_MS });
  const value = r.stdout.split('\n')[0] ?? '';
  if (r.exitCode !== 0 || value === '') throw new Error(`${what} could not be read (${secretWhere(ref, host)}): exit ${r.exitCode}`);
  return value;
}
