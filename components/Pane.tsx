/**
 * A titled region. The focused pane's title is marked with `▶` and bold, so
 * focus shows without colour; the others read dim.
 */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

export interface PaneProps {
  readonly title: string;
  readonly isFocused: boolean;
  readonly width: number;
  readonly height: number;
  readonly children: ReactNode;
  readonly hint?: string;
}

export function Pane({ title, isFocused, width, height, children, hint }: PaneProps) {
  const head = `${isFocused ? '▶' : '─'} ${title} `;
  const rest = hint ? ` ${hint} ` : '';
  const fill = Math.max(0, width - head.length - rest.length);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold={isFocused} dimColor={!isFocused} wrap="truncate-end">
        {head + '─'.repeat(fill) + rest}
      </Text>
      {children}
    </Box>
  );
}
