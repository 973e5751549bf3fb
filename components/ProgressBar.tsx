/**
 * A percentage as a bar and a number: `[██████░░░░░░] 45 %`. The bar is made
 * of characters, not colour, so it reads the same with NO_COLOR.
 */
import { Text } from 'ink';

export interface ProgressBarProps {
  /** 0-100. */
  readonly percent: number;
  /** Columns for the whole line, bar and number. */
  readonly width: number;
  readonly label?: string;
}

/** The bar's text; pure, so tests can read it. */
export function progressBarText(percent: number, width: number, label = ''): string {
  const p = Math.max(0, Math.min(100, Number.isFinite(percent) ? percent : 0));
  const number = `${Math.floor(p)} %`.padStart(5);
  const prefix = label ? `${label} ` : '';
  const room = Math.max(4, width - prefix.length - number.length - 3);
  const full = Math.round((p / 100) * room);
  return `${prefix}[${'█'.repeat(full)}${'░'.repeat(room - full)}] ${number}`;
}

export function ProgressBar({ percent, width, label }: ProgressBarProps) {
  return <Text wrap="truncate-end">{progressBarText(percent, width, label)}</Text>;
}
