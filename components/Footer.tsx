/**
 * The bottom line: the keys of this screen (from its bindings) and the last
 * message. Disabled keys are not offered here; `?` lists them with the reason.
 */
import { Box, Text } from 'ink';

export interface KeyHint {
  readonly key: string;
  readonly label: string;
}

export interface FooterProps {
  readonly hints: readonly KeyHint[];
  readonly message: { readonly text: string; readonly tone: 'info' | 'warn' | 'error' } | null;
  readonly width: number;
  readonly isColor: boolean;
  readonly badge?: string;
}

export function Footer({ hints, message, width, isColor, badge }: FooterProps) {
  const keys = hints.map((h) => `${h.key} ${h.label}`).join('  ');
  const tone = message?.tone === 'error' ? 'red' : message?.tone === 'warn' ? 'yellow' : undefined;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" {...(isColor && tone ? { color: tone } : {})}>
        {message ? `${message.tone === 'info' ? '' : message.tone === 'warn' ? '▲ ' : '✖ '}${message.text}` : ' '}
      </Text>
      <Box>
        {badge ? (
          <Text inverse bold>
            {` ${badge} `}
          </Text>
        ) : null}
        <Text dimColor wrap="truncate-end">
          {(badge ? ' ' : '') + keys}
        </Text>
      </Box>
    </Box>
  );
}
