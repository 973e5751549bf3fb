/**
 * Where a wizard is: every step by name, the done ones ticked, the current
 * one bracketed (so it shows without colour). On a narrow terminal the trail
 * keeps the current step and its neighbours and says the position.
 */
import { Text } from 'ink';

export interface StepTrailProps {
  readonly steps: readonly string[];
  readonly current: number;
  readonly width: number;
}

export function stepTrailText(steps: readonly string[], current: number, width: number): string {
  const word = (s: string, i: number) => (i === current ? `[${s}]` : i < current ? `✔${s}` : s);
  const whole = steps.map(word).join(' › ');
  const position = `${current + 1}/${steps.length} `;
  if (position.length + whole.length <= width) return position + whole;
  // Drop steps from the far end of whichever side is longer, until it fits.
  let from = 0;
  let to = steps.length - 1;
  const text = () => `${position}${from > 0 ? '… › ' : ''}${steps.slice(from, to + 1).map((s, i) => word(s, from + i)).join(' › ')}${to < steps.length - 1 ? ' › …' : ''}`;
  while (text().length > width && to > from) {
    if (current - from > to - current) from++;
    else to--;
  }
  return text();
}

export function StepTrail({ steps, current, width }: StepTrailProps) {
  return (
    <Text bold wrap="truncate-end">
      {stepTrailText(steps, current, width)}
    </Text>
  );
}
