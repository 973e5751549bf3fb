/** Label: value lines, labels aligned; a value may be a node (a health badge). */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

export interface KeyValue {
  readonly label: string;
  readonly value: ReactNode;
}

export interface KeyValuesProps {
  readonly items: readonly KeyValue[];
  readonly width: number;
}

export function KeyValues({ items, width }: KeyValuesProps) {
  const labelWidth = Math.min(18, Math.max(0, ...items.map((i) => i.label.length)) + 2);
  return (
    <Box flexDirection="column" width={width}>
      {items.map((item) => (
        <Box key={item.label}>
          <Box width={labelWidth} flexShrink={0}>
            <Text dimColor>{item.label}</Text>
          </Box>
          <Box width={Math.max(4, width - labelWidth)}>
            {typeof item.value === 'string' ? <Text wrap="truncate-end">{item.value}</Text> : item.value}
          </Box>
        </Box>
      ))}
    </Box>
  );
}
