/**
 * Disaster recovery: the plan for rebuilding the lost node, read when the
 * screen opens (and on r) from what answers now. Reading it changes nothing;
 * Enter opens the rebuild wizard, which asks before anything writes.
 */
import { Box, Text } from 'ink';
import { useEffect, useMemo } from 'react';
import { DocView, docRoom, docTop } from '../components/DocView.js';
import { drPlanLines } from './dr/plan-lines.js';
import { DR_BINDINGS, DR_HANDLERS } from './dr/bindings.js';
import { shortAge } from './rows/format.js';
import type { ScreenProps, ScreenSpec } from './screen-spec.js';
import { useAppState, useNow, useStoreContext } from './store-context.js';

function DrScreen({ width, height }: ScreenProps<'dr'>) {
  const { store } = useStoreContext();
  const plan = useAppState((s) => s.drPlan);
  const reading = useAppState((s) => s.drReading);
  const scroll = useAppState((s) => s.drScroll);
  const available = useAppState((s) => s.drAvailable);
  const isColor = useAppState((s) => s.color);
  const canRebuild = useAppState((s) => s.rebuildAvailable && !s.readOnly);
  const now = useNow();
  useEffect(() => {
    void store.getState().loadDrPlan();
  }, [store]);
  const lines = useMemo(() => (plan?.state === 'ready' ? drPlanLines(plan.value, width) : []), [plan, width]);
  const body = Math.max(3, height - 2);
  // j past the end leaves the scroll where the last screenful starts, so k moves at once.
  const top = docTop(lines.length, scroll, docRoom(lines.length, body));
  useEffect(() => {
    if (lines.length > 0 && scroll > top) store.getState().scrollDrPlan(top);
  }, [store, lines.length, scroll, top]);
  if (!available) return <Text>This session has no DR engine: the plan is read by `strata dr plan` against an inventory.</Text>;
  const head =
    !plan || plan.state === 'loading'
      ? 'Reading what answers now (every layer, the surviving PBS, the prerequisites; nothing is changed)…'
      : plan.state === 'failed'
        ? `✖ The plan could not be read: ${plan.reason} (r: try again)`
        : `Plan read ${shortAge(now / 1000 - plan.value.readAtSec)} ago${reading ? ' · reading again…' : ''}${canRebuild ? ' · Enter: the rebuild wizard' : ''} · r: read again`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">{head}</Text>
      <Text> </Text>
      {plan?.state === 'ready' ? <DocView lines={lines} scroll={top} width={width} height={body} isColor={isColor} /> : null}
    </Box>
  );
}

export const drScreen: ScreenSpec<'dr'> = {
  kind: 'dr',
  name: 'Disaster recovery',
  summary:
    'The plan for rebuilding a lost node from what answers now: the copies that survive, each guest\'s way back (direct or through a chain), the prerequisites off-site present or missing, guests by tier with the RTO and the time expected. Enter opens the rebuild wizard.',
  bindings: DR_BINDINGS,
  reads: [],
  title: () => 'disaster recovery',
  panes: () => [],
  handlers: DR_HANDLERS,
  Component: DrScreen,
};
