/** One view per file-wizard step, through an exhaustive switch: a step without a view does not compile. */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { CheckList } from '../../components/CheckList.js';
import { DataTable } from '../../components/DataTable.js';
import { FileBrowser } from '../../components/FileBrowser.js';
import { LogView } from '../../components/LogView.js';
import { PlanView, wrapText } from '../../components/PlanView.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { ConfirmRun } from '../../components/ConfirmRun.js';
import { assertNever, filesTargetProblem, selectedFileSource, selectedPaths, type Browser, type FileRestorePlan, type FilesWizard } from '../../src/store/index.js';
import { browserView } from '../browse/browser-view.js';
import { clock } from '../restore/rows.js';
import {
  chosenText,
  fileCheckItems,
  FILE_SOURCE_COLUMNS,
  fileSourceRows,
  filesProgress,
  filesRunState,
  filesTargetLines,
  planHead,
  preflightItems,
  sourceSteps,
  THAW_LIST_COLUMNS,
  thawLines,
  thawListRows,
} from './rows.js';

export interface FilesStepProps {
  readonly wizard: FilesWizard;
  readonly browser: Browser | null;
  readonly width: number;
  readonly height: number;
  readonly isColor: boolean;
  readonly nowMs: number;
}

function ThawsStep({ wizard, width, height, isColor, nowMs }: FilesStepProps) {
  const t = wizard.thaws;
  if (!t || t.state === 'loading') return <Text>Reading the saved restores…</Text>;
  if (t.state === 'failed') return <Text wrap="wrap">{`Cannot read the saved restores: ${t.reason}`}</Text>;
  const cursor = wizard.step.kind === 'thaws' ? wizard.step.cursor : 0;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">{`${t.value.length} restore${t.value.length === 1 ? '' : 's'} saved while cold storage thaws; Enter reads one's state now.`}</Text>
      <DataTable columns={THAW_LIST_COLUMNS} rows={thawListRows(t.value, nowMs)} selected={t.value.length > 0 ? cursor : null} width={width} height={height - 1} isColor={isColor} isFocused emptyText="no restore is waiting for a thaw" />
    </Box>
  );
}

function PointStep({ wizard, width, height, isColor }: FilesStepProps) {
  const sources = wizard.sources;
  if (!sources || sources.state === 'loading') return <Text>{`Reading every layer that can hold ${wizard.label} (read-only)…`}</Text>;
  if (sources.state === 'failed') {
    return (
      <Box flexDirection="column" width={width}>
        <Text bold>{`No sources for ${wizard.label}:`}</Text>
        <Text wrap="wrap">{sources.reason}</Text>
        <Text dimColor>Esc: back.</Text>
      </Box>
    );
  }
  const list = sources.value;
  const cursor = wizard.step.kind === 'point' ? wizard.step.cursor : 0;
  const selected = list.sources[cursor];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">{`${list.sources.length} source${list.sources.length === 1 ? '' : 's'} of ${wizard.label}, best first`}</Text>
      <DataTable columns={FILE_SOURCE_COLUMNS} rows={fileSourceRows(list)} selected={list.sources.length > 0 ? cursor : null} width={width} height={Math.max(3, height - 3)} isColor={isColor} isFocused emptyText="no layer holds it" />
      <Text wrap="truncate-end" dimColor>{selected ? `${selected.point.ref} · covers ${selected.covers}` : ' '}</Text>
      <Text wrap="truncate-end" dimColor>{selected ? `Takes: ${sourceSteps(selected)}` : ' '}</Text>
    </Box>
  );
}

function BrowseStep({ browser, width, height, isColor, wizard }: FilesStepProps) {
  if (!browser) return <Text>Opening the browser…</Text>;
  const source = selectedFileSource(wizard);
  const paths = selectedPaths(browser);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <FileBrowser view={browserView(browser, width, height - 1)} width={width} height={height - 1} isColor={isColor} />
      <Text dimColor wrap="truncate-end">{`c: go on with ${chosenText(paths, source)} · Space chooses · Enter opens · Backspace up · / filter`}</Text>
    </Box>
  );
}

