/** One host: whether it answers, its clock, how slowly its sessions start, its reasons, and its layers. Polls this host while shown. */
import { Box, Text } from 'ink';
import { DataTable } from '../components/DataTable.js';
import { HealthBadge } from '../components/HealthBadge.js';
import { KeyValues } from '../components/KeyValues.js';
import { Pane } from '../components/Pane.js';
import { LAYER_ACTION_BINDINGS } from './keys/global-bindings.js';
import { seconds } from './rows/format.js';
import { hostFreshness, LAYER_COLUMNS, layerRow } from './rows/status-rows.js';
import type { ScreenProps, ScreenSpec } from './screen-spec.js';
import { usePolling, useScreen } from './use-screen.js';

function HostScreen({ route, width, height }: ScreenProps<'host'>) {
  const { panes, pane, cursors, isColor, state, nowMs: now } = useScreen(hostScreen, route);
  usePolling({ id: 'host', hosts: [route.host] });
  const host = state.report?.hosts.find((h) => h.name === route.host);
  const file = state.inventory?.hosts.find((h) => h.name === route.host);
  if (!host || !file) return <Text>{`No host named ${route.host} in this report.`}</Text>;
  const where = file.transport === 'local' ? 'this machine (local)' : `${file.user ?? 'root'}@${file.address ?? file.name}:${file.port ?? 22}`;
  const reasons = host.reasons.length > 0 ? host.reasons : ['none'];
  const items = [
    { label: 'Health', value: <HealthBadge health={host.health} isColor={isColor} isBold /> },
    { label: 'Address', value: where },
    { label: 'Reachable', value: host.reachable ? 'yes' : `NO: ${host.error ?? 'no reason given'}` },
    { label: 'Clock skew', value: host.clockSkewSeconds === null ? 'unknown' : `${host.clockSkewSeconds} s` },
    { label: 'Session start', value: seconds(host.sessionStartMs) },
    { label: 'Read', value: hostFreshness(state, host, now).text },
    ...reasons.slice(0, 3).map((r, i) => ({ label: i === 0 ? 'Reasons' : ' '.repeat(i), value: r })),
  ];
  const tableHeight = Math.max(3, height - items.length - 1);
  const layers = panes[0];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <KeyValues items={items} width={width} />
      {layers ? (
        <Pane title={`Layers on ${route.host} (${layers.rows.length})`} isFocused={pane === 0} width={width} height={tableHeight + 1}>
          <DataTable columns={layers.columns} rows={layers.rows} selected={cursors[0] ?? 0} width={width} height={tableHeight} isColor={isColor} isFocused emptyText={layers.emptyText} />
        </Pane>
      ) : null}
    </Box>
  );
}

export const hostScreen: ScreenSpec<'host'> = {
  kind: 'host',
  name: 'Host',
  summary: 'One host: reachability, clock skew, reasons, and its layers.',
  bindings: [...LAYER_ACTION_BINDINGS],
  reads: ['report', 'reportReadAtMs', 'reportIsSaved', 'observations', 'inventory'],
  title: (route) => `host ${route.host}`,
  freshness: (state, route, nowMs) => {
    const host = state.report?.hosts.find((h) => h.name === route.host);
    return host ? hostFreshness(state, host, nowMs) : undefined;
  },
  panes: (state, route, nowMs) => [
    {
      id: 'layers',
      title: 'Layers',
      columns: LAYER_COLUMNS,
      rows: (state.report?.layers ?? []).filter((l) => l.host === route.host).map((l) => layerRow(state, l, nowMs, '')),
      emptyText: 'no layers on this host',
    },
  ],
  Component: HostScreen,
};
