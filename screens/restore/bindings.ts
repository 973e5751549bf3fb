/**
 * The wizard's keys (its input hook, as data): what Enter, Esc, y, n, Space
 * and L do on each step, why they do nothing when they do not, and the list
 * keys turned into the step's own moves. The help, the footer and
 * docs/keybindings.md read the same table.
 */
import { isRunning, restorableAssets, targetProblem, type AppState, type Wizard } from '../../src/store/index.js';
import type { Binding, CommandId, Handler, KeyContext } from '../keys/binding.js';
import { logWindowTop } from './RunSteps.js';

const wizardOf = (ctx: KeyContext): Wizard | null => ctx.state.wizard;

function nextReason(ctx: KeyContext): string | null {
  const w = wizardOf(ctx);
  if (!w) return 'no wizard open';
  switch (w.step.kind) {
    case 'workload':
      return restorableAssets(ctx.state.report).length > 0 ? null : 'no PVE guest in the report yet';
    case 'point': {
      if (!w.sources || w.sources.state === 'loading') return 'still reading the sources';
      if (w.sources.state === 'failed') return w.sources.reason;
      const s = w.sources.value.sources[w.step.cursor];
      if (!s) return 'no source to choose';
      return s.plannable ? null : `${s.layerId}: ${s.whyNot ?? 'Strata does not plan a restore from it yet'}`;
    }
    case 'target':
      return targetProblem(w.target);
    case 'preflight':
      if (!w.plan || w.plan.state === 'loading') return 'still planning';
      if (w.plan.state === 'failed') return `cannot plan: ${w.plan.reason}`;
      return w.plan.value.ready ? null : 'a preflight check failed: nothing can run (Esc: back to change the target)';
    case 'plan':
      return null;
    case 'confirm':
      if (w.plan?.state !== 'ready') return 'no plan';
      return w.plan.value.confirmWord === null ? 'y runs it (Enter is not yes)' : null;
    case 'progress':
    case 'checks':
      return 'the restore is running (Esc asks whether to cancel it)';
    case 'done':
      return null;
  }
}

/** On a text field the arrows do nothing rather than fall through to back and next. */
const changeReason = (ctx: KeyContext): string | null => (wizardOf(ctx)?.step.kind === 'target' ? null : 'only the target step has fields to change');

const untypedQuestion = (w: Wizard | null) => w?.step.kind === 'confirm' && w.plan?.state === 'ready' && w.plan.value.confirmWord === null;
const askingCancel = (w: Wizard | null) => Boolean(w?.run?.askingCancel && !w.run.result);

export const RESTORE_BINDINGS: readonly Binding[] = [
  { keys: ['enter'], command: 'restore.next', description: 'Choose and go on to the next step (each step is shown before the next; nothing runs before the confirmation)', group: 'Navigation', hint: 'next', disabledReason: nextReason },
  { keys: ['esc'], command: 'restore.back', description: 'Back one step (nothing runs); once the run started, ask whether to cancel it; after it ended, close', group: 'Navigation', hint: 'back' },
  {
    keys: ['space', 'right'],
    command: 'restore.change',
    description: 'Change the selected field of the target (where to, --unique, start after)',
    group: 'Actions',
    disabledReason: changeReason,
  },
  { keys: ['left'], command: 'restore.changeBack', description: 'The previous value of the selected target field', group: 'Actions', disabledReason: changeReason },
  {
    keys: ['y'],
    command: 'restore.yes',
    description: 'Yes: run a plan that destroys nothing; or yes, cancel the running restore',
    group: 'Actions',
    dangerous: true,
    disabledReason: (ctx) => {
      const w = wizardOf(ctx);
      if (askingCancel(w) || untypedQuestion(w)) return null;
      if (w?.step.kind === 'confirm') return 'this plan destroys something: type the shown word';
      return 'nothing to answer yes to';
    },
  },
  {
    keys: ['n'],
    command: 'restore.no',
    description: 'No: back to the plan without running it; or let the running restore go on',
    group: 'Actions',
    disabledReason: (ctx) => (askingCancel(wizardOf(ctx)) || untypedQuestion(wizardOf(ctx)) ? null : 'nothing to answer no to'),
  },
  {
    keys: ['L'],
    command: 'restore.log',
    description: 'The raw log of the run, whole and scrollable (again: back to the progress)',
    group: 'Views',
    hint: 'log',
    disabledReason: (ctx) => (wizardOf(ctx)?.run && !wizardOf(ctx)?.run?.refused ? null : 'nothing has run yet'),
  },
  {
    keys: ['q', 'ctrl+c'],
    command: 'restore.cancel',
    description: 'While the restore runs: ask whether to cancel it first (the panel stays); otherwise quit',
    group: 'General',
    disabledReason: (ctx) => {
      const w = wizardOf(ctx);
      return w && isRunning(w) ? null : 'no restore is running';
    },
  },
];

function back(ctx: KeyContext): void {
  const result = ctx.state.wizardBack();
  if (result !== 'left') return;
  if (ctx.state.routes.length > 1) ctx.state.back();
  else ctx.state.goHome();
}

/** j/k: the step's list or form; the raw log when it is shown. */
function move(by: (state: AppState, ctx: KeyContext) => number): Handler {
  return (ctx) => {
    const w = wizardOf(ctx);
    if (!w) return;
    if (w.showLog && w.run) {
      const height = Math.max(1, ctx.pageSize - 3);
      const top = logWindowTop(w.run, w.logTop, height);
      const next = top + by(ctx.state, ctx);
      ctx.state.setRestoreLogTop(next >= Math.max(0, w.run.log.length - height) ? -1 : Math.max(0, next));
      return;
    }
    ctx.state.wizardMove(by(ctx.state, ctx));
  };
}

const page = (ctx: KeyContext) => Math.max(1, ctx.pageSize - 4);

export const RESTORE_HANDLERS: Partial<Record<CommandId, Handler>> = {
  'restore.next': (ctx) => ctx.state.wizardNext(),
  'restore.back': back,
  'restore.change': (ctx) => ctx.state.wizardChange(1),
  'restore.changeBack': (ctx) => ctx.state.wizardChange(-1),
  'restore.yes': (ctx) => {
    const w = wizardOf(ctx);
    if (askingCancel(w)) ctx.state.answerCancel(true);
    else ctx.state.wizardConfirmYes();
  },
  'restore.no': (ctx) => {
    const w = wizardOf(ctx);
    if (askingCancel(w)) ctx.state.answerCancel(false);
    else back(ctx);
  },
  'restore.log': (ctx) => ctx.state.toggleRestoreLog(),
  'restore.cancel': (ctx) => ctx.state.askCancel(),
  'nav.down': move(() => 1),
  'nav.up': move(() => -1),
  'nav.pageDown': move((_, ctx) => page(ctx)),
  'nav.pageUp': move((_, ctx) => -page(ctx)),
  'nav.top': move(() => -1_000_000),
  'nav.bottom': move(() => 1_000_000),
  // h, l and the arrows are back and next here, as everywhere; a disabled Enter says why.
  'nav.open': (ctx) => {
    const reason = nextReason(ctx);
    if (reason) ctx.state.say(reason, 'warn');
    else ctx.state.wizardNext();
  },
  'nav.back': back,
};

