/**
 * The last question before a restore runs, in both wizards: the typed word
 * when the plan destroys something (TypedConfirm), else the plan's summary,
 * what it leaves alone, and y/N. A refusal of the engine on the last try
 * stands above it.
 */
import { Box, Text } from 'ink';
import { TypedConfirm } from './TypedConfirm.js';

export interface ConfirmRunProps {
  readonly title: string;
  /** What the plan destroys; its confirm word is null when nothing is. */
  readonly destroys: readonly string[];
  readonly confirmWord: string | null;
  readonly typed: string;
  readonly isRejected: boolean;
  /** The plan in a few lines, shown when no word is typed. */
  readonly summary: readonly string[];
  /** What running it leaves alone, in one line. */
  readonly spares: string;
  /** Why the engine refused the last try, or null. */
  readonly refused: string | null;
  readonly width: number;
  readonly height: number;
  readonly isColor: boolean;
}

export function ConfirmRun({ title, destroys, confirmWord, typed, isRejected, summary, spares, refused, width, height, isColor }: ConfirmRunProps) {
  const body = height - (refused ? 1 : 0);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {refused ? <Text wrap="truncate-end">{`▲ Not started: ${refused}`}</Text> : null}
      {confirmWord !== null ? (
        <TypedConfirm title={title} destroys={destroys} word={confirmWord} typed={typed} isRejected={isRejected} width={width} height={body} isColor={isColor} />
      ) : (
        <Box flexDirection="column" height={body}>
          <Text bold wrap="truncate-end">{title}</Text>
          {summary.map((l, i) => (
            <Text key={i} wrap="truncate-end">{l}</Text>
          ))}
          <Text wrap="truncate-end">{spares}</Text>
          <Text> </Text>
          <Text bold>Run this? [y/N]</Text>
        </Box>
      )}
    </Box>
  );
}
