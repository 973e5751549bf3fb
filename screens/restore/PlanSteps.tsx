/** Preflight (each check with its result), the plan (every command with its host, what it destroys) and the question. */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { CheckList } from '../../components/CheckList.js';
import { PlanView } from '../../components/PlanView.js';
import { ConfirmRun } from '../../components/ConfirmRun.js';
import type { RestorePlan } from '../../src/store/index.js';
import type { StepViewProps } from './ListSteps.js';
import { preflightItems, targetSummary } from './rows.js';

function Planning({ wizard, children }: { readonly wizard: StepViewProps['wizard']; readonly children: (plan: RestorePlan) => ReactNode }) {
  const plan = wizard.plan;
  if (!plan || plan.state === 'loading') return <Text>Planning: reading the target node and the source (read-only probes)…</Text>;
  if (plan.state === 'failed') {
    return (
      <Box flexDirection="column">
        <Text bold>✖ Cannot plan this restore:</Text>
        <Text wrap="wrap">{plan.reason}</Text>
        <Text dimColor>Nothing was run. Esc: back to the target.</Text>
      </Box>
    );
  }
  return <>{children(plan.value)}</>;
}

export function PreflightStep(props: StepViewProps) {
  const { wizard, width, height, isColor } = props;
  return (
    <Planning wizard={wizard}>
      {(plan) => {
        const head = targetSummary(plan);
        return (
          <Box flexDirection="column" width={width} height={height}>
            <Text bold wrap="truncate-end">{plan.title}</Text>
            {head.map((l, i) => (
              <Text key={i} wrap="truncate-end">{l}</Text>
            ))}
            <Text dimColor>{`Preflight (${plan.preflight.length} read-only checks):`}</Text>
            <CheckList items={preflightItems(plan)} width={width} height={Math.max(1, height - head.length - 4)} isColor={isColor} />
            <Text bold wrap="truncate-end">
              {plan.ready ? 'Every check passed. Enter: see the plan.' : '✖ A check failed: nothing can run. Esc: back to change the target.'}
            </Text>
          </Box>
        );
      }}
    </Planning>
  );
}

const planSteps = (plan: RestorePlan) => plan.commands.map((c) => ({ host: c.host, description: c.description, command: c.command }));

function planNotes(plan: RestorePlan): string[] {
  return [
    ...plan.notes,
    ...(plan.checks.length > 0 ? [`Checks after: ${plan.checks.map((c) => c.label).join('; ')}`] : []),
    `If it fails or is cancelled: ${plan.onFailure}`,
  ];
}

export function PlanStep({ wizard, width, height, isColor }: StepViewProps) {
  const scroll = wizard.step.kind === 'plan' ? wizard.step.scroll : 0;
  return (
    <Planning wizard={wizard}>
      {(plan) => (
        <PlanView
          title={plan.title}
          steps={planSteps(plan)}
          changesHost
          destroys={plan.destroys}
          cleanup={plan.cleanup}
          notes={planNotes(plan)}
          scroll={scroll}
          width={width}
          height={height}
          isColor={isColor}
          question={plan.confirmWord === null ? 'Enter: on to the question (y/N) · Esc: back · nothing has run' : `Enter: on to the typed confirmation (${plan.confirmWord}) · Esc: back · nothing has run`}
        />
      )}
    </Planning>
  );
}

export function ConfirmStep({ wizard, width, height, isColor }: StepViewProps) {
  return (
    <Planning wizard={wizard}>
      {(plan) => {
        const step = wizard.step.kind === 'confirm' ? wizard.step : { typed: '', rejected: false };
        const hosts = [...new Set(plan.commands.map((c) => c.host))].join(', ');
        const spares = `Nothing that exists now is destroyed: ${plan.commands.length} command${plan.commands.length === 1 ? '' : 's'} on ${hosts}, as the plan showed.`;
        return <ConfirmRun title={plan.title} destroys={plan.destroys} confirmWord={plan.confirmWord} typed={step.typed} isRejected={step.rejected} summary={[' ', ...targetSummary(plan)]} spares={spares} refused={wizard.run?.refused ?? null} width={width} height={height} isColor={isColor} />;
      }}
    </Planning>
  );
}
