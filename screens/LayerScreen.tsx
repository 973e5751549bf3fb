/**
 * One layer: its summary from the report (health, newest point against RPO,
 * last job and verification, with what Strata ran on it from the journal,
 * capacity, reasons) and, from its last observation,
 * the recovery points and job runs, with capacity and pools in a third tab.
 * Polls this layer's host(s) while shown.
 */
import { Table } from '@alcalzone/ink-table';
import { Box, Text } from 'ink';
import { useEffect } from 'react';
import { DataTable } from '../components/DataTable.js';
import { HealthBadge } from '../components/HealthBadge.js';
import { KeyValues } from '../components/KeyValues.js';
import { Pane } from '../components/Pane.js';
import { formatBytes } from '../src/domain/format.js';
import type { LayerStatus } from '../src/domain/status-report.js';
import { LAYER_ACTION_BINDINGS } from './keys/global-bindings.js';
import { shortAge, shortTime } from './rows/format.js';
import { layerActivity } from '../src/store/index.js';
import { JOB_COLUMNS, jobRows, lastJobText, POINT_COLUMNS, pointRows, verifiedText } from './rows/layer-detail-rows.js';
import { ageNow, layerFreshness } from './rows/status-rows.js';
import type { ScreenProps, ScreenSpec } from './screen-spec.js';
import { useStoreContext } from './store-context.js';
import { usePolling, useScreen } from './use-screen.js';

function capacityText(l: LayerStatus): string {
  if (!l.capacity) return 'not reported';
  const c = l.capacity;
  return `${c.usedPercent.toFixed(1)} % used (${formatBytes(c.usedBytes)} of ${formatBytes(c.totalBytes)}, ${formatBytes(c.availBytes)} free)`;
}

function CapacityTab({ layer, width }: { readonly layer: LayerStatus; readonly width: number }) {
  const pools = layer.pools ?? [];
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">{`Capacity: ${capacityText(layer)}`}</Text>
      {pools.length > 0 ? (
        <Table
          data={pools.map((p) => ({
            pool: p.name,
            state: p.state,
            healthy: p.healthy ? 'yes' : 'NO',
            used: p.usedPercent === null ? '-' : `${p.usedPercent} %`,
            detail: (p.detail ?? '').split('\n')[0]!.slice(0, Math.max(10, width - 50)),
          }))}
        />
      ) : (
        <Text dimColor>No pools on this layer.</Text>
      )}
    </Box>
  );
}

function LayerScreen({ route, width, height }: ScreenProps<'layer'>) {
  const { panes, pane, cursors, isColor, state, nowMs: now } = useScreen(layerScreen, route);
  const layerFile = state.inventory?.layers.find((l) => l.id === route.layerId);
  usePolling(layerFile ? { id: 'layer', layers: [route.layerId] } : null);
  // What Strata ran on the layer is only in the journal: read it when shown (and after each job).
  const { store } = useStoreContext();
  useEffect(() => {
    void store.getState().loadJournal();
  }, [store]);
  const layer = state.report?.layers.find((l) => l.id === route.layerId);
  if (!layer) return <Text>{`No layer named ${route.layerId} in this report.`}</Text>;
  const age = ageNow(state, layer.ageSeconds, now);
  const activity = layerActivity(state.journal.entries, layer.id);
  const reasons = [...layer.reasons, ...layer.errors.filter((e) => !layer.reasons.includes(e))];
  const items = [
    { label: 'Health', value: <Text><HealthBadge health={layer.health} isColor={isColor} isBold />{`  ${layer.kind} on ${layer.host}`}</Text> },
    {
      label: 'Newest point',
      value: layer.lastPointAt ? `${shortTime(layer.lastPointAt)} (${shortAge(age)} old, RPO ${layer.rpoSeconds === null ? 'none' : shortAge(layer.rpoSeconds)}), ${layer.points} points` : `none read (${layer.points} points)`,
    },
    { label: 'Last job', value: lastJobText(layer, activity, now) },
    { label: 'Verified', value: verifiedText(layer, activity, now) },
    { label: 'Capacity', value: capacityText(layer) },
    { label: 'Copies', value: `media ${layer.media ?? '-'}${layer.offsite ? ', OFF-SITE' : ', on-site'}${layer.copyOf.length > 0 ? `, copy of ${layer.copyOf.join(', ')}` : ''}` },
    { label: 'Read', value: layerFreshness(state, layer, now).text },
    ...(reasons.length > 0 ? reasons.slice(0, 3) : ['none']).map((r, i) => ({ label: i === 0 ? 'Reasons' : ' '.repeat(i), value: r })),
  ];
  const obsKnown = state.observations.layers[route.layerId] !== undefined;
  const tabs = ['Points', 'Jobs', 'Capacity'];
  const tabLine = tabs.map((t, i) => (i === pane ? `[${t}${i < 2 ? ` ${panes[i]?.rows.length ?? 0}` : ''}]` : `${t}${i < 2 ? ` ${panes[i]?.rows.length ?? 0}` : ''}`)).join('  ');
  const tableHeight = Math.max(3, height - items.length - 1);
  const current = panes[pane];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <KeyValues items={items} width={width} />
      <Pane title={tabLine} isFocused width={width} height={tableHeight + 1} hint="Tab: next">
        {pane === 2 ? (
          <CapacityTab layer={layer} width={width} />
        ) : !obsKnown ? (
          <Text dimColor>{state.refreshing ? 'reading this layer…' : 'not read in this session yet (r reads it now)'}</Text>
        ) : current ? (
          <DataTable columns={current.columns} rows={current.rows} selected={cursors[pane] ?? 0} width={width} height={tableHeight} isColor={isColor} isFocused emptyText={current.emptyText} />
        ) : null}
      </Pane>
    </Box>
  );
}

export const layerScreen: ScreenSpec<'layer'> = {
  kind: 'layer',
  name: 'Layer',
  summary: "One layer: recovery points, job runs, verification, capacity and reasons; x runs its job, v verifies it.",
  bindings: [...LAYER_ACTION_BINDINGS],
  reads: ['report', 'reportReadAtMs', 'reportIsSaved', 'observations', 'inventory', 'refreshing', 'journal'],
  title: (route) => `layer ${route.layerId}`,
  freshness: (state, route, nowMs) => {
    const layer = state.report?.layers.find((l) => l.id === route.layerId);
    return layer ? layerFreshness(state, layer, nowMs) : undefined;
  },
  panes: (state, route) => {
    const obs = state.observations.layers[route.layerId];
    return [
      { id: 'points', title: 'Points', columns: POINT_COLUMNS, rows: pointRows(obs), emptyText: 'no recovery points' },
      { id: 'jobs', title: 'Jobs', columns: JOB_COLUMNS, rows: jobRows(obs), emptyText: 'no job runs reported' },
      { id: 'capacity', title: 'Capacity', columns: [], rows: [], emptyText: '' },
    ];
  },
  Component: LayerScreen,
};
