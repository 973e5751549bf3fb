/**
 * The rebuild wizard's keys (its input hook, as data): what Enter, Esc, y,
 * n, q and L do in each phase, and why they do nothing when they do not.
 * j/k scroll the step. The help, the footer and docs/keybindings.md read
 * the same table.
 */
import { isDone, stepKindOf, stepOf, type RebuildWizard } from '../../src/store/index.js';
import type { Binding, CommandId, Handler, KeyContext } from '../keys/binding.js';

const wizardOf = (ctx: KeyContext): RebuildWizard | null => ctx.state.rebuild;

function nextReason(ctx: KeyContext): string | null {
  const w = wizardOf(ctx);
  if (!w) return 'no rebuild open';
  if (w.opening.state !== 'ready') return w.opening.state === 'loading' ? 'still opening the rebuild' : w.opening.reason;
  if (w.stepId === null) return w.report?.state === 'loading' ? 'still reading the report' : null;
  const step = stepOf(w);
  if (!step) return 'no such step';
  switch (w.phase.kind) {
    case 'checking':
      return 'still checking whether the step is done';
    case 'running':
      return 'the step is running (Esc asks whether to cancel it)';
    case 'review':
      if (stepKindOf(step.id) === 'node' && step.writes) return w.hostKey?.state === 'ready' ? null : 'the host key is not read yet';
      return step.writes ? 'this step writes: y runs it (Enter is not yes)' : null;
    case 'trust':
    case 'outcome':
      return null;
  }
}

const asking = (w: RebuildWizard | null) => w?.phase.kind === 'running' && w.phase.askingCancel;
const askedToRun = (w: RebuildWizard | null) => {
  const step = w ? stepOf(w) : undefined;
  return w?.phase.kind === 'review' && step !== undefined && step.writes && stepKindOf(step.id) !== 'node' && !isDone(step);
};

export const REBUILD_BINDINGS: readonly Binding[] = [
  { keys: ['enter'], command: 'rebuild.next', description: 'Go on: run a read-only step, trust the typed fingerprint, the next step after one is done, check a failed one again', group: 'Navigation', hint: 'next', disabledReason: nextReason },
  { keys: ['esc'], command: 'rebuild.back', description: 'Back (nothing runs): from the fingerprint to the step, else leave the wizard (the rebuild stays saved); while a step runs, ask whether to cancel it', group: 'Navigation', hint: 'back' },
  {
    keys: ['y'],
    command: 'rebuild.yes',
    description: 'Yes: run the step shown (it writes to the new node); or yes, cancel the running step',
    group: 'Actions',
    dangerous: true,
    disabledReason: (ctx) => (asking(wizardOf(ctx)) || askedToRun(wizardOf(ctx)) ? null : 'nothing to answer yes to'),
  },
  {
    keys: ['n'],
    command: 'rebuild.no',
    description: 'No: do not run the step (leave; the rebuild stays saved); or let the running step go on',
    group: 'Actions',
    disabledReason: (ctx) => (asking(wizardOf(ctx)) || askedToRun(wizardOf(ctx)) ? null : 'nothing to answer no to'),
  },
  {
    keys: ['m'],
    command: 'rebuild.route',
    description: 'Host configuration step, before it runs: the other route (the config.db swap, or selected files of the archived /etc/pve copied one by one)',
    group: 'Actions',
    hint: 'route',
    disabledReason: (ctx) => {
      const w = wizardOf(ctx);
      const step = w ? stepOf(w) : undefined;
      return step?.id === 'host-config' && w?.phase.kind === 'review' && !isDone(step) ? null : 'only on the host configuration step, before it runs';
    },
  },
  {
    keys: ['L'],
    command: 'rebuild.log',
    description: 'The raw output of the steps run in this session (again: back to the step)',
    group: 'Views',
    hint: 'log',
    disabledReason: (ctx) => ((wizardOf(ctx)?.log.total ?? 0) > 0 ? null : 'nothing has run in this session yet'),
  },
  {
    keys: ['q', 'ctrl+c'],
    command: 'rebuild.cancel',
    description: 'While a step runs: ask whether to cancel it first (the panel stays); otherwise quit',
    group: 'General',
    disabledReason: (ctx) => (wizardOf(ctx)?.phase.kind === 'running' ? null : 'no step is running'),
  },
];

function leaveScreen(ctx: KeyContext): void {
  if (ctx.state.routes.length > 1) ctx.state.back();
  else ctx.state.goHome();
}

function back(ctx: KeyContext): void {
  if (ctx.state.rebuildBack() === 'left') leaveScreen(ctx);
}

function next(ctx: KeyContext): void {
  if (ctx.state.rebuildNext() === 'left') leaveScreen(ctx);
}

const scroll =
  (delta: (ctx: KeyContext) => number): Handler =>
  (ctx) =>
    ctx.state.rebuildScroll(delta(ctx));
const page = (ctx: KeyContext) => Math.max(1, ctx.pageSize - 4);

export const REBUILD_HANDLERS: Partial<Record<CommandId, Handler>> = {
  'rebuild.next': next,
  'rebuild.back': back,
  'rebuild.yes': (ctx) => ctx.state.rebuildYes(),
  'rebuild.no': (ctx) => {
    if (asking(wizardOf(ctx))) ctx.state.rebuildNo();
    else back(ctx);
  },
  'rebuild.log': (ctx) => ctx.state.toggleRebuildLog(),
  'rebuild.route': (ctx) => ctx.state.rebuildSwitchRoute(),
  'rebuild.cancel': (ctx) => {
    const w = wizardOf(ctx);
    if (w?.phase.kind === 'running') ctx.state.rebuildBack();
  },
  'nav.down': scroll(() => 1),
  'nav.up': scroll(() => -1),
  'nav.pageDown': scroll(page),
  'nav.pageUp': scroll((ctx) => -page(ctx)),
  'nav.top': scroll(() => -1_000_000),
  'nav.bottom': scroll(() => 1_000_000),
  // h, l and the arrows are back and next here, as in the restore wizard; a disabled Enter says why.
  'nav.open': (ctx) => {
    const reason = nextReason(ctx);
    if (reason) ctx.state.say(reason, 'warn');
    else next(ctx);
  },
  'nav.back': back,
};
