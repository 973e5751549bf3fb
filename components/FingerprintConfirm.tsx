/**
 * Trusting a rebuilt node's new host key: the fingerprint Strata received
 * over the network is shown, and the operator types the one the node's own
 * console prints. Only the same fingerprint trusts the key; until then
 * nothing is written to known_hosts. There is deliberately no "matches so
 * far" hint: it would let the operator copy the shown text instead of
 * comparing it with the console.
 */
import { Box, Text } from 'ink';
import { fingerprintMatches } from '../src/domain/host-key-fingerprint.js';
import { wrapText } from './PlanView.js';

export interface FingerprintConfirmProps {
  /** The host whose key it is, and where Strata reached it. */
  readonly host: string;
  readonly address: string;
  /** `SHA256:…`, as ssh-keygen -l prints it. */
  readonly fingerprint: string;
  readonly keyType: string;
  /** What to run on the node's console to read its own fingerprint. */
  readonly consoleCommand: string;
  readonly typed: string;
  /** Set after Enter with a fingerprint that is not the one received. */
  readonly isRejected: boolean;
  readonly width: number;
  readonly height: number;
  readonly isColor: boolean;
}

export function FingerprintConfirm({ host, address, fingerprint, keyType, consoleCommand, typed, isRejected, width, height, isColor }: FingerprintConfirmProps) {
  const lines = [
    ...wrapText(`${host} (${address}) answers with a NEW host key. Trust it only if it is the key of the node in front of you.`, width),
    '',
    `  ${keyType} ${fingerprint}`,
    '',
    ...wrapText('On the new node\'s console, run:', width),
    `  $ ${consoleCommand}`,
    ...wrapText('and type the fingerprint it prints (SHA256: may be left out).', width),
  ];
  const room = Math.max(1, height - 3);
  const shown = lines.length > room ? lines.slice(0, room) : lines;
  const matches = fingerprintMatches(typed, fingerprint);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate-end" bold={l.startsWith(`  ${keyType} `)}>
          {l || ' '}
        </Text>
      ))}
      <Text wrap="truncate-end" inverse>{`> ${typed}▏`}</Text>
      <Text wrap="truncate-end" dimColor={!isRejected} {...(isColor && isRejected ? { color: 'yellow' } : {})}>
        {isRejected
          ? '▲ That is not the fingerprint received: the key is NOT trusted and nothing is written. Compare again.'
          : matches
            ? 'Enter trusts this key and writes it to known_hosts.'
            : 'Esc: back (nothing is trusted).'}
      </Text>
    </Box>
  );
}
