/**
 * The file-restore wizard: where it is (the step trail), what was chosen so
 * far, and the current step's view. Its state is the store's files slice
 * (and the browser slice on the browse step), so leaving the screen loses
 * nothing and a run or a saved thaw goes on.
 */
import { Box, Text } from 'ink';
import { useEffect, type ReactNode } from 'react';
import { StepTrail } from '../components/StepTrail.js';
import { FILES_STEP_TITLES, filesSteps, selectedFileSource, type FilesWizard } from '../src/store/index.js';
import { useTicker } from '../src/hooks/use-ticker.js';
import { FILES_BINDINGS, FILES_HANDLERS, filesTextField } from './files/bindings.js';
import { FilesStepView } from './files/FilesSteps.js';
import { fileSourceLine } from './files/rows.js';
import type { ScreenProps, ScreenSpec } from './screen-spec.js';
import { useAppState, useNow, useStoreContext } from './store-context.js';

function chosenLine(w: FilesWizard): string {
  const source = selectedFileSource(w);
  const parts = [w.label];
  if (source && w.step.kind !== 'point') parts.push(fileSourceLine(source));
  return parts.join(' · ');
}

function RunningClock({ children }: { readonly children: (nowMs: number) => ReactNode }) {
  const now = useTicker(useStoreContext().nowMs, 1000);
  return <>{children(now)}</>;
}

/** How often the waiting view reads the thaw again by itself (r reads it at once). */
const THAW_READ_MS = 20_000;

/** While the waiting view is on screen, and only then, the thaw's state is read again now and then. */
function useThawPolling(isWaiting: boolean): void {
  const { store } = useStoreContext();
  useEffect(() => {
    if (!isWaiting) return;
    const timer = setInterval(() => store.getState().filesReadThaw(), THAW_READ_MS);
    return () => clearInterval(timer);
  }, [isWaiting, store]);
}

function FilesScreen({ width, height }: ScreenProps<'files'>) {
  const wizard = useAppState((s) => s.files);
  useThawPolling(wizard?.step.kind === 'waiting');
  const browser = useAppState((s) => s.browser);
  const isColor = useAppState((s) => s.color);
  const frameNow = useNow();
  if (!wizard) return <Text>No file restore is open: R on a files or dataset workload (or a point of its layers) opens one; W lists the waiting ones.</Text>;
  const kinds = filesSteps(wizard);
  const current = Math.max(0, kinds.indexOf(wizard.step.kind));
  const body = (nowMs: number) => <FilesStepView wizard={wizard} browser={browser} width={width} height={Math.max(3, height - 2)} isColor={isColor} nowMs={nowMs} />;
  const live = wizard.run !== null && wizard.run.result === null && wizard.run.refused === null;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <StepTrail steps={kinds.map((k) => FILES_STEP_TITLES[k])} current={current} width={width} />
      <Text dimColor wrap="truncate-end">{chosenLine(wizard)}</Text>
      {live ? <RunningClock>{(now) => body(Math.max(now, frameNow))}</RunningClock> : body(frameNow)}
    </Box>
  );
}

export const filesScreen: ScreenSpec<'files'> = {
  kind: 'files',
  name: 'File restore wizard',
  summary:
    'Point (every source of the path or dataset, ranked; "thaw first" for cold ones) → files (the browser: choose) → target (a new directory by default; the original only typed, with an overwrite policy; a dataset as a clone, a rollback or back from the replica) → thaw (cold storage: wait and cost class) → preflight → plan → confirm → progress → checks → done. A requested thaw is saved: q leaves, W comes back.',
  bindings: FILES_BINDINGS,
  reads: [],
  title: () => 'restore files',
  panes: () => [],
  handlers: FILES_HANDLERS,
  textField: filesTextField,
  Component: FilesScreen,
};
