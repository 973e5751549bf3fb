/**
 * A file browser's frame, drawn from a view the screen computed (screens/
 * browse/browser-view.ts): where it is, what is chosen, the filter, and only
 * the rows that fit. A directory being read shows a loading row; one that
 * could not be read shows why. Chosen entries are marked `[x]` (and `[+]`
 * inside a chosen directory) besides any colour, so it reads with NO_COLOR.
 */
import { Box, Text } from 'ink';

export type EntryMark = 'selected' | 'covered' | 'none';

export interface BrowserRow {
  readonly key: string;
  /** The start of the line (marks and name), fitted to its column; the cursor's row is the whole line here. */
  readonly lead: string;
  /** The end of the line (size, time), drawn against the right edge; empty on the cursor's row. */
  readonly columns: string;
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
          {body.rows.map((r) => {
            const style = { inverse: r.isCursor && isColor, bold: r.isCursor, color: isColor && r.mark !== 'none' ? 'green' : undefined, dimColor: r.mark === 'covered' };
            if (r.columns === '') {
              return (
                <Text key={r.key} {...style} wrap="truncate-end">
                  {r.lead}
                </Text>
              );
            }
            // Two texts and no padding: Ink makes a cell of every character it is given, every frame.
            return (
              <Box key={r.key} justifyContent="space-between">
                <Text {...style} wrap="truncate-end">
                  {r.lead}
                </Text>
                <Text {...style} wrap="truncate-end">
                  {r.columns}
                </Text>
              </Box>
            );
          })}
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
