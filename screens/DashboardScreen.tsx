/**
 * The estate at a glance: a banner (worst health, counts), every host with
 * its layers under it (health, newest point's age against RPO, when read),
 * and the workloads' 3-2-1 table. Polls every host while shown.
 */
import { Box, Text } from 'ink';
import { DataTable } from '../components/DataTable.js';
import { HealthBadge } from '../components/HealthBadge.js';
import { Pane } from '../components/Pane.js';
import type { Binding } from './keys/binding.js';
import { LAYER_ACTION_BINDINGS } from './keys/global-bindings.js';
import { healthCounts } from './rows/format.js';
import { hostLayerRows, LAYER_COLUMNS, WORKLOAD_COLUMNS, workloadRows } from './rows/status-rows.js';
import type { ScreenProps, ScreenSpec } from './screen-spec.js';
import { usePolling, useScreen } from './use-screen.js';

const BINDINGS: readonly Binding[] = [...LAYER_ACTION_BINDINGS];

function DashboardScreen({ route, width, height }: ScreenProps<'dashboard'>) {
  const { panes, pane, cursors, isColor, state } = useScreen(dashboardScreen, route);
  usePolling({ id: 'dashboard' });
  const report = state.report;
  if (!report) {
    return (
      <Box height={height} flexDirection="column">
        <Text>No status yet: reading every host for the first time…</Text>
      </Box>
    );
  }
  const [layers, workloads] = panes;
  const body = height - 1;
  // The hosts pane takes its rows (title and header included) up to 55 %; the workloads get the rest.
  const top = Math.max(4, Math.min(Math.ceil(body * 0.55), (layers?.rows.length ?? 0) + 2));
  const bottom = Math.max(3, body - top);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box>
        <HealthBadge health={report.overall} isColor={isColor} isBold />
        <Text wrap="truncate-end">
          {`  hosts ${healthCounts(report.hosts.map((h) => h.health))} · layers ${healthCounts(report.layers.map((l) => l.health))} · workloads ${healthCounts(report.assets.map((a) => a.health))}`}
        </Text>
      </Box>
      {layers ? (
        <Pane title={`${layers.title} (${layers.rows.length})`} isFocused={pane === 0} width={width} height={top}>
          <DataTable columns={layers.columns} rows={layers.rows} selected={cursors[0] ?? 0} width={width} height={top - 1} isColor={isColor} isFocused={pane === 0} emptyText={layers.emptyText} />
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
  summary: 'Every host with its layers, and every workload against its 3-2-1 tier.',
  bindings: BINDINGS,
  reads: ['report', 'reportReadAt', 'reportIsSaved', 'observations', 'inventory'],
  title: () => 'Dashboard',
  panes: (state, _route, nowMs) => [
    { id: 'layers', title: 'Hosts × layers', columns: LAYER_COLUMNS, rows: hostLayerRows(state, nowMs), emptyText: 'no hosts in the inventory' },
    { id: 'workloads', title: 'Workloads (3-2-1)', columns: WORKLOAD_COLUMNS, rows: workloadRows(state.report), emptyText: 'no workloads found' },
  ],
  Component: DashboardScreen,
};
