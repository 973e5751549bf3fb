/**
 * A job's live output: the plan's title and hosts, the step running, and the
 * visible window of its output (only those lines are rendered, whatever the
 * scrollback holds). Follows the newest line until the operator scrolls up;
 * Esc or Ctrl-C cancel a running job (the remote process is ended), and once
 * it has ended they go back / quit as everywhere else.
 */
import { Box, Text } from 'ink';
import { LogView, type LogLine } from '../components/LogView.js';
import { cursorKey, routeKey, type Job } from '../src/store/index.js';
import type { Binding, KeyContext } from './keys/binding.js';
import type { ScreenProps, ScreenSpec } from './screen-spec.js';
import { useAppState, useNow } from './store-context.js';
import { shortAge } from './rows/format.js';

/** Lines above the output: title, state, step, rule. */
const HEAD = 4;
const FOLLOW = -1;

const jobOf = (ctx: KeyContext): Job | undefined => (ctx.route.kind === 'job' ? ctx.state.jobs[ctx.route.jobId] : undefined);

function stateText(job: Job): string {
  if (job.state === 'running') return job.cancelling ? '… CANCELLING (ending the remote process)' : '⟳ RUNNING';
  switch (job.state) {
    case 'ok':
      return '✔ OK';
    case 'warn':
      return '▲ WARNING';
    case 'failed':
      return '✖ FAILED';
    case 'cancelled':
      return '■ CANCELLED';
  }
}

/** First retained line shown, in the buffer's own numbering. */
export function windowTop(job: Job, top: number, height: number): number {
  const len = job.output.length;
  if (top === FOLLOW) return Math.max(0, len - height);
  return Math.max(0, Math.min(top - job.output.dropped, Math.max(0, len - height)));
}

function scroll(ctx: KeyContext, by: (top: number, height: number, len: number) => number): void {
  const job = jobOf(ctx);
  if (!job) return;
  const height = Math.max(1, ctx.pageSize - HEAD);
  const key = cursorKey(routeKey(ctx.route), 0);
  const current = windowTop(job, ctx.state.cursors[key] ?? FOLLOW, height);
  const next = by(current, height, job.output.length);
  const last = Math.max(0, job.output.length - height);
  // Scrolling to the end follows again: new lines keep coming into view.
  ctx.state.setCursor(routeKey(ctx.route), 0, next >= last ? FOLLOW : Math.max(0, next) + job.output.dropped);
}

function JobScreen({ route, width, height }: ScreenProps<'job'>) {
  const job = useAppState((s) => s.jobs[route.jobId]);
  const top = useAppState((s) => s.cursors[cursorKey(routeKey(route), 0)] ?? FOLLOW);
  const isColor = useAppState((s) => s.color);
  const now = useNow();
  if (!job) return <Text>{`No job ${route.jobId} in this session.`}</Text>;
  const logHeight = Math.max(1, height - HEAD);
  const start = windowTop(job, top, logHeight);
  const lines: LogLine[] = job.output.slice(start, start + logHeight).map((l) => ({ text: l.text, isError: l.stream === 'stderr' }));
  const steps = job.plan.steps;
  const step = steps[Math.min(job.step, steps.length - 1)];
  const elapsed = ((job.endedAtMs ?? now) - job.startedAtMs) / 1000;
  const hosts = [...new Set(steps.map((s) => s.host))].join(', ');
  const position = top === FOLLOW ? 'following' : `lines ${start + 1}-${start + lines.length} of ${job.output.length}`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">{job.plan.title}</Text>
      <Text wrap="truncate-end">
        {`${stateText(job)}  on ${hosts} · ${shortAge(elapsed)} · ${job.output.total} lines${job.output.dropped > 0 ? ` (${job.output.dropped} oldest dropped)` : ''} · ${position}`}
      </Text>
      <Text wrap="truncate-end" dimColor>
        {job.outcome ? `Result: ${job.outcome.summary}${job.outcome.exitCode === null ? '' : ` (exit ${job.outcome.exitCode})`}` : `Step ${Math.min(job.step + 1, steps.length)}/${steps.length}: ${step?.description ?? ''}`}
      </Text>
      <Text dimColor>{'─'.repeat(Math.max(0, width))}</Text>
      <LogView lines={lines} height={logHeight} isColor={isColor} />
    </Box>
  );
}

const BINDINGS: readonly Binding[] = [
  {
    keys: ['esc', 'ctrl+c'],
    command: 'job.cancel',
    description: 'Cancel the running job (the remote process is ended)',
    group: 'Actions',
    hint: 'cancel',
    disabledReason: (ctx) => {
      const job = jobOf(ctx);
      if (!job) return 'no job here';
      if (job.state !== 'running') return 'the job has ended';
      return job.cancelling ? 'already cancelling' : null;
    },
  },
  { keys: ['f'], command: 'job.follow', description: 'Follow the newest output', group: 'Navigation' },
];

export const jobScreen: ScreenSpec<'job'> = {
  kind: 'job',
  name: 'Job',
  summary: 'Live output of a running action with scrollback; Esc or Ctrl-C cancels it.',
  bindings: BINDINGS,
  reads: [],
  title: (route) => `job ${route.jobId}`,
  panes: () => [],
  handlers: {
    'job.cancel': (ctx) => {
      const job = jobOf(ctx);
      if (job) ctx.state.cancelJob(job.id);
    },
    'job.follow': (ctx) => ctx.state.setCursor(routeKey(ctx.route), 0, FOLLOW),
    'nav.down': (ctx) => scroll(ctx, (t) => t + 1),
    'nav.up': (ctx) => scroll(ctx, (t) => t - 1),
    'nav.pageDown': (ctx) => scroll(ctx, (t, h) => t + h),
    'nav.pageUp': (ctx) => scroll(ctx, (t, h) => t - h),
    'nav.top': (ctx) => scroll(ctx, () => 0),
    'nav.bottom': (ctx) => ctx.state.setCursor(routeKey(ctx.route), 0, FOLLOW),
  },
  Component: JobScreen,
};
