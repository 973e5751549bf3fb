/** The retention engine: parse keep options, plan which points a prune keeps. */
export {
  checkKeepOptions,
  formatKeepOptions,
  parseKeepOptions,
  parseResticDuration,
  RETENTION_SEMANTICS,
  type KeepOptions,
  type ResticDuration,
  type RetentionSemantics,
} from './keep-options.js';
export { planRetention, type RetentionDecision, type RetentionOptions, type RetentionPoint } from './plan.js';
