import { Box, Text } from 'ink';

export interface NoticeOverlayProps {
  readonly title: string;
  readonly lines: readonly string[];
  readonly height: number;
}

/** A page of text (what R will do); any key closes it. */
export function NoticeOverlay({ title, lines, height }: NoticeOverlayProps) {
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>{title}</Text>
      <Text> </Text>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {l || ' '}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor>Any key closes this.</Text>
    </Box>
  );
}
