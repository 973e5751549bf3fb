/**
 * The visible window of a job's output: exactly `height` lines, each cut to
 * the width. Only these lines are rendered, whatever the scrollback holds.
 */
import { Box, Text } from 'ink';

export interface LogLine {
  readonly text: string;
  readonly isError: boolean;
}

export interface LogViewProps {
  readonly lines: readonly LogLine[];
  readonly height: number;
  readonly isColor: boolean;
}

export function LogView({ lines, height, isColor }: LogViewProps) {
  return (
    <Box flexDirection="column" height={height}>
      {lines.slice(0, height).map((line, i) => (
        <Text key={i} wrap="truncate-end" {...(line.isError && isColor ? { color: 'yellow' } : {})}>
          {/* Control characters from a remote tool must not move the cursor of this screen. */}
          {sanitize(line.text) || ' '}
        </Text>
      ))}
    </Box>
  );
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)?/g;

export function sanitize(text: string): string {
  return text.replace(ANSI, '').replace(/\t/g, '  ').replace(CONTROL, '�');
}
