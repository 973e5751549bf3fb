/**
 * A plan before it runs: what it does, on which host, the exact commands
 * (secrets only by name), and the question. Default is No. Every command is
 * shown whole, wrapped rather than cut: the operator confirms what they read,
 * so a plan longer than the screen scrolls instead of hiding its tail.
 */
import { Box, Text } from 'ink';

export interface PlanViewStep {
  readonly host: string;
  readonly description: string;
  readonly command: string;
}

export interface PlanViewProps {
  readonly title: string;
  readonly steps: readonly PlanViewStep[];
  readonly changesHost: boolean;
  /** Run only if a step fails or is cancelled. */
  readonly cleanup?: readonly PlanViewStep[];
  /** What the operator should know before confirming. */
  readonly notes?: readonly string[];
  /** What the plan removes or overwrites, in words: shown above the commands. */
  readonly destroys?: readonly string[];
  /** First line shown when the plan is longer than the screen. */
  readonly scroll?: number;
  readonly width: number;
  readonly height: number;
  readonly isColor: boolean;
  /** The line under the plan (default the y/N question; a wizard asks on its own step). */
  readonly question?: string;
}

type Tone = 'title' | 'warn' | 'command' | 'dim' | 'plain';

interface PlanLine {
  readonly text: string;
  readonly tone: Tone;
}

/** Hard-wraps `text` to `width` columns; continuation lines start with `indent`. */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let rest = [...paragraph];
    let first = true;
    do {
      const room = Math.max(1, width - (first ? 0 : indent.length));
      out.push((first ? '' : indent) + rest.slice(0, room).join(''));
      rest = rest.slice(room);
      first = false;
    } while (rest.length > 0);
  }
  return out;
}

export function planLines(p: Pick<PlanViewProps, 'title' | 'steps' | 'changesHost' | 'cleanup' | 'notes' | 'destroys'>, width: number): PlanLine[] {
  const hosts = [...new Set(p.steps.map((s) => s.host))];
  const lines: PlanLine[] = [];
  const add = (text: string, tone: Tone, indent = '') => {
    for (const t of wrapText(text, width, indent)) lines.push({ text: t, tone });
  };
  add(p.title, 'title');
  add(
    p.changesHost
      ? `▲ CHANGES ${hosts.length === 1 ? 'HOST' : 'HOSTS'} ${hosts.join(', ')}: these commands will run there`
      : `Reads only, on ${hosts.join(', ')}: these commands will run there`,
    p.changesHost ? 'warn' : 'plain',
  );
  for (const d of p.destroys ?? []) add(`✖ DESTROYS: ${d}`, 'warn', '    ');
  lines.push({ text: '', tone: 'plain' });
  p.steps.forEach((s, i) => {
    add(`${i + 1}. ${s.description} (on ${s.host})`, 'plain', '   ');
    add(`   $ ${s.command}`, 'command', '     ');
  });
  const cleanup = p.cleanup ?? [];
  if (cleanup.length > 0) {
    add(`If a step fails or is cancelled, clean-up runs (${cleanup.length} step${cleanup.length === 1 ? '' : 's'}):`, 'plain');
    for (const c of cleanup) add(`   $ ${c.command} (on ${c.host})`, 'dim', '     ');
  }
  for (const n of p.notes ?? []) add(`Note: ${n}`, 'dim', '      ');
  return lines;
}

export function PlanView({ title, steps, changesHost, cleanup = [], notes = [], destroys = [], scroll = 0, width, height, isColor, question = 'Run this? [y/N]' }: PlanViewProps) {
  const lines = planLines({ title, steps, changesHost, cleanup, notes, destroys }, width);
  // The question and a blank line above it always show; a scroll hint when the plan overflows.
  const overflows = lines.length > height - 2;
  const room = Math.max(1, height - 2 - (overflows ? 1 : 0));
  const top = Math.min(Math.max(0, scroll), Math.max(0, lines.length - room));
  const shown = lines.slice(top, top + room);
  const toneProps = (tone: Tone) => {
    switch (tone) {
      case 'title':
      case 'command':
        return { bold: true };
      case 'warn':
        return isColor ? { color: 'yellow' } : {};
      case 'dim':
        return { dimColor: true };
      case 'plain':
        return {};
    }
  };
  return (
    <Box flexDirection="column" width={width} height={height}>
      {shown.map((l, i) => (
        <Text key={top + i} wrap="truncate-end" {...toneProps(l.tone)}>
          {l.text === '' ? ' ' : l.text}
        </Text>
      ))}
      {overflows ? (
        <Text dimColor>{`lines ${top + 1}-${top + shown.length} of ${lines.length} · j/k scroll: read it all before answering`}</Text>
      ) : null}
      <Text> </Text>
      <Text bold wrap="truncate-end">
        {question}
      </Text>
    </Box>
  );
}
