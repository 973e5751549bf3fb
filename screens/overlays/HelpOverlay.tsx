/** `?`: every key of this screen and the global ones, from the bindings; disabled ones with their reason. */
import { Box, Text } from 'ink';
import { ListView, type ListItem } from '../../components/ListView.js';
import type { HelpSection } from '../keys/help-sections.js';

export interface HelpOverlayProps {
  readonly sections: readonly HelpSection[];
  readonly scroll: number;
  readonly width: number;
  readonly height: number;
}

export function HelpOverlay({ sections, scroll, width, height }: HelpOverlayProps) {
  const items: ListItem[] = sections.flatMap((s) => [
    { key: `h:${s.title}`, label: s.title, isHeading: true },
    ...s.rows.map((r) => ({
      key: `${s.title}:${r.command}`,
      label: r.keys,
      detail: `${r.description}${r.dangerous ? ' [changes a host]' : ''}${r.disabledReason ? ` (disabled: ${r.disabledReason})` : ''}`,
      isDisabled: r.disabledReason !== null,
    })),
  ]);
  const top = Math.min(scroll, Math.max(0, items.length - (height - 1)));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{'Help — j/k scroll, any other key closes'}</Text>
      <ListView items={items.slice(top)} selected={null} height={height - 1} width={width} labelWidth={14} />
    </Box>
  );
}
