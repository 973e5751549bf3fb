/**
 * The dashboard's hosts × layers matrix as rows: one line per host (more when
 * it has several layers of one kind: the second sits on the next line), one
 * column per layer kind present, in protection order, and for every cell what
 * Enter opens, what x and v act on, and what its detail line says. Pure
 * functions of the store's state and the clock.
 */
import type { MatrixCell, MatrixLine, MatrixSlot } from '../../components/MatrixTable.js';
import type { Column } from '../../components/table-types.js';
import { inProtectionOrder, kindInfo } from '../../src/domain/layer-kinds/index.js';
import type { HostStatus, LayerStatus } from '../../src/domain/status-report.js';
import { firstReason, shortAge } from './format.js';
import type { CellTarget, ScreenRow } from './pane.js';
import { ageNow, hostFreshness, layerFreshness, withoutPrefix, type StatusView } from './status-rows.js';

/** A kind's matrix column header (a kind this version does not know shows its own name). */
export const kindHeader = (kind: string): string => kindInfo(kind)?.column ?? kind;

/** The kinds present, in protection order; kinds this screen does not know come last, as first seen. */
export const matrixKinds = (layers: readonly { readonly kind: string }[]): string[] => inProtectionOrder(layers.map((l) => l.kind));

/** The header row as columns (the matrix sizes them itself). */
export const matrixColumns = (kinds: readonly string[]): Column[] => [
  { header: 'HOST', width: 'grow' },
  ...kinds.map((k) => ({ header: kindHeader(k), width: kindHeader(k).length })),
];

/** The kind columns' headers, from a matrix pane's columns. */
export const matrixHeaders = (columns: readonly Column[]): string[] => columns.slice(1).map((c) => c.header);

/** Kinds of the inventory and the report: a layer the report has but the inventory lost still gets its column. */
export const kindsOf = (v: StatusView): string[] => matrixKinds([...(v.inventory?.layers ?? []), ...(v.report?.layers ?? [])]);

const readText = (text: string) => (text === 'not read' ? 'not read' : `read ${text}`);

function more(reasons: readonly string[]): string {
  return reasons.length > 1 ? ` (+${reasons.length - 1} more on its screen)` : '';
}

function layerCell(v: StatusView, layer: LayerStatus, nowMs: number): { cell: MatrixCell; target: CellTarget } {
  const age = ageNow(v, layer.ageSeconds, nowMs);
  const rpo = layer.rpoSeconds === null ? '-' : shortAge(layer.rpoSeconds);
  const fresh = layerFreshness(v, layer, nowMs);
  const reason = withoutPrefix(firstReason(layer.reasons), layer.id) || 'no problem found';
  const newest = age === null ? 'no point' : `newest ${shortAge(age)}`;
  return {
    cell: { health: layer.health, age: `${age === null ? 'none' : shortAge(age)}/${rpo}` },
    target: {
      open: { kind: 'layer', layerId: layer.id },
      layerId: layer.id,
      detail: {
        health: layer.health,
        text: `${layer.id} · ${layer.kind} on ${layer.host} · ${newest}, RPO ${rpo} · ${readText(fresh.text)} · ${reason}${more(layer.reasons)}`,
        isStale: fresh.isStale,
      },
    },
  };
}

function hostTarget(v: StatusView, host: HostStatus, layers: number, nowMs: number): CellTarget {
  const fresh = hostFreshness(v, host, nowMs);
  const skew = host.clockSkewSeconds === null ? 'clock unknown' : `clock ${host.clockSkewSeconds >= 0 ? '+' : ''}${host.clockSkewSeconds}s`;
  const reason = withoutPrefix(firstReason(host.reasons), host.name) || host.error || 'no problem found';
  return {
    open: { kind: 'host', host: host.name },
    detail: {
      health: host.health,
      text: `${host.name} · host, ${layers} layer${layers === 1 ? '' : 's'} · ${host.reachable ? `reachable, ${skew}` : 'UNREACHABLE'} · ${readText(fresh.text)} · ${reason}${more(host.reasons)}`,
      isStale: fresh.isStale,
    },
  };
}

/** A host the report lists no status for (a layer names it): shown, UNKNOWN, never dropped with its layers. */
const unlisted = (name: string): HostStatus => ({ name, reachable: false, error: 'not in the status report', clockSkewSeconds: null, sessionStartMs: null, health: 'unknown', reasons: [] });

export function matrixRows(v: StatusView, nowMs: number): ScreenRow[] {
  const report = v.report;
  if (!report) return [];
  const kinds = kindsOf(v);
  const hosts = [...report.hosts];
  for (const l of report.layers) if (!hosts.some((h) => h.name === l.host)) hosts.push(unlisted(l.host));
  const rows: ScreenRow[] = [];
  for (const host of hosts) {
    const own = report.layers.filter((l) => l.host === host.name);
    const byKind = kinds.map((k) => own.filter((l) => l.kind === k));
    const height = Math.max(1, ...byKind.map((ls) => ls.length));
    const hostCell = hostTarget(v, host, own.length, nowMs);
    // The filter finds a host by its name or any of its layers' names or kinds, and keeps all its lines.
    const search = [host.name, ...own.flatMap((l) => [l.id, l.kind, kindHeader(l.kind)])].join(' ');
    for (let i = 0; i < height; i++) {
      const cells: MatrixSlot[] = [];
      const targets: (CellTarget | null)[] = [i === 0 ? hostCell : null];
      kinds.forEach((kind, k) => {
        const layer = byKind[k]?.[i];
        if (layer) {
          const { cell, target } = layerCell(v, layer, nowMs);
          cells.push(cell);
          targets.push(target);
        } else if (i === 0) {
          cells.push('gap');
          targets.push({ detail: { health: null, text: `${host.name} has no ${kind} layer`, isStale: false } });
        } else {
          cells.push(null);
          targets.push(null);
        }
      });
      const line: MatrixLine = { key: `mx:${host.name}:${i}`, host: host.name, hostHealth: host.health, isFirst: i === 0, cells };
      rows.push({
        key: line.key,
        cells: [i === 0 ? host.name : '', ...cells.map((c) => (c === 'gap' ? '·' : c ? `${c.health} ${c.age}` : ''))],
        search,
        matrix: { line, targets },
      });
    }
  }
  return rows;
}
