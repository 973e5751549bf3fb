/**
 * A document longer than the screen: toned lines, a window on them from
 * `scroll`, and where the window is (so nothing below the fold goes
 * unnoticed). Tones are weight and colour only; the words carry the meaning.
 */
import { Box, Text } from 'ink';

export type DocViewTone = 'title' | 'section' | 'good' | 'bad' | 'unknown' | 'dim' | 'plain';

export interface DocViewLine {
  readonly text: string;
  readonly tone: DocViewTone;
}

export interface DocViewProps {
  readonly lines: readonly DocViewLine[];
  readonly scroll: number;
  readonly width: number;
  readonly height: number;
  readonly isColor: boolean;
}

/**
 * Lines of at most `width` columns, broken at the last space that fits
 * (a column's padding inside the line is kept), hard-broken where no space
 * does; continuation lines start with `indent`.
 */
export function wrapDoc(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  let rest = [...text];
  const lead = text.length - text.trimStart().length;
  let first = true;
  while (rest.length > 0) {
    const room = Math.max(1, width - (first ? 0 : indent.length));
    if (rest.length <= room) {
      out.push((first ? '' : indent) + rest.join(''));
      break;
    }
    let cut = rest.lastIndexOf(' ', room);
    if (cut <= (first ? lead : 0)) cut = -1;
    const line = cut < 0 ? rest.slice(0, room) : rest.slice(0, cut);
    out.push((first ? '' : indent) + line.join('').trimEnd());
    rest = cut < 0 ? rest.slice(room) : rest.slice(cut + 1);
    while (rest[0] === ' ') rest = rest.slice(1);
    first = false;
  }
  if (out.length === 0) out.push('');
  return out;
}

/** The first line shown for `scroll` (never past the last screenful). */
export function docTop(total: number, scroll: number, room: number): number {
  return Math.min(Math.max(0, scroll), Math.max(0, total - room));
}

/** Lines of the window when the document overflows (one goes to the position line). */
export const docRoom = (total: number, height: number): number => (total > height ? Math.max(1, height - 1) : height);

function toneProps(tone: DocViewTone, isColor: boolean) {
  switch (tone) {
    case 'title':
    case 'section':
      return { bold: true };
    case 'good':
      return isColor ? { color: 'green' } : {};
    case 'bad':
      return isColor ? { color: 'red', bold: true } : { bold: true };
    case 'unknown':
      return isColor ? { color: 'magenta' } : {};
    case 'dim':
      return { dimColor: true };
    case 'plain':
      return {};
  }
}

export function DocView({ lines, scroll, width, height, isColor }: DocViewProps) {
  const room = docRoom(lines.length, height);
  const top = docTop(lines.length, scroll, room);
  const shown = lines.slice(top, top + room);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {shown.map((l, i) => (
        <Text key={top + i} wrap="truncate-end" {...toneProps(l.tone, isColor)}>
          {l.text === '' ? ' ' : l.text}
        </Text>
      ))}
      {lines.length > room ? <Text dimColor wrap="truncate-end">{`lines ${top + 1}-${top + shown.length} of ${lines.length} · j/k scroll`}</Text> : null}
    </Box>
  );
}