function TargetStep({ wizard, browser, width, height }: FilesStepProps) {
  const lines = filesTargetLines(wizard);
  const field = wizard.step.kind === 'target' ? wizard.step.field : 0;
  const problem = filesTargetProblem(wizard.target);
  const paths = browser ? selectedPaths(browser) : [];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">{`Restoring ${chosenText(paths, selectedFileSource(wizard))}`}</Text>
      {lines.map((l, i) => (
        <Text key={l.label} wrap="truncate-end" bold={i === field}>
          {`${i === field ? '› ' : '  '}${l.label.padEnd(11)} ${l.value}${i === field && l.isText ? '▏' : ''}`}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor wrap="truncate-end">{lines[field]?.isText ? '↑/↓ field · type here (Backspace erases) · Enter: on' : '↑/↓ field · ←/→/Space change · Enter: on (nothing runs yet)'}</Text>
      {problem ? <Text wrap="truncate-end">{`▲ ${problem}`}</Text> : null}
    </Box>
  );
}

function ThawStep({ wizard, width, height }: FilesStepProps) {
  const cold = selectedFileSource(wizard)?.cold;
  if (!cold) return <Text>This source needs no thaw.</Text>;
  const cursor = wizard.step.kind === 'thaw' ? wizard.step.cursor : 0;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">{`The objects are in ${cold.storageClass}: they must be thawed before they can be copied.`}</Text>
      <Text wrap="truncate-end">Choose how fast (what it costs is a class, not a price):</Text>
      {cold.tiers.map((t, i) => (
        <Text key={t.priority} bold={i === cursor} dimColor={!t.available} wrap="truncate-end">
          {`${i === cursor ? '› ' : '  '}${t.priority.padEnd(10)} wait ${t.wait.padEnd(12)} cost ${t.cost}${t.available ? '' : ` · not offered for ${cold.storageClass}`}`}
        </Text>
      ))}
      <Text> </Text>
      {wrapText('The thaw is requested after the plan and its confirmation. The restore is then saved: you may quit, and W (waiting restores) or strata restore --resume ID comes back to it.', width).map((l, i) => (
        <Text key={i} dimColor wrap="truncate-end">{l}</Text>
      ))}
    </Box>
  );
}

function Planning({ wizard, children }: { readonly wizard: FilesWizard; readonly children: (plan: FileRestorePlan) => ReactNode }) {
  const plan = wizard.plan;
  if (!plan || plan.state === 'loading') return <Text>Planning: reading the source and the target host (read-only probes)…</Text>;
  if (plan.state === 'failed') {
    return (
      <Box flexDirection="column">
        <Text bold>✖ Cannot plan this restore:</Text>
        <Text wrap="wrap">{plan.reason}</Text>
        <Text dimColor>Nothing was run. Esc: back.</Text>
      </Box>
    );
  }
  return <>{children(plan.value)}</>;
}

function PreflightStep({ wizard, width, height, isColor }: FilesStepProps) {
  return (
    <Planning wizard={wizard}>
      {(plan) => {
        const head = planHead(plan);
        return (
          <Box flexDirection="column" width={width} height={height}>
            <Text bold wrap="truncate-end">{plan.title}</Text>
            {head.map((l, i) => (
              <Text key={i} wrap="truncate-end">{l}</Text>
            ))}
            <Text dimColor>{`Preflight (${plan.preflight.length} read-only checks):`}</Text>
            <CheckList items={preflightItems(plan)} width={width} height={Math.max(1, height - head.length - 4)} isColor={isColor} />
            <Text bold wrap="truncate-end">{plan.ready ? 'Every check passed. Enter: see the plan.' : '✖ A check failed: nothing can run. Esc: back.'}</Text>
          </Box>
        );
      }}
    </Planning>
  );
}

function PlanStep({ wizard, width, height, isColor }: FilesStepProps) {
  const scroll = wizard.step.kind === 'plan' ? wizard.step.scroll : 0;
  return (
    <Planning wizard={wizard}>
      {(plan) => (
        <PlanView
          title={plan.title}
          steps={[...(plan.thaw ? [plan.thaw.command] : []), ...plan.commands].map((c) => ({ host: c.host, description: c.description, command: c.command }))}
          changesHost
          destroys={plan.destroys}
          cleanup={plan.cleanup.map((c) => ({ host: c.host, description: c.description, command: c.command }))}
          notes={[...planHead(plan).slice(1), ...plan.notes, ...(plan.checks.length > 0 ? [`Checks after: ${plan.checks.map((c) => c.label).join('; ')}`] : []), `If it fails or is cancelled: ${plan.onFailure}`]}
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

function ConfirmStep({ wizard, width, height, isColor }: FilesStepProps) {
  return (
    <Planning wizard={wizard}>
      {(plan) => {
        const step = wizard.step.kind === 'confirm' ? wizard.step : { typed: '', rejected: false };
        const spares = plan.thaw ? 'Nothing that exists is replaced; y requests the thaw and saves the restore.' : 'Nothing that exists is replaced or destroyed.';
        return <ConfirmRun title={plan.title} destroys={plan.destroys} confirmWord={plan.confirmWord} typed={step.typed} isRejected={step.rejected} summary={planHead(plan)} spares={spares} refused={wizard.run?.refused ?? null} width={width} height={height} isColor={isColor} />;
      }}
    </Planning>
  );
}

function WaitingStep({ wizard, width, height }: FilesStepProps) {
  const t = wizard.thaw;
  if (!t) return <Text>No thaw is waited for.</Text>;
  const head = `Restore ${t.id}: waiting for cold storage to thaw (saved: you may leave with q)`;
  if (t.status.state === 'loading') return <Text>{`${head}\nReading the thaw's state…`}</Text>;
  if (t.status.state === 'failed') return <Text wrap="wrap">{`${head}\nCannot read its state: ${t.status.reason} (r reads it again)`}</Text>;
  const lines = thawLines(t.status.value);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">{head}</Text>
      {lines.flatMap((l) => wrapText(l, width)).map((l, i) => (
        <Text key={i} wrap="truncate-end">{l}</Text>
      ))}
      <Text> </Text>
      <Text dimColor wrap="truncate-end">{`From the shell: strata restore --resume ${t.id}`}</Text>
    </Box>
  );
}

function CancelQuestion({ onFailure, width }: { readonly onFailure: string; readonly width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      <Text bold inverse wrap="truncate-end">{' Cancel the restore? y: stop it now · n/Esc: let it run '}</Text>
      {wrapText(`If cancelled: ${onFailure}`, width).map((l, i) => (
        <Text key={i} wrap="truncate-end">{l}</Text>
      ))}
    </Box>
  );
}

function RunStep({ wizard, width, height, isColor, nowMs }: FilesStepProps) {
  const run = wizard.run;
  const plan = wizard.plan?.state === 'ready' ? wizard.plan.value : null;
  if (!run) return <Text>Starting…</Text>;
  const onFailure = plan?.onFailure ?? 'what is left is said when it ends';
  const asking = run.askingCancel && !run.result;
  const r = run.result;
  const progress = plan ? filesProgress(run, plan, nowMs) : { percent: null, lines: [`Elapsed ${clock((nowMs - run.startedAtMs) / 1000)}`] };
  const title = plan?.title ?? wizard.label;
  const head = [
    `${filesRunState(run)} · ${title}`,
    ...(r ? wrapText(r.summary, width) : progress.lines),
    ...(r ? [`Took ${clock(r.durationMs / 1000)}${r.restoreSeconds !== null ? ` · the restore itself ${clock(r.restoreSeconds)}` : ''}`] : []),
  ];
  const items = plan ? fileCheckItems(plan, run) : run.checks.map((c) => ({ key: c.id, label: c.label, state: c.state, detail: c.detail }));
  const after = [...(r?.leftover ? wrapText(`▲ Left on the host: ${r.leftover}`, width, '  ') : []), ...run.cleanup.flatMap((c) => wrapText(`Clean-up: ${c}`, width, '  ')), ...(r ? ['The journal has the evidence (J shows it). Enter or Esc: close the wizard.'] : [])];
  const question = asking ? 1 + wrapText(`If cancelled: ${onFailure}`, width).length : 0;
  const checksRoom = items.length > 0 ? Math.min(items.length * 2 + 1, Math.max(2, Math.floor((height - head.length - question) / 2))) : 1;
  const logRoom = Math.max(1, height - question - head.length - (progress.percent !== null && !r ? 1 : 0) - checksRoom - after.length - 1);
  const last = run.log.slice(Math.max(0, run.log.length - logRoom), run.log.length).map((l) => ({ text: l.text, isError: l.stream === 'stderr' }));
  return (
    <Box flexDirection="column" width={width} height={height}>
      {asking ? <CancelQuestion onFailure={onFailure} width={width} /> : null}
      {head.map((l, i) => (
        <Text key={`h${i}`} bold={i === 0} wrap="truncate-end">{l}</Text>
      ))}
      {progress.percent !== null && !r ? <ProgressBar percent={progress.percent} width={width} label="restore" /> : null}
      {items.length > 0 ? <CheckList items={items} width={width} height={checksRoom} isColor={isColor} /> : <Text dimColor>No checks yet.</Text>}
      {after.map((l, i) => (
        <Text key={`a${i}`} wrap="truncate-end">{l}</Text>
      ))}
      <Text dimColor wrap="truncate-end">{`── newest output (${run.log.total} lines) ${'─'.repeat(Math.max(0, width))}`}</Text>
      <LogView lines={last} height={logRoom} isColor={isColor} />
    </Box>
  );
}

export function FilesStepView(props: FilesStepProps) {
  const step = props.wizard.step;
  switch (step.kind) {
    case 'thaws':
      return <ThawsStep {...props} />;
    case 'point':
      return <PointStep {...props} />;
    case 'browse':
      return <BrowseStep {...props} />;
    case 'target':
      return <TargetStep {...props} />;
    case 'thaw':
      return <ThawStep {...props} />;
    case 'preflight':
      return <PreflightStep {...props} />;
    case 'plan':
      return <PlanStep {...props} />;
    case 'confirm':
      return <ConfirmStep {...props} />;
    case 'waiting':
      return <WaitingStep {...props} />;
    case 'progress':
    case 'checks':
    case 'done':
      return <RunStep {...props} />;
    default:
      return assertNever(step);
  }
}
