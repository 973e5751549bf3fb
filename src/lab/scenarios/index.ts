/** The lab's scenarios by name. */
import { degraded } from './degraded.js';
import { disaster } from './disaster.js';
import { healthy } from './healthy.js';
import type { ScenarioName, ScenarioPlan } from './types.js';

export { SCENARIOS, type ScenarioName, type ScenarioPlan } from './types.js';

export const SCENARIO_PLANS: Readonly<Record<ScenarioName, ScenarioPlan>> = { healthy, degraded, disaster };
