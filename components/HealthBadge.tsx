import { Text } from 'ink';
import type { Health } from '../src/domain/types.js';
import { HEALTH_COLOR, healthText } from './health-style.js';

export interface HealthBadgeProps {
  readonly health: Health;
  readonly isColor: boolean;
  readonly isBold?: boolean;
}

/** Glyph and word, coloured when the terminal has colour. */
export function HealthBadge({ health, isColor, isBold }: HealthBadgeProps) {
  return (
    <Text bold={isBold ?? false} {...(isColor ? { color: HEALTH_COLOR[health] } : {})}>
      {healthText(health)}
    </Text>
  );
}
