/**
 * The rebuild wizard: the step trail (every step of the saved rebuild, the
 * done ones ticked), where the rebuild goes, and the step on screen. Its
 * state is the store's rebuild slice and, underneath, the engine's state
 * file: leaving the screen (or the panel) loses nothing, and reopening it
 * resumes at the first step not done.
 */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { StepTrail } from '../components/StepTrail.js';
import { useTicker } from '../src/hooks/use-ticker.js';
import { stepLabel, type RebuildWizard } from '../src/store/index.js';
import { REBUILD_BINDINGS, REBUILD_HANDLERS } from './rebuild/bindings.js';
import { RebuildStepView } from './rebuild/StepView.js';
import type { ScreenProps, ScreenSpec } from './screen-spec.js';
import { useAppState, useNow, useStoreContext } from './store-context.js';

function whereLine(w: RebuildWizard): string {
  const s = w.state;
  if (!s) return '';
  const at = w.stepId === null ? s.steps.length : s.steps.findIndex((x) => x.id === w.stepId);
  const opened = w.opening.state === 'ready' ? (w.opening.value === 'resumed' ? 'resumed from the saved state' : 'started') : '';
  const where = w.stepId === null ? 'every step done' : `step ${at + 1} of ${s.steps.length}`;
  return `Rebuild of ${s.lost.host} onto ${s.target.address}:${s.target.port} · ${opened} · ${where}`;
}

/** Ticks every second while a step runs, so elapsed times move without new output. */
function RunningClock({ children }: { readonly children: (nowMs: number) => ReactNode }) {
  const now = useTicker(useStoreContext().nowMs, 1000);
  return <>{children(now)}</>;
}

function RebuildScreen({ width, height }: ScreenProps<'rebuild'>) {
  const wizard = useAppState((s) => s.rebuild);
  const isColor = useAppState((s) => s.color);
  const frameNow = useNow();
  if (!wizard) return <Text>No rebuild wizard is open: Enter on the disaster-recovery screen (X) opens one, resuming a saved rebuild.</Text>;
  if (wizard.opening.state === 'loading') return <Text>Opening the rebuild: the saved one is resumed, or a new one is planned from what answers now…</Text>;
  if (wizard.opening.state === 'failed') return <Text>{`✖ The rebuild could not be opened: ${wizard.opening.reason} (Esc: back)`}</Text>;
  const steps = wizard.state?.steps ?? [];
  const current = wizard.stepId === null ? steps.length : Math.max(0, steps.findIndex((s) => s.id === wizard.stepId));
  const body = (nowMs: number) => <RebuildStepView wizard={wizard} width={width} height={Math.max(3, height - 2)} isColor={isColor} nowMs={nowMs} />;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <StepTrail steps={[...steps.map((s) => stepLabel(s.id)), 'Done']} current={current} width={width} />
      <Text dimColor wrap="truncate-end">{whereLine(wizard)}</Text>
      {wizard.phase.kind === 'running' ? <RunningClock>{(now) => body(Math.max(now, frameNow))}</RunningClock> : body(frameNow)}
    </Box>
  );
}

export const rebuildScreen: ScreenSpec<'rebuild'> = {
  kind: 'rebuild',
  name: 'Rebuild wizard',
  summary:
    'The rebuild of a lost node, step by step: the new node (its host key trusted only by its typed fingerprint), identity, network (shown, not applied), host config, storage, chains, guests by tier, the report. Each step is checked first, shows its exact commands and asks before it writes; the state is saved after every step, so reopening resumes. Esc leaves before a step runs; while one runs it asks.',
  bindings: REBUILD_BINDINGS,
  reads: [],
  title: () => 'rebuild',
  panes: () => [],
  handlers: REBUILD_HANDLERS,
  textField: (ctx) => {
    const value = ctx.state.rebuildText();
    return value === null ? null : { value, set: (v) => ctx.state.rebuildSetText(v) };
  },
  Component: RebuildScreen,
};
