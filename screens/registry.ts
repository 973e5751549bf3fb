/** Every screen by route kind. A new route kind without a screen here does not compile. */
import type { Route, RouteKind } from '../src/store/index.js';
import { dashboardScreen } from './DashboardScreen.js';
import { browseScreen } from './BrowseScreen.js';
import { filesScreen } from './FilesScreen.js';
import { rebuildScreen } from './RebuildScreen.js';
import { drScreen } from './DrScreen.js';
import { hostScreen } from './HostScreen.js';
import { jobScreen } from './JobScreen.js';
import { journalScreen } from './JournalScreen.js';
import { layerScreen } from './LayerScreen.js';
import { restoreScreen } from './RestoreScreen.js';
import type { AnyScreenSpec, ScreenSpec } from './screen-spec.js';
import { workloadScreen } from './WorkloadScreen.js';

export const SCREENS: { readonly [K in RouteKind]: ScreenSpec<K> } = {
  dashboard: dashboardScreen,
  host: hostScreen,
  layer: layerScreen,
  workload: workloadScreen,
  job: jobScreen,
  journal: journalScreen,
  restore: restoreScreen,
  browse: browseScreen,
  files: filesScreen,
  dr: drScreen,
  rebuild: rebuildScreen,
};

export const specFor = (route: Route): AnyScreenSpec => SCREENS[route.kind] as AnyScreenSpec;
