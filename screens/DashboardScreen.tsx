/**
 * The estate at a glance: a banner (worst health, counts), the hosts × layers
 * matrix (each cell a layer's health and its newest point's age against RPO,
 * the selected cell's detail under it), and the workloads' 3-2-1 table. Polls
 * every host while shown.
 */
import { Box, Text } from 'ink';
import { DataTable } from '../components/DataTable.js';
import { HealthBadge } from '../components/HealthBadge.js';
import { detailLineCount, MatrixTable, matrixLayout } from '../components/MatrixTable.js';
import { Pane } from '../components/Pane.js';
import { cursorKey, routeKey } from '../src/store/index.js';
import type { Binding } from './keys/binding.js';
import { GRID_BINDINGS, LAYER_ACTION_BINDINGS } from './keys/global-bindings.js';
import { healthCounts } from './rows/format.js';
import { resolveCell, targetAt } from './rows/matrix-cursor.js';
import { kindsOf, matrixColumns, matrixHeaders, matrixRows } from './rows/matrix-rows.js';
import type { ScreenPane } from './rows/pane.js';
import { WORKLOAD_COLUMNS, workloadRows } from './rows/status-rows.js';
import type { ScreenProps, ScreenSpec } from './screen-spec.js';
import { useAppState } from './store-context.js';
import { usePolling, useScreen } from './use-screen.js';

const BINDINGS: readonly Binding[] = [...GRID_BINDINGS, ...LAYER_ACTION_BINDINGS];

/** `5 hosts · 11 layers`, and how many of the readings shown are stale. */
function matrixSummary(matrix: ScreenPane): { counts: string; stale: string | null } {
  const targets = matrix.rows.flatMap((r) => r.matrix?.targets ?? []);
  const hosts = matrix.rows.filter((r) => r.matrix?.line.isFirst).length;
  const layers = targets.filter((t) => t?.layerId).length;
  const read = targets.filter((t) => t?.open);
  const stale = read.filter((t) => t?.detail.isStale).length;
  return {
    counts: `${hosts} host${hosts === 1 ? '' : 's'} · ${layers} layer${layers === 1 ? '' : 's'}`,
    stale: stale > 0 ? `${stale} of ${read.length} readings STALE` : null,
  };
}

function DashboardScreen({ route, width, height }: ScreenProps<'dashboard'>) {
  const { panes, pane, cursors, isColor, state } = useScreen(dashboardScreen, route);
  const column = useAppState((s) => s.columns[cursorKey(routeKey(route), 0)] ?? 0);
  usePolling({ id: 'dashboard' });
  const report = state.report;
  if (!report) {
    return (
      <Box height={height} flexDirection="column">
        <Text>No status yet: reading every host for the first time…</Text>
      </Box>
    );
  }
  const [matrix, workloads] = panes;
  const body = height - 1;
  const rows = matrix?.rows ?? [];
  const lines = rows.flatMap((r) => (r.matrix ? [r.matrix.line] : []));
  const headers = matrixHeaders(matrix?.columns ?? []);
  const at = resolveCell(rows, cursors[0] ?? 0, column);
  const target = targetAt(rows, at);
  const layout = matrixLayout(headers, lines, width, at.column);
  const areColumnsCut = layout.first > 0 || layout.last < headers.length - 1;
  // The detail is as tall as the longest any cell needs (so it does not jump as the cursor moves), up to 2 lines, or 4 on a tall terminal.
  const detailHeight = Math.min(body >= 30 ? 4 : 2, Math.max(1, ...rows.flatMap((r) => r.matrix?.targets ?? []).map((t) => (t ? detailLineCount(t.detail, width) : 1))));
  // The matrix takes what it needs (title, header, rows, detail) up to 60 %, cut to whole rows; the workloads get the rest, at least 3 lines.
  const needed = 2 + Math.max(1, lines.length) * layout.lineHeight + detailHeight + (areColumnsCut ? 1 : 0);
  const most = Math.max(3 + layout.lineHeight + detailHeight, Math.min(Math.ceil(body * 0.6), body - 3));
  const top = needed <= most ? needed : 3 + Math.max(1, Math.floor((most - 3 - detailHeight) / layout.lineHeight)) * layout.lineHeight + detailHeight;
  const bottom = Math.max(3, body - top);
  const summary = matrix ? matrixSummary(matrix) : null;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box height={1}>
        <Box flexShrink={0}>
          <HealthBadge health={report.overall} isColor={isColor} isBold />
        </Box>
        <Text wrap="truncate-end">
          {`  hosts ${healthCounts(report.hosts.map((h) => h.health))} · layers ${healthCounts(report.layers.map((l) => l.health))} · workloads ${healthCounts(report.assets.map((a) => a.health))}`}
        </Text>
      </Box>
      {matrix && summary ? (
        <Pane title={`${matrix.title} (${summary.counts})`} isFocused={pane === 0} width={width} height={top} {...(summary.stale ? { hint: summary.stale } : {})}>
          <MatrixTable
            headers={headers}
            lines={lines}
            selected={lines.length > 0 ? at : null}
            detail={target?.detail ?? null}
            detailHeight={detailHeight}
            width={width}
            height={top - 1}
            isColor={isColor}
            isFocused={pane === 0}
            emptyText={matrix.emptyText}
          />
        </Pane>
      ) : null}
      {workloads ? (
        <Pane title={`${workloads.title} (${workloads.rows.length})`} isFocused={pane === 1} width={width} height={bottom}>
          <DataTable columns={workloads.columns} rows={workloads.rows} selected={cursors[1] ?? 0} width={width} height={bottom - 1} isColor={isColor} isFocused={pane === 1} emptyText={workloads.emptyText} />
        </Pane>
      ) : null}
    </Box>
  );
}

export const dashboardScreen: ScreenSpec<'dashboard'> = {
  kind: 'dashboard',
  name: 'Dashboard',
  summary: 'The hosts × layers matrix (a cell per layer: health, newest point against RPO), and every workload against its 3-2-1 tier.',
  bindings: BINDINGS,
  reads: ['report', 'reportReadAtMs', 'reportIsSaved', 'observations', 'inventory'],
  title: () => 'Dashboard',
  panes: (state, _route, nowMs) => [
    { id: 'layers', title: 'Hosts × layers', columns: matrixColumns(kindsOf(state)), rows: matrixRows(state, nowMs), emptyText: 'no hosts (none in the inventory, or none matches the filter)', isGrid: true },
    { id: 'workloads', title: 'Workloads (3-2-1)', columns: WORKLOAD_COLUMNS, rows: workloadRows(state.report), emptyText: 'no workloads found' },
  ],
  Component: DashboardScreen,
};
