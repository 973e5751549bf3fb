/** One view per wizard step, through an exhaustive switch: a step without a view does not compile. */
import type { StatusReport } from '../../src/domain/status-report.js';
import { assertNever } from '../../src/store/index.js';
import { PointStep, WorkloadStep, type StepViewProps } from './ListSteps.js';
import { ConfirmStep, PlanStep, PreflightStep } from './PlanSteps.js';
import { ProgressStep, ResultStep } from './RunSteps.js';
import { TargetStep } from './TargetStep.js';

export function StepView(props: StepViewProps & { readonly report: StatusReport | null }) {
  const step = props.wizard.step;
  switch (step.kind) {
    case 'workload':
      return <WorkloadStep {...props} />;
    case 'point':
      return <PointStep {...props} />;
    case 'target':
      return <TargetStep {...props} />;
    case 'preflight':
      return <PreflightStep {...props} />;
    case 'plan':
      return <PlanStep {...props} />;
    case 'confirm':
      return <ConfirmStep {...props} />;
    case 'progress':
      return <ProgressStep {...props} />;
    case 'checks':
    case 'done':
      return <ResultStep {...props} />;
    default:
      return assertNever(step);
  }
}
