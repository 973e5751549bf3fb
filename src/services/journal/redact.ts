/**
 * Secret values must not reach the journal even when a tool prints them
 * (an error echoing a URL with a password, a debug line). Commands are
 * already recorded by name only; this scrubs any known value from text.
 */
import type { Command } from '../../transport/command.js';

export const REDACTED = '<secret>';

/** Values Strata itself holds for a command (`secrets`); host-side `secretsFrom` values it never sees. */
export function secretValuesOf(cmd: Command): string[] {
  return Object.values(cmd.secrets ?? {}).filter((v) => v !== '');
}

/** Replaces every occurrence of every secret, longest first so a secret containing another is scrubbed whole. */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  const values = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of values) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** The last `maxChars` of text, cut at a line start where possible. */
export function tailOf(text: string, maxChars: number): string {
  const t = text.replace(/\s+$/, '');
  if (t.length <= maxChars) return t;
  const cut = t.slice(t.length - maxChars);
  const nl = cut.indexOf('\n');
  return `…${nl >= 0 && nl < cut.length - 1 ? cut.slice(nl + 1) : cut}`;
}
