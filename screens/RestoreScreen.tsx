/**
 * The restore wizard: where it is (the step trail), what was chosen so far,
 * and the current step's view. Its state is the store's restore slice, so
 * leaving the screen loses nothing and a run goes on; R comes back to it.
 */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { StepTrail } from '../components/StepTrail.js';
import { selectedSource, stepIndex, STEP_TITLES, WIZARD_STEPS, type Wizard } from '../src/store/index.js';
import { RESTORE_BINDINGS, RESTORE_HANDLERS } from './restore/bindings.js';
import { sourceLine } from './restore/rows.js';
import { StepView } from './restore/StepView.js';
import type { ScreenProps, ScreenSpec } from './screen-spec.js';
import { useAppState, useNow, useStoreContext } from './store-context.js';
import { useTicker } from '../src/hooks/use-ticker.js';

/** What was chosen so far, in one line under the trail. */
function chosenLine(w: Wizard): string {
  const source = selectedSource(w);
  const parts = [w.assetId ?? 'no workload chosen yet'];
  if (source && w.step.kind !== 'point' && w.step.kind !== 'workload') parts.push(sourceLine(source));
  return parts.join(' · ');
}

const steps = WIZARD_STEPS.map((s) => STEP_TITLES[s]);

/** Ticks every second while a run goes on, so elapsed time moves without new output. */
function RunningClock({ children }: { readonly children: (nowMs: number) => ReactNode }) {
  const now = useTicker(useStoreContext().nowMs, 1000);
  return <>{children(now)}</>;
}

function RestoreScreen({ width, height }: ScreenProps<'restore'>) {
  const wizard = useAppState((s) => s.wizard);
  const report = useAppState((s) => s.report);
  const isColor = useAppState((s) => s.color);
  const frameNow = useNow();
  if (!wizard) return <Text>No restore wizard is open: R on a workload, a point of a layer or the dashboard opens one.</Text>;
  const body = (nowMs: number) => <StepView wizard={wizard} report={report} width={width} height={Math.max(3, height - 2)} isColor={isColor} nowMs={nowMs} />;
  const live = wizard.run !== null && wizard.run.result === null && wizard.run.refused === null;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <StepTrail steps={steps} current={stepIndex(wizard.step)} width={width} />
      <Text dimColor wrap="truncate-end">{chosenLine(wizard)}</Text>
      {live ? <RunningClock>{(now) => body(Math.max(now, frameNow))}</RunningClock> : body(frameNow)}
    </Box>
  );
}

export const restoreScreen: ScreenSpec<'restore'> = {
  kind: 'restore',
  name: 'Restore wizard',
  summary:
    'Workload → point (every source, ranked) → target → preflight → plan → confirm (typed when it destroys) → progress → checks → done. Esc steps back until the run starts, then asks whether to cancel.',
  bindings: RESTORE_BINDINGS,
  reads: [],
  title: () => 'restore',
  panes: () => [],
  handlers: RESTORE_HANDLERS,
  textField: (ctx) => {
    const value = ctx.state.wizardText();
    return value === null ? null : { value, set: (v) => ctx.state.wizardSetText(v) };
  },
  Component: RestoreScreen,
};
