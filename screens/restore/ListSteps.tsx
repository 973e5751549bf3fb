/** The two list steps: choose the workload, choose the source (ranked). */
import { Box, Text } from 'ink';
import { DataTable } from '../../components/DataTable.js';
import type { StatusReport } from '../../src/domain/status-report.js';
import type { Wizard } from '../../src/store/index.js';
import { SOURCE_COLUMNS, sourceRows, WORKLOAD_STEP_COLUMNS, workloadStepRows } from './rows.js';

export interface StepViewProps {
  readonly wizard: Wizard;
  readonly width: number;
  readonly height: number;
  readonly isColor: boolean;
  readonly nowMs: number;
}

export function WorkloadStep({ wizard, report, width, height, isColor, nowMs }: StepViewProps & { readonly report: StatusReport | null }) {
  const rows = workloadStepRows(report, nowMs);
  const cursor = wizard.step.kind === 'workload' ? wizard.step.cursor : 0;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">Which guest? Enter chooses it; its sources come next.</Text>
      <DataTable columns={WORKLOAD_STEP_COLUMNS} rows={rows} selected={rows.length > 0 ? cursor : null} width={width} height={height - 1} isColor={isColor} isFocused emptyText="no PVE guest in the report yet (r reads the hosts)" />
    </Box>
  );
}

export function PointStep({ wizard, width, height, isColor, nowMs }: StepViewProps) {
  const sources = wizard.sources;
  if (!sources || sources.state === 'loading') return <Text>{`Reading every layer that can hold ${wizard.assetId ?? 'it'} (read-only)…`}</Text>;
  if (sources.state === 'failed') {
    return (
      <Box flexDirection="column" width={width}>
        <Text bold>{`No sources for ${wizard.assetId ?? 'it'}:`}</Text>
        <Text wrap="wrap">{sources.reason}</Text>
        <Text dimColor>Esc: choose another workload.</Text>
      </Box>
    );
  }
  const list = sources.value;
  const rows = sourceRows(list, nowMs);
  const cursor = wizard.step.kind === 'point' ? wizard.step.cursor : 0;
  const selected = list.sources[cursor];
  const steps = selected ? selected.steps.map((s) => `${s.planned ? '' : 'NOT PLANNED: '}${s.label}`).join(' → ') : '';
  const guest = list.guest;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">{`${list.sources.length} source${list.sources.length === 1 ? '' : 's'} of ${guest.type === 'qemu' ? 'VM' : 'CT'} ${guest.vmid}${guest.name ? ` (${guest.name})` : ''}, best first${guest.exists ? '' : ' · the guest no longer exists'}`}</Text>
      <DataTable columns={SOURCE_COLUMNS} rows={rows} selected={list.sources.length > 0 ? cursor : null} width={width} height={Math.max(3, height - 3)} isColor={isColor} isFocused emptyText="no layer holds a point of it" />
      <Text wrap="truncate-end" dimColor>{selected ? `${selected.point.ref}` : ' '}</Text>
      <Text wrap="truncate-end" dimColor>{selected ? `Takes: ${steps}` : ' '}</Text>
    </Box>
  );
}
