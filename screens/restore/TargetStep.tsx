/** Where the guest goes: a form, one field a line; the selected field is marked and, if it takes text, shows a cursor. */
import { Box, Text } from 'ink';
import { targetProblem } from '../../src/store/index.js';
import type { StepViewProps } from './ListSteps.js';
import { targetLines } from './rows.js';

export function TargetStep({ wizard, width, height }: StepViewProps) {
  const lines = targetLines(wizard);
  const field = wizard.step.kind === 'target' ? wizard.step.field : 0;
  const problem = targetProblem(wizard.target);
  const selected = lines[Math.min(field, lines.length - 1)];
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.map((l, i) => (
        <Box key={l.field} width={width}>
          <Box width={2} flexShrink={0}>
            <Text inverse={i === field} bold={i === field}>
              {i === field ? '› ' : '  '}
            </Text>
          </Box>
          <Box width={14} flexShrink={0}>
            <Text dimColor>{l.label}</Text>
          </Box>
          <Box width={Math.max(4, width - 16)}>
            <Text wrap="truncate-end">{`${l.value}${i === field && l.isText ? '▏' : ''}`}</Text>
          </Box>
        </Box>
      ))}
      <Text> </Text>
      <Text dimColor wrap="truncate-end">
        {selected?.isText ? '↑/↓ field · type here (Backspace erases) · Enter: preflight' : '↑/↓ field · ←/→/Space change · Enter: preflight (read-only checks)'}
      </Text>
      {problem ? <Text wrap="truncate-end">{`▲ ${problem}`}</Text> : null}
    </Box>
  );
}
