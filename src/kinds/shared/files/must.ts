/** A file restore's refusals: a RestoreError the engine passes on with its code. */
import type { Result } from '../../../domain/types.js';
import { RestoreError } from '../../restore-types.js';

export function fail(code: RestoreError['code'], message: string): never {
  throw new RestoreError(code, message);
}

/** The value, or a RestoreError saying what could not be read (`no-source` when it is not there). */
export function must<T>(r: Result<T>, what: string): T {
  if (!r.ok) fail(r.error.kind === 'not-found' ? 'no-source' : 'unreadable', `${what}: ${r.error.message}`);
  return r.value;
}
