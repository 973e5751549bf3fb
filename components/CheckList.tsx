/**
 * Checks and their results, each with a glyph and a word (so they read
 * without colour): passed, failed, warned, not run, or still running. A check
 * that could not run says "NOT RUN", never passed.
 */
import { Box, Text } from 'ink';
import { wrapText } from './PlanView.js';

export type CheckState = 'pending' | 'running' | 'passed' | 'failed' | 'warn' | 'not-run';

export interface CheckItem {
  readonly key: string;
  readonly label: string;
  readonly state: CheckState;
  /** What was seen, or why it failed or did not run. */
  readonly detail?: string;
}

export interface CheckListProps {
  readonly items: readonly CheckItem[];
  readonly width: number;
  readonly height: number;
  readonly isColor: boolean;
}

const WORD: Record<CheckState, string> = {
  pending: '· waiting',
  running: '⟳ checking',
  passed: '✔ passed',
  failed: '✖ FAILED',
  warn: '▲ warn',
  'not-run': '– NOT RUN',
};

const COLOR: Partial<Record<CheckState, string>> = { passed: 'green', failed: 'red', warn: 'yellow', 'not-run': 'magenta' };

export const checkWord = (state: CheckState): string => WORD[state];

export function CheckList({ items, width, height, isColor }: CheckListProps) {
  const wordWidth = 11;
  // A reason is read whole: wrapped under its check, never cut.
  const room = Math.max(10, width - wordWidth);
  const lines = items.flatMap((item) => [
    { item, text: item.label, isDetail: false },
    ...(item.detail ? wrapText(item.detail, room - 2, '  ').map((t) => ({ item, text: `  ${t}`, isDetail: true })) : []),
  ]);
  return (
    <Box flexDirection="column" width={width}>
      {lines.slice(0, Math.max(1, height)).map(({ item, text, isDetail }, i) => (
        <Box key={`${item.key}:${i}`}>
          <Box width={wordWidth} flexShrink={0}>
            {isDetail ? (
              <Text> </Text>
            ) : (
              <Text bold={item.state === 'failed'} {...(isColor && COLOR[item.state] ? { color: COLOR[item.state] } : {})}>
                {WORD[item.state]}
              </Text>
            )}
          </Box>
          <Text wrap="truncate-end" dimColor={isDetail}>
            {text}
          </Text>
        </Box>
      ))}
    </Box>
  );
}
