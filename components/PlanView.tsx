/**
 * A plan before it runs: what it does, on which host, the exact commands
 * (secrets only by name), and the question. Default is No.
 */
import { Box, Text } from 'ink';

export interface PlanViewStep {
  readonly host: string;
  readonly description: string;
  readonly command: string;
}

export interface PlanViewProps {
  readonly title: string;
  readonly steps: readonly PlanViewStep[];
  readonly changesHost: boolean;
  /** Run only if a step fails or is cancelled. */
  readonly cleanup?: readonly PlanViewStep[];
  /** What the operator should know before confirming. */
  readonly notes?: readonly string[];
  readonly width: number;
  readonly height: number;
  readonly isColor: boolean;
}

export function PlanView({ title, steps, changesHost, cleanup = [], notes = [], width, height, isColor }: PlanViewProps) {
  const hosts = [...new Set(steps.map((s) => s.host))];
  const noteLines = notes.slice(0, 2);
  // Each step takes two lines; the rest is title, warning, notes, clean-up and the question.
  const room = Math.max(1, Math.floor((height - 6 - noteLines.length - (cleanup.length > 0 ? 2 : 0)) / 2));
  const shown = steps.slice(0, room);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">
        {title}
      </Text>
      <Text wrap="truncate-end" {...(changesHost && isColor ? { color: 'yellow' } : {})}>
        {changesHost
          ? `▲ CHANGES ${hosts.length === 1 ? 'HOST' : 'HOSTS'} ${hosts.join(', ')}: these commands will run there`
          : `Reads only, on ${hosts.join(', ')}: these commands will run there`}
      </Text>
      <Text> </Text>
      {shown.map((s, i) => (
        <Box key={i} flexDirection="column">
          <Text wrap="truncate-end">{`${i + 1}. ${s.description} (on ${s.host})`}</Text>
          <Text wrap="truncate-end" bold>{`   $ ${s.command}`}</Text>
        </Box>
      ))}
      {steps.length > shown.length ? <Text dimColor>{`   … and ${steps.length - shown.length} more steps`}</Text> : null}
      {cleanup.length > 0 ? (
        <>
          <Text wrap="truncate-end">{`If a step fails or is cancelled, clean-up runs (${cleanup.length} step${cleanup.length === 1 ? '' : 's'}):`}</Text>
          <Text wrap="truncate-end" dimColor>{`   $ ${cleanup[0]!.command} (on ${cleanup[0]!.host})${cleanup.length > 1 ? ' …' : ''}`}</Text>
        </>
      ) : null}
      {noteLines.map((n, i) => (
        <Text key={`n${i}`} wrap="truncate-end" dimColor>{`Note: ${n}`}</Text>
      ))}
      <Text> </Text>
      <Text bold>Run this? [y/N]</Text>
    </Box>
  );
}
