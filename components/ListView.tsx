/** A list of labelled items with one selected (the palette, the help). */
import { Box, Text } from 'ink';
import { windowStart } from './DataTable.js';

export interface ListItem {
  readonly key: string;
  readonly label: string;
  readonly detail?: string;
  readonly isDisabled?: boolean;
  readonly isHeading?: boolean;
}

export interface ListViewProps {
  readonly items: readonly ListItem[];
  readonly selected: number | null;
  readonly height: number;
  readonly width: number;
  readonly labelWidth: number;
}

export function ListView({ items, selected, height, width, labelWidth }: ListViewProps) {
  const start = windowStart(selected ?? 0, items.length, height);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {items.slice(start, start + height).map((item, i) => {
        const isSelected = selected === start + i;
        if (item.isHeading) {
          return (
            <Text key={item.key} bold underline wrap="truncate-end">
              {item.label}
            </Text>
          );
        }
        return (
          <Box key={item.key}>
            <Text inverse={isSelected}>{isSelected ? '› ' : '  '}</Text>
            <Box width={labelWidth} flexShrink={0}>
              <Text bold={!item.isDisabled} dimColor={item.isDisabled ?? false} wrap="truncate-end">
                {item.label}
              </Text>
            </Box>
            <Text dimColor={item.isDisabled ?? false} wrap="truncate-end">
              {item.detail ?? ''}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}
