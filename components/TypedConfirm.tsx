/**
 * The last question before a plan that destroys something: what it
 * destroys, in words, and the word to type. Only that exact word answers it;
 * anything else is shown as not matching and does nothing.
 */
import { Box, Text } from 'ink';
import { wrapText } from './PlanView.js';

export interface TypedConfirmProps {
  readonly title: string;
  /** What the plan removes or overwrites, one item a line. */
  readonly destroys: readonly string[];
  readonly word: string;
  readonly typed: string;
  /** Set after Enter with a word that does not match. */
  readonly isRejected: boolean;
  readonly width: number;
  readonly height: number;
  readonly isColor: boolean;
}

export function TypedConfirm({ title, destroys, word, typed, isRejected, width, height, isColor }: TypedConfirmProps) {
  const lines = [
    ...wrapText(title, width),
    '',
    'This plan DESTROYS:',
    ...destroys.flatMap((d) => wrapText(`  ✖ ${d}`, width, '    ')),
  ];
  // The prompt and its answer always show, whatever the list's length.
  const room = Math.max(1, height - 4);
  const shown = lines.length > room ? [...lines.slice(0, room - 1), `… ${lines.length - room + 1} more lines (Esc back to the plan to read them)`] : lines;
  const matches = typed === word;
  return (
    <Box flexDirection="column" width={width} height={height}>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate-end" bold={i === 0 || l === 'This plan DESTROYS:'} {...(isColor && l.startsWith('  ✖') ? { color: 'red' } : {})}>
          {l || ' '}
        </Text>
      ))}
      <Text> </Text>
      <Text bold wrap="truncate-end">{`Type ${word} to run it (Esc: back, nothing runs):`}</Text>
      <Text wrap="truncate-end" inverse>{`> ${typed}▏`}</Text>
      <Text wrap="truncate-end" dimColor={!isRejected} {...(isColor && isRejected ? { color: 'yellow' } : {})}>
        {isRejected ? `▲ "${typed}" is not ${word}: nothing runs. Type exactly ${word}.` : matches ? 'Enter runs it.' : ' '}
      </Text>
    </Box>
  );
}
