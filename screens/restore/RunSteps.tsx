/**
 * The run: progress (a bar where the tool gives a percent, else time and
 * bytes; an ETA; the newest output lines, or the whole raw log with L), the
 * checks after, and the result with what is left on the host.
 */
import { Box, Text } from 'ink';
import { CheckList } from '../../components/CheckList.js';
import { LogView } from '../../components/LogView.js';
import { wrapText } from '../../components/PlanView.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import type { RestorePlan, Wizard, WizardRun } from '../../src/store/index.js';
import type { StepViewProps } from './ListSteps.js';
import { checkItems, clock, progressSummary, runStateText } from './rows.js';

/** First raw log line shown for a window of `height` lines (`top` -1 follows the newest). */
export function logWindowTop(run: WizardRun, top: number, height: number): number {
  const len = run.log.length;
  if (top < 0) return Math.max(0, len - height);
  return Math.max(0, Math.min(top, Math.max(0, len - height)));
}

function CancelQuestion({ plan, width }: { readonly plan: RestorePlan; readonly width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      <Text bold inverse wrap="truncate-end">{' Cancel the restore? y: stop the remote task now · n/Esc: let it run '}</Text>
      {wrapText(`If cancelled: ${plan.onFailure}`, width).map((l, i) => (
        <Text key={i} wrap="truncate-end">{l}</Text>
      ))}
    </Box>
  );
}

function RawLog({ wizard, run, width, height, isColor }: { readonly wizard: Wizard; readonly run: WizardRun; readonly width: number; readonly height: number; readonly isColor: boolean }) {
  const room = Math.max(1, height - 1);
  const start = logWindowTop(run, wizard.logTop, room);
  const lines = run.log.slice(start, start + room).map((l) => ({ text: l.text, isError: l.stream === 'stderr' }));
  const position = wizard.logTop < 0 ? 'following' : `lines ${start + 1}-${start + lines.length} of ${run.log.length}`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text dimColor wrap="truncate-end">{`Raw log: ${run.log.total} lines${run.log.dropped > 0 ? ` (${run.log.dropped} oldest dropped)` : ''} · ${position} · L: back to the progress · j/k scroll`}</Text>
      <LogView lines={lines} height={room} isColor={isColor} />
    </Box>
  );
}

export function ProgressStep({ wizard, width, height, isColor, nowMs }: StepViewProps) {
  const run = wizard.run;
  if (!run || wizard.plan?.state !== 'ready') return <Text>Starting…</Text>;
  const plan = wizard.plan.value;
  const asking = run.askingCancel && !run.result;
  const question = asking ? 1 + wrapText(`If cancelled: ${plan.onFailure}`, width).length : 0;
  const body = height - question;
  if (wizard.showLog) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        {asking ? <CancelQuestion plan={plan} width={width} /> : null}
        <RawLog wizard={wizard} run={run} width={width} height={body} isColor={isColor} />
      </Box>
    );
  }
  const summary = progressSummary(run, plan, nowMs);
  const head = 1 + summary.lines.length + (summary.percent !== null ? 1 : 0) + 1;
  const tail = Math.max(1, body - head);
  const last = run.log.slice(Math.max(0, run.log.length - tail), run.log.length).map((l) => ({ text: l.text, isError: l.stream === 'stderr' }));
  return (
    <Box flexDirection="column" width={width} height={height}>
      {asking ? <CancelQuestion plan={plan} width={width} /> : null}
      <Text bold wrap="truncate-end">{`${runStateText(run)} · ${plan.title}`}</Text>
      {summary.lines.map((l, i) => (
        <Text key={i} wrap="truncate-end">{l}</Text>
      ))}
      {summary.percent !== null ? <ProgressBar percent={summary.percent} width={width} label={summary.barLabel} /> : null}
      <Text dimColor wrap="truncate-end">{`── newest output (L: the whole raw log, ${run.log.total} lines) ${'─'.repeat(Math.max(0, width))}`}</Text>
      <LogView lines={last} height={tail} isColor={isColor} />
    </Box>
  );
}

export function ResultStep({ wizard, width, height, isColor, nowMs }: StepViewProps) {
  const run = wizard.run;
  if (!run || wizard.plan?.state !== 'ready') return <Text>Nothing ran.</Text>;
  const plan = wizard.plan.value;
  if (wizard.showLog) return <RawLog wizard={wizard} run={run} width={width} height={height} isColor={isColor} />;
  const r = run.result;
  const asking = run.askingCancel && !r;
  const elapsed = r ? r.durationMs / 1000 : (nowMs - run.startedAtMs) / 1000;
  const head: string[] = [
    `${runStateText(run)} · ${plan.title}`,
    ...(r ? wrapText(r.summary, width) : [`Checking the restored guest… (${clock(elapsed)} so far)`]),
    ...(r ? [`Took ${clock(elapsed)}${r.restoreSeconds !== null ? ` · the restore itself ${clock(r.restoreSeconds)} (the measured restore time)` : ''}`] : []),
  ];
  const after: string[] = [
    ...(r?.leftover ? wrapText(`▲ Left on the host: ${r.leftover}`, width, '  ') : []),
    ...run.cleanup.flatMap((c) => wrapText(`Clean-up: ${c}`, width, '  ')),
    ...(r ? ['The journal has the evidence (J shows it). Enter or Esc: close the wizard.'] : []),
  ];
  const items = checkItems(plan, run);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {asking ? <CancelQuestion plan={plan} width={width} /> : null}
      {head.map((l, i) => (
        <Text key={`h${i}`} bold={i === 0} wrap="truncate-end">{l}</Text>
      ))}
      <Text dimColor>{items.length > 0 ? `Checks after (${items.length}):` : 'No checks after this plan.'}</Text>
      <CheckList items={items} width={width} height={Math.max(1, height - head.length - after.length - 1 - (asking ? 3 : 0))} isColor={isColor} />
      {after.map((l, i) => (
        <Text key={`a${i}`} wrap="truncate-end">{l}</Text>
      ))}
    </Box>
  );
}
