/**
 * Secrets as a listed command would place them, without looking up `{env}`
 * values (those show only as names): `strata commands` prints probes, never secrets.
 */
import type { ResolvedSecret } from '../../adapters/secrets.js';
import type { SecretRef } from '../../domain/inventory-file.js';

export function placeholder(ref: SecretRef): ResolvedSecret {
  return 'env' in ref ? { value: `<value of ${ref.env}>` } : ref;
}

export function placeholders(refs: Readonly<Record<string, SecretRef>> | undefined): Record<string, ResolvedSecret> | undefined {
  if (!refs) return undefined;
  return Object.fromEntries(Object.entries(refs).map(([k, v]) => [k, placeholder(v)]));
}
