/** The plan of x or v, waiting for y/N; or why it cannot run; or that it is being planned. */
import { Box, Text } from 'ink';
import { PlanView } from '../../components/PlanView.js';
import type { Pending } from '../../src/store/index.js';

export interface ConfirmOverlayProps {
  readonly pending: Pending;
  readonly width: number;
  readonly height: number;
  readonly isColor: boolean;
}

export function ConfirmOverlay({ pending, width, height, isColor }: ConfirmOverlayProps) {
  switch (pending.state) {
    case 'planning':
      return (
        <Box height={height} flexDirection="column">
          <Text>{`Planning ${pending.request.kind} of ${pending.request.layerId}… (Esc: never mind)`}</Text>
        </Box>
      );
    case 'refused':
      return (
        <Box height={height} flexDirection="column">
          <Text bold>{`Cannot ${pending.request.kind} ${pending.request.layerId}:`}</Text>
          <Text wrap="wrap">{pending.reason}</Text>
          <Text dimColor>Nothing was run. Any key closes this.</Text>
        </Box>
      );
    case 'ready':
      return (
        <PlanView
          title={pending.plan.title}
          steps={pending.plan.steps.map((s, i) => ({ host: s.host, description: s.description, command: pending.steps[i] ?? '' }))}
          changesHost={pending.plan.changesHost}
          cleanup={pending.plan.cleanup?.map((s, i) => ({ host: s.host, description: s.description, command: pending.cleanup[i] ?? '' })) ?? []}
          notes={pending.plan.notes ?? []}
          scroll={pending.scroll}
          width={width}
          height={height}
          isColor={isColor}
        />
      );
  }
}
