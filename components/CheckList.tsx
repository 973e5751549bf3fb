/**
 * Checks and their results, each with a glyph and a word (so they read
 * without colour): passed, failed, warned, not run, or still running. A check
 * that could not run says "NOT RUN", never passed.
 */
import { Box, Text } from 'ink';

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

/** Lines of at most `width` columns, broken at spaces where a word fits, hard-broken where one does not. */
export function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = word;
    if (line && [...line].length + 1 + [...w].length <= width) {
      line += ` ${w}`;
      continue;
    }
    if (line) out.push(line);
    while ([...w].length > width) {
      out.push([...w].slice(0, width).join(''));
      w = [...w].slice(width).join('');
    }
    line = w;
  }
  if (line || out.length === 0) out.push(line);
  return out;
}

export function CheckList({ items, width, height, isColor }: CheckListProps) {
  const wordWidth = 11;
  // A check and its reason are read whole: wrapped at words under the check, never cut.
  const room = Math.max(10, width - wordWidth);
  const lines = items.flatMap((item) => [
    ...wrapWords(item.label, room).map((text, i) => ({ item, text, isDetail: false, isFirst: i === 0 })),
    ...(item.detail ? wrapWords(item.detail, room - 2).map((t) => ({ item, text: `  ${t}`, isDetail: true, isFirst: false })) : []),
  ]);
  return (
    <Box flexDirection="column" width={width}>
      {lines.slice(0, Math.max(1, height)).map(({ item, text, isDetail, isFirst }, i) => (
        <Box key={`${item.key}:${i}`}>
          <Box width={wordWidth} flexShrink={0}>
            {!isFirst ? (
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
