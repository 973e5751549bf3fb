/**
 * A file browser's frame, drawn from a view the screen computed (screens/
 * browse/browser-view.ts): where it is, what is chosen, the filter, and only
 * the rows that fit. A directory being read shows a loading row; one that
 * could not be read shows why. Chosen entries are marked `[x]` (and `[+]`
 * inside a chosen directory) besides any colour, so it reads with NO_COLOR.
 */
import { Box, Text } from 'ink';
import { memo } from 'react';

export type EntryMark = 'selected' | 'covered' | 'none';

export interface BrowserRow {
  /** The line on screen it is drawn on (its place in the window), not the entry: Ink's nodes for a line are kept as the window moves. */
  readonly key: string;
  /** The start of the line: marks and name, fitted to its column. */
  readonly lead: string;
  /** The end of the line (size, time), drawn against the right edge. */
  readonly columns: string;
  /** Spaces between the two on a whole line. */
  readonly padding: number;
  readonly isCursor: boolean;
  readonly mark: EntryMark;
}

export type BrowserBody =
  | { readonly kind: 'loading'; readonly text: string }
  | { readonly kind: 'failed'; readonly text: string; readonly hint: string }
  | { readonly kind: 'empty'; readonly text: string }
  | { readonly kind: 'rows'; readonly rows: readonly BrowserRow[]; readonly position: string | null };

export interface FileBrowserView {
  readonly header: string;
  readonly selection: string;
  readonly hasSelection: boolean;
  /** The filter line, or null when there is no filter. */
  readonly filter: string | null;
  readonly body: BrowserBody;
}

export interface FileBrowserProps {
  readonly view: FileBrowserView;
  readonly width: number;
  readonly height: number;
  readonly isColor: boolean;
}

type RowProps = Omit<BrowserRow, 'key'> & { readonly isColor: boolean };

/**
 * One entry: its lead and its columns against the right edge, the spaces
 * between them left to layout (Ink makes a cell of every character it is
 * given, every frame) except on the cursor's row in inverse video, which
 * spans them. A row whose text did not change is not drawn again by React.
 */
const Row = memo(function Row({ lead, columns, padding, isCursor, mark, isColor }: RowProps) {
  const isInverse = isCursor && isColor;
  const style = { inverse: isInverse, bold: isCursor, color: isColor && mark !== 'none' ? 'green' : undefined, dimColor: mark === 'covered' };
  return (
    <Box justifyContent="space-between">
      <Text {...style} wrap="truncate-end">
        {isInverse ? lead + ' '.repeat(padding) : lead}
      </Text>
      <Text {...style} wrap="truncate-end">
        {columns}
      </Text>
    </Box>
  );
});

function Body({ body, width, isColor }: { readonly body: BrowserBody; readonly width: number; readonly isColor: boolean }) {
  switch (body.kind) {
    case 'loading':
      return <Text wrap="truncate-end">{body.text}</Text>;
    case 'failed':
      return (
        <Box flexDirection="column" width={width}>
          <Text wrap="wrap" color={isColor ? 'red' : undefined}>{body.text}</Text>
          <Text dimColor wrap="truncate-end">{body.hint}</Text>
        </Box>
      );
    case 'empty':
      return <Text dimColor wrap="truncate-end">{body.text}</Text>;
    case 'rows':
      return (
        <Box flexDirection="column" width={width}>
          {body.rows.map((r) => (
            <Row key={r.key} lead={r.lead} columns={r.columns} padding={r.padding} isCursor={r.isCursor} mark={r.mark} isColor={isColor} />
          ))}
          {body.position ? <Text dimColor wrap="truncate-end">{body.position}</Text> : null}
        </Box>
      );
  }
}

export function FileBrowser({ view, width, height, isColor }: FileBrowserProps) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">{view.header}</Text>
      <Text wrap="truncate-end" color={isColor && view.hasSelection ? 'green' : undefined}>{view.selection}</Text>
      {view.filter !== null ? <Text wrap="truncate-end">{view.filter}</Text> : null}
      <Body body={view.body} width={width} isColor={isColor} />
    </Box>
  );
}
