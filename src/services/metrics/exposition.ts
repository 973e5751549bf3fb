/**
 * The Prometheus text exposition format (version 0.0.4), written by hand:
 * one `# HELP` and one `# TYPE` line per family, then its samples, every
 * family's samples together (Prometheus rejects a family split in two).
 * Label values and help text are escaped as the format asks, so a layer id
 * or a host error with a quote or a line break cannot break the page.
 */

export type MetricType = 'gauge' | 'counter';

export interface Sample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  /** `strata_` prefix, base units in the name (`_seconds`, `_bytes`), `_total` only on counters. */
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly Sample[];
}

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Backslash and line feed in HELP text. */
export const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** Backslash, double quote and line feed in a label value. */
export const escapeLabelValue = (text: string): string => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Go's float formatting as Prometheus reads it: NaN, +Inf, -Inf, else the shortest exact decimal. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

function labelText(labels: Readonly<Record<string, string>> | undefined): string {
  if (!labels) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(labels)) parts.push(`${k}="${escapeLabelValue(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** Throws on a name the format cannot carry: a programming error, never input. */
function assertFamily(f: MetricFamily): void {
  if (!METRIC_NAME.test(f.name)) throw new TypeError(`not a metric name: ${f.name}`);
  if (f.type !== 'counter' && f.name.endsWith('_total')) throw new TypeError(`${f.name}: _total is for counters only`);
  for (const s of f.samples) for (const k of Object.keys(s.labels ?? {})) if (!LABEL_NAME.test(k) || k.startsWith('__')) throw new TypeError(`${f.name}: not a label name: ${k}`);
}

/** The page: families in the order given, a family without samples left out (its HELP alone says nothing). */
export function exposition(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    assertFamily(f);
    if (f.samples.length === 0) continue;
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) out.push(`${f.name}${labelText(s.labels)} ${formatValue(s.value)}`);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
