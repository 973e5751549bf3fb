/**
 * One rebuild step on screen, through an exhaustive switch over its phase:
 * checking, its commands and question, the typed fingerprint, the run (with
 * the guests of a tier and the newest output), how it ended. The report
 * when every step is done.
 */
import { Box, Text } from 'ink';
import { useEffect } from 'react';
import { DocView, docRoom, docTop, type DocViewLine } from '../../components/DocView.js';
import { FingerprintConfirm } from '../../components/FingerprintConfirm.js';
import { LogView } from '../../components/LogView.js';
import { wrapText } from '../../components/PlanView.js';
import { assertNever, type RebuildStep, type RebuildWizard } from '../../src/store/index.js';
import { useStoreContext } from '../store-context.js';
import { questionText, reportLines, stepLines } from './rows.js';

/** j past the end leaves the scroll where the last screenful starts, so k moves at once. */
function useClampedScroll(total: number, scroll: number, height: number): number {
  const { store } = useStoreContext();
  const top = docTop(total, scroll, docRoom(total, height));
  useEffect(() => {
    if (scroll > top) store.getState().rebuildScroll(top - scroll);
  }, [store, scroll, top]);
  return top;
}

export interface RebuildViewProps {
  readonly wizard: RebuildWizard;
  readonly width: number;
  readonly height: number;
  readonly isColor: boolean;
  readonly nowMs: number;
}

/** The console command that prints a node's own host key fingerprint. */
const consoleCommand = (keyType: string) => `ssh-keygen -lf /etc/ssh/ssh_host_${keyType.toLowerCase().replace(/^ssh-/, '')}_key.pub`;

function NewestOutput({ wizard, height, isColor }: { readonly wizard: RebuildWizard; readonly height: number; readonly isColor: boolean }) {
  const log = wizard.log;
  const lines = log.slice(Math.max(0, log.length - height), log.length).map((l) => ({ text: l.text, isError: l.stream === 'stderr' }));
  return <LogView lines={lines} height={height} isColor={isColor} />;
}

function RawLog({ wizard, width, height, isColor }: Omit<RebuildViewProps, 'nowMs'>) {
  const log = wizard.log;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text dimColor wrap="truncate-end">{`Raw log of this session: ${log.total} lines · L: back to the step`}</Text>
      <NewestOutput wizard={wizard} height={Math.max(1, height - 1)} isColor={isColor} />
    </Box>
  );
}

function StepDoc({ wizard, step, lines, question, width, height, isColor }: Omit<RebuildViewProps, 'nowMs'> & { readonly step: RebuildStep; readonly lines: readonly DocViewLine[]; readonly question: string }) {
  const p = wizard.phase;
  const scroll = p.kind === 'review' || p.kind === 'outcome' || p.kind === 'running' ? p.scroll : 0;
  const asking = p.kind === 'running' && p.askingCancel;
  const showOutput = (p.kind === 'running' || p.kind === 'outcome') && wizard.log.length > 0;
  const outputRows = showOutput ? Math.min(5, Math.max(1, Math.floor(height / 4))) : 0;
  const docHeight = Math.max(1, height - 2 - (outputRows > 0 ? outputRows + 1 : 0) - (asking ? 2 : 0));
  const top = useClampedScroll(lines.length, scroll, docHeight);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {asking ? (
        <>
          <Text bold inverse wrap="truncate-end">{` Cancel "${step.title}"? y: stop it now · n/Esc: let it run `}</Text>
          <Text wrap="truncate-end">The rebuild stays saved: reopening checks this step again and goes on.</Text>
        </>
      ) : null}
      <DocView lines={lines} scroll={top} width={width} height={docHeight} isColor={isColor} />
      {outputRows > 0 ? (
        <>
          <Text dimColor wrap="truncate-end">{`── newest output (L: the raw log, ${wizard.log.total} lines) ${'─'.repeat(width)}`}</Text>
          <NewestOutput wizard={wizard} height={outputRows} isColor={isColor} />
        </>
      ) : null}
      <Text> </Text>
      <Text bold wrap="truncate-end">{question}</Text>
    </Box>
  );
}

function ReportDoc({ wizard, lines, width, height, isColor }: Omit<RebuildViewProps, 'nowMs'> & { readonly lines: readonly DocViewLine[] }) {
  const scroll = wizard.phase.kind === 'outcome' ? wizard.phase.scroll : 0;
  const top = useClampedScroll(lines.length, scroll, Math.max(1, height - 2));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <DocView lines={lines} scroll={top} width={width} height={Math.max(1, height - 2)} isColor={isColor} />
      <Text> </Text>
      <Text bold wrap="truncate-end">The rebuild is finished; the journal has the report (J). Enter or Esc: close.</Text>
    </Box>
  );
}

export function RebuildStepView({ wizard, width, height, isColor, nowMs }: RebuildViewProps) {
  if (wizard.showLog) return <RawLog wizard={wizard} width={width} height={height} isColor={isColor} />;
  if (wizard.stepId === null) {
    const r = wizard.report;
    if (!r || r.state === 'loading') return <Text>Every step is done. Reading the report…</Text>;
    if (r.state === 'failed') return <Text>{`Every step is done; the report could not be read: ${r.reason}`}</Text>;
    const lines = r.value ? reportLines(r.value, width) : [{ text: 'No report saved.', tone: 'dim' as const }];
    return <ReportDoc wizard={wizard} lines={lines} width={width} height={height} isColor={isColor} />;
  }
  const step = wizard.state?.steps.find((s) => s.id === wizard.stepId);
  if (!step) return <Text>{`No step ${wizard.stepId} in the saved rebuild.`}</Text>;
  const p = wizard.phase;
  switch (p.kind) {
    case 'trust': {
      const k = wizard.hostKey;
      if (k?.state !== 'ready') return <Text>The host key is not read.</Text>;
      const target = wizard.state?.target;
      return (
        <Box flexDirection="column" width={width} height={height}>
          {wizard.refused ? wrapText(`▲ ${wizard.refused}`, width).map((l, i) => <Text key={i} bold>{l}</Text>) : null}
          <FingerprintConfirm
            host={wizard.state?.lost.host ?? 'the new node'}
            address={target ? `${target.address}:${target.port}` : '?'}
            fingerprint={k.value.fingerprint}
            keyType={k.value.keyType}
            consoleCommand={consoleCommand(k.value.keyType)}
            typed={p.typed}
            isRejected={p.rejected}
            width={width}
            height={Math.max(4, height - (wizard.refused ? wrapText(`▲ ${wizard.refused}`, width).length : 0))}
            isColor={isColor}
          />
        </Box>
      );
    }
    case 'checking':
    case 'review':
    case 'running':
    case 'outcome':
      return <StepDoc wizard={wizard} step={step} lines={stepLines(wizard, step, width, Math.floor(nowMs / 1000))} question={questionText(wizard, step)} width={width} height={height} isColor={isColor} />;
    default:
      return assertNever(p);
  }
}
