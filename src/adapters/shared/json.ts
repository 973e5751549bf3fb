import type { z } from 'zod';
import { err, ok, type Result } from '../../domain/types.js';
import { errorText } from '../../domain/error-text.js';

const MAX_QUOTE = 80;

/** A short, printable excerpt of tool output for an error message. */
export function excerpt(text: string, max = MAX_QUOTE): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]/g, '?').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/**
 * JSON.parse that names what it got instead of throwing: an empty reply, an
 * HTML error page (a proxy or a web UI answering instead of the tool) or
 * truncated text each become a `parse` error the operator can act on.
 */
export function parseJsonText(stdout: string, what: string): Result<unknown> {
  const text = stdout.trim();
  if (text === '') return err('parse', `${what}: empty output where JSON was expected`);
  if (/^<(!doctype|html|\?xml|head|body)/i.test(text)) {
    return err('parse', `${what}: got an HTML/XML page instead of JSON (${excerpt(text)})`);
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    const why = errorText(e);
    return err('parse', `${what}: output is not valid JSON (${why}; starts with "${excerpt(text, 40)}")`);
  }
}

/** Checks a JSON value against a schema; the first problem becomes a one-line `parse` error. */
export function checkShape<S extends z.ZodType>(schema: S, value: unknown, what: string): Result<z.output<S>> {
  const r = schema.safeParse(value);
  if (r.success) return ok(r.data);
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return err('parse', `${what}: unexpected output shape${where}: ${issue?.message ?? 'invalid'}`);
}

/** Parses JSON text and checks its shape in one step. */
export function parseJsonAs<S extends z.ZodType>(schema: S, stdout: string, what: string): Result<z.output<S>> {
  const json = parseJsonText(stdout, what);
  return json.ok ? checkShape(schema, json.value, what) : json;
}
