/**
 * The top line of every screen: the worst health, where the operator is, and
 * how fresh the status is (saved, stale, refreshing, failed) — so when the
 * sources were last read is always on screen. On a screen about one host or
 * layer, that is when it was read, as the screen's own Read row says.
 */
import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import { HealthBadge } from '../components/HealthBadge.js';
import { currentRoute, type AppState, type Route } from '../src/store/index.js';
import { specFor } from './registry.js';
import type { Freshness } from './rows/format.js';
import { reportFreshness } from './rows/status-rows.js';
import { useAppState, useNow } from './store-context.js';

const pick = (s: AppState) => ({
  report: s.report,
  reportReadAtMs: s.reportReadAtMs,
  reportIsSaved: s.reportIsSaved,
  observations: s.observations,
  inventory: s.inventory,
  refreshing: s.refreshing,
  refreshError: s.refreshError,
  routes: s.routes,
  readOnly: s.readOnly,
  color: s.color,
});

export function TitleBar({ width }: { readonly width: number }) {
  const s = useAppState(useShallow(pick));
  const now = useNow();
  const crumbs = s.routes.map((r) => (specFor(r).title as (x: typeof r) => string)(r)).join(' › ');
  const fresh = screenFreshness(s, currentRoute(s), now) ?? reportFreshness(s, now);
  let status: string;
  if (!s.report) status = s.refreshing ? 'reading every host…' : 'no status yet';
  else if (s.reportIsSaved) status = `saved status from ${fresh.text.replace(' SAVED', '')} ago${s.refreshing ? ', refreshing…' : ''}`;
  else status = `read ${fresh.text}${s.refreshing ? ' · refreshing…' : ''}`;
  if (s.refreshError) status = `refresh failed: ${s.refreshError}`;
  return (
    <Box width={width} height={1}>
      {/* A long breadcrumb is what gives way: the name, the health and the status keep their place. */}
      <Box flexShrink={0}>
        <Text bold>STRATA </Text>
        {s.report ? <HealthBadge health={s.report.overall} isColor={s.color} isBold /> : <Text>…</Text>}
        {s.readOnly ? <Text inverse>{' READ-ONLY '}</Text> : null}
      </Box>
      <Box flexGrow={1} flexShrink={1} flexBasis={0} marginLeft={1}>
        <Text wrap="truncate-end">{crumbs}</Text>
      </Box>
      <Box marginLeft={1} flexShrink={0}>
        <Text wrap="truncate-start" {...(s.color && (s.reportIsSaved || fresh.isStale || s.refreshError) ? { color: 'yellow' } : {})}>
          {status.length > width - 30 ? status.slice(0, Math.max(10, width - 30)) : status}
        </Text>
      </Box>
    </Box>
  );
}

function screenFreshness(s: ReturnType<typeof pick>, route: Route, now: number): Freshness | undefined {
  const spec = specFor(route) as { freshness?: (v: typeof s, r: Route, n: number) => Freshness | undefined };
  return spec.freshness?.(s, route, now);
}
