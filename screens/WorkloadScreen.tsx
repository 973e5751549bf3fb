/**
 * One workload (VM, container, dataset, files) across every layer: copies,
 * media and off-site against its tier, the newest point on each layer with
 * the chain it came through and each hop's lag, when it was last proven
 * restorable, how long its newest measured restore took and when it was last
 * drilled. x or v on a row acts on that layer for this workload only.
 */
import { Box, Text } from 'ink';
import { DataTable } from '../components/DataTable.js';
import { HealthBadge } from '../components/HealthBadge.js';
import { KeyValues } from '../components/KeyValues.js';
import { Pane } from '../components/Pane.js';
import { DRILL_BINDING, LAYER_ACTION_BINDINGS } from './keys/global-bindings.js';
import type { AssetStatus } from '../src/domain/status-report.js';
import { clock } from './restore/rows.js';
import { shortAge, shortTime } from './rows/format.js';
import { ACROSS_COLUMNS, acrossRows } from './rows/workload-rows.js';
import type { ScreenProps, ScreenSpec } from './screen-spec.js';
import { usePolling, useScreen } from './use-screen.js';

/** The newest measured restore (a drill or a real one) and the newest drill, from the journal. */
export function restoreTimeText(asset: Pick<AssetStatus, 'id' | 'measuredRestoreSeconds' | 'lastDrillAt'>, nowMs: number): string {
  const measured = asset.measuredRestoreSeconds ?? null;
  const drill = asset.lastDrillAt ?? null;
  return [
    measured === null ? 'not measured yet' : `${clock(measured)} measured`,
    drill === null ? `never drilled${/^(vm|ct)\//.test(asset.id) ? ' (d drills it)' : ''}` : `last drill ${shortTime(drill)} (${shortAge((nowMs - Date.parse(drill)) / 1000)} ago)`,
  ].join(' · ');
}

function WorkloadScreen({ route, width, height }: ScreenProps<'workload'>) {
  const { panes, cursors, isColor, state, nowMs: now } = useScreen(workloadScreen, route);
  usePolling({ id: 'workload' });
  const asset = state.report?.assets.find((a) => a.id === route.assetId);
  if (!asset) return <Text>{`No workload ${route.assetId} in this report.`}</Text>;
  const req = asset.required;
  const proven = asset.lastProvenRestorableAt;
  const items = [
    { label: 'Health', value: <Text><HealthBadge health={asset.health} isColor={isColor} isBold />{`  ${asset.name}${asset.host ? ` on ${asset.host}` : ''}`}</Text> },
    { label: 'Tier', value: `${asset.tier ?? 'default'}: ${req.copies} copies, ${req.media} media, ${req.offsite} off-site, RPO ${req.rpoSeconds === null ? 'per layer' : shortAge(req.rpoSeconds)}` },
    { label: '3-2-1', value: `${asset.copies}/${req.copies} copies · ${asset.media}/${req.media} media · ${asset.offsite}/${req.offsite} off-site` },
    {
      label: 'Proven restorable',
      value: proven ? `${shortTime(proven)} (${shortAge((now - Date.parse(proven)) / 1000)} ago)` : 'NEVER: no restore drill in the journal',
    },
    { label: 'Restore time', value: restoreTimeText(asset, now) },
    ...(asset.reasons.length > 0 ? asset.reasons.slice(0, 3) : ['none']).map((r, i) => ({ label: i === 0 ? 'Reasons' : ' '.repeat(i), value: r })),
  ];
  const tableHeight = Math.max(3, height - items.length - 1);
  const across = panes[0];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <KeyValues items={items} width={width} />
      {across ? (
        <Pane title={`Across layers (${across.rows.length})`} isFocused width={width} height={tableHeight + 1}>
          <DataTable columns={across.columns} rows={across.rows} selected={cursors[0] ?? 0} width={width} height={tableHeight} isColor={isColor} isFocused emptyText={across.emptyText} />
        </Pane>
      ) : null}
    </Box>
  );
}

export const workloadScreen: ScreenSpec<'workload'> = {
  kind: 'workload',
  name: 'Workload',
  summary: 'One workload across every layer: newest point per layer, direct or through a chain, hop lags, last proven restorable, measured restore time and last drill.',
  bindings: [...LAYER_ACTION_BINDINGS, DRILL_BINDING],
  reads: ['report', 'reportReadAtMs', 'inventory'],
  title: (route) => `workload ${route.assetId}`,
  panes: (state, route, nowMs) => [
    {
      id: 'layers',
      title: 'Across layers',
      columns: ACROSS_COLUMNS,
      rows: acrossRows(state.report?.assets.find((a) => a.id === route.assetId), nowMs),
      emptyText: 'no layer holds this workload',
    },
  ],
  Component: WorkloadScreen,
};
