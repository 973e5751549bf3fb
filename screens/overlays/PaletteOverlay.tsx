/** `:`: type to narrow the commands of this screen (and jumps to hosts and layers), Enter runs one. */
import { Box, Text } from 'ink';
import { ListView } from '../../components/ListView.js';
import type { PaletteItem } from './palette-items.js';

export interface PaletteOverlayProps {
  readonly query: string;
  readonly items: readonly PaletteItem[];
  readonly selected: number;
  readonly width: number;
  readonly height: number;
}

export function PaletteOverlay({ query, items, selected, width, height }: PaletteOverlayProps) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{`: ${query}▏`}</Text>
      <Text dimColor>{`${items.length} commands — ↑/↓ choose, Enter run, Esc close`}</Text>
      <ListView
        items={items.map((i) => ({
          key: i.key,
          label: i.label,
          detail: i.disabledReason ? `${i.detail} (disabled: ${i.disabledReason})` : i.detail,
          isDisabled: i.disabledReason !== null,
        }))}
        selected={items.length > 0 ? selected : null}
        height={Math.max(1, height - 2)}
        width={width}
        labelWidth={20}
      />
    </Box>
  );
}
