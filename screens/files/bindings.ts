/**
 * The file-restore wizard's keys, as data: the browser's own (Space, ←, /)
 * on the browse step, then what Enter, c, Esc, y, n, r and q do on each
 * step, and why they do nothing when they do not. The help, the footer and
 * docs/keybindings.md read the same table.
 */
import { filesTargetFields, filesTargetProblem, isFilesRunning, selectedFileSource, type FilesWizard } from '../../src/store/index.js';
import { BROWSER_BINDINGS, BROWSER_HANDLERS, browserEscape } from '../browse/bindings.js';
import type { Binding, CommandId, Handler, KeyContext } from '../keys/binding.js';

const wizardOf = (ctx: KeyContext): FilesWizard | null => ctx.state.files;
const isBrowsing = (ctx: KeyContext) => wizardOf(ctx)?.step.kind === 'browse';
const askingCancel = (w: FilesWizard | null) => Boolean(w?.run?.askingCancel && !w.run.result);
const untypedQuestion = (w: FilesWizard | null) => w?.step.kind === 'confirm' && w.plan?.state === 'ready' && w.plan.value.confirmWord === null;

function nextReason(ctx: KeyContext): string | null {
  const w = wizardOf(ctx);
  if (!w) return 'no file restore is open';
  switch (w.step.kind) {
    case 'thaws':
      if (!w.thaws || w.thaws.state === 'loading') return 'still reading the saved restores';
      if (w.thaws.state === 'failed') return w.thaws.reason;
      return w.thaws.value.length > 0 ? null : 'no restore is waiting for a thaw';
    case 'point': {
      if (!w.sources || w.sources.state === 'loading') return 'still reading the sources';
      if (w.sources.state === 'failed') return w.sources.reason;
      const s = w.sources.value.sources[w.step.cursor];
      if (!s) return 'no source to choose';
      return s.plannable ? null : `${s.layerId}: ${s.whyNot ?? 'Strata does not plan a restore from it yet'}`;
    }
    case 'browse':
      return null;
    case 'target':
      return filesTargetProblem(w.target);
    case 'thaw': {
      const tier = selectedFileSource(w)?.cold?.tiers[w.step.cursor];
      if (!tier) return 'no thaw tier to choose';
      return tier.available ? null : `${tier.priority} is not offered for this storage class`;
    }
    case 'preflight':
      if (!w.plan || w.plan.state === 'loading') return 'still planning';
      if (w.plan.state === 'failed') return `cannot plan: ${w.plan.reason}`;
      return w.plan.value.ready ? null : 'a preflight check failed: nothing can run (Esc: back to change the target)';
    case 'plan':
      return null;
    case 'confirm':
      if (w.plan?.state !== 'ready') return 'no plan';
      return w.plan.value.confirmWord === null ? 'y runs it (Enter is not yes)' : null;
    case 'waiting': {
      const t = w.thaw?.status;
      if (!t || t.state === 'loading') return 'still reading the thaw';
      if (t.state === 'failed') return `cannot read the thaw: ${t.reason} (r reads it again)`;
      return t.value.ready ? null : 'not every object is thawed yet: r reads the state again, q leaves (the restore stays saved)';
    }
    case 'progress':
    case 'checks':
      return 'the restore is running (Esc asks whether to cancel it)';
    case 'done':
      return null;
  }
}

const changeReason = (ctx: KeyContext): string | null => (wizardOf(ctx)?.step.kind === 'target' ? null : 'only the target step has fields to change');

const isTarget = (ctx: KeyContext) => wizardOf(ctx)?.step.kind === 'target';

/**
 * The browser's keys on the files step; Space and ← also change the target's
 * fields on the target step (one key, one command per screen).
 */
const browseKeys: readonly Binding[] = BROWSER_BINDINGS.map((b): Binding => {
  const onTarget = b.command === 'browse.select' ? 'the next value of the target field' : b.command === 'browse.up' ? 'the previous value of the target field' : null;
  return {
    ...b,
    ...(onTarget ? { description: `Files step: ${b.description.charAt(0).toLowerCase()}${b.description.slice(1)}. Target step: ${onTarget}` } : {}),
    disabledReason: (ctx: KeyContext) => {
      if (isBrowsing(ctx)) return b.disabledReason?.(ctx) ?? null;
      if (onTarget && isTarget(ctx)) return null;
      return 'only while choosing files';
    },
    hintWhile: (ctx: KeyContext) => isBrowsing(ctx) || Boolean(onTarget && isTarget(ctx)),
  };
});

export const FILES_BINDINGS: readonly Binding[] = [
  ...browseKeys,
  {
    keys: ['c'],
    command: 'files.continue',
    description: 'Go on with the files chosen (nothing chosen: all the source holds of the path asked for) to the target',
    group: 'Navigation',
    hint: 'go on',
    disabledReason: (ctx) => (isBrowsing(ctx) ? null : 'only while choosing files'),
  },
  {
    keys: ['enter'],
    command: 'files.next',
    description: 'Choose and go on to the next step (in the browser: into the directory); when a thaw is done: copy and check',
    group: 'Navigation',
    hint: 'next',
    disabledReason: nextReason,
  },
  { keys: ['esc'], command: 'files.back', description: 'Back one step (nothing runs; in the browser a filter is cleared first); once the run started, ask whether to cancel it', group: 'Navigation', hint: 'back' },
  { keys: ['right'], command: 'files.change', description: 'Change the selected field of the target (where to, overwrite policy)', group: 'Actions', disabledReason: changeReason },
  {
    keys: ['y'],
    command: 'files.yes',
    description: 'Yes: run a plan that replaces nothing; or yes, cancel the running restore',
    group: 'Actions',
    dangerous: true,
    disabledReason: (ctx) => {
      const w = wizardOf(ctx);
      if (askingCancel(w) || untypedQuestion(w)) return null;
      if (w?.step.kind === 'confirm') return 'this plan replaces or destroys something: type the shown word';
      return 'nothing to answer yes to';
    },
  },
  {
    keys: ['n'],
    command: 'files.no',
    description: 'No: back to the plan without running it; or let the running restore go on',
    group: 'Actions',
    disabledReason: (ctx) => (askingCancel(wizardOf(ctx)) || untypedQuestion(wizardOf(ctx)) ? null : 'nothing to answer no to'),
  },
  {
    keys: ['r'],
    command: 'files.read',
    description: 'While a thaw is waited for: read its state now (thawed, thawing, not requested)',
    group: 'General',
    disabledReason: (ctx) => (wizardOf(ctx)?.step.kind === 'waiting' ? null : 'no thaw on screen'),
  },
  {
    keys: ['q', 'ctrl+c'],
    command: 'files.quit',
    description: 'While waiting for a thaw: leave (the restore stays saved; W brings it back); while a restore runs: ask whether to cancel it first',
    group: 'General',
    disabledReason: (ctx) => {
      const w = wizardOf(ctx);
      if (w?.step.kind === 'waiting') return null;
      return w && isFilesRunning(w) ? null : 'no restore is running';
    },
  },
];

function leave(ctx: KeyContext): void {
  if (ctx.state.routes.length > 1) ctx.state.back();
  else ctx.state.goHome();
}

function back(ctx: KeyContext): void {
  if (isBrowsing(ctx) && browserEscape(ctx)) return;
  if (ctx.state.filesBack() === 'left') leave(ctx);
}

/** j/k: the browser on the browse step; else the step's list or form. */
function move(delta: (ctx: KeyContext) => number, browse: Handler | undefined): Handler {
  return (ctx) => {
    if (isBrowsing(ctx)) browse?.(ctx);
    else ctx.state.filesMove(delta(ctx));
  };
}

const page = (ctx: KeyContext) => Math.max(1, ctx.pageSize - 4);

export const FILES_HANDLERS: Partial<Record<CommandId, Handler>> = {
  ...BROWSER_HANDLERS,
  'files.next': (ctx) => {
    if (isBrowsing(ctx)) BROWSER_HANDLERS['nav.open']?.(ctx);
    else ctx.state.filesNext();
  },
  'files.continue': (ctx) => {
    if (ctx.state.browser?.isFiltering) ctx.state.browserEndFilter(true);
    ctx.state.filesNext();
  },
  'files.back': back,
  'files.change': (ctx) => ctx.state.filesChange(1),
  'browse.select': (ctx) => (isTarget(ctx) ? ctx.state.filesChange(1) : ctx.state.browserToggle()),
  'browse.up': (ctx) => (isTarget(ctx) ? ctx.state.filesChange(-1) : ctx.state.browserUp()),
  'files.yes': (ctx) => {
    if (askingCancel(wizardOf(ctx))) ctx.state.filesAnswerCancel(true);
    else ctx.state.filesYes();
  },
  'files.no': (ctx) => {
    if (askingCancel(wizardOf(ctx))) ctx.state.filesAnswerCancel(false);
    else back(ctx);
  },
  'files.read': (ctx) => ctx.state.filesReadThaw(),
  'files.quit': (ctx) => {
    if (wizardOf(ctx)?.step.kind === 'waiting') {
      ctx.state.closeFiles();
      leave(ctx);
    } else ctx.state.filesAskCancel();
  },
  'nav.down': move(() => 1, BROWSER_HANDLERS['nav.down']),
  'nav.up': move(() => -1, BROWSER_HANDLERS['nav.up']),
  'nav.pageDown': move(page, BROWSER_HANDLERS['nav.pageDown']),
  'nav.pageUp': move((ctx) => -page(ctx), BROWSER_HANDLERS['nav.pageUp']),
  'nav.top': move(() => -1_000_000, BROWSER_HANDLERS['nav.top']),
  'nav.bottom': move(() => 1_000_000, BROWSER_HANDLERS['nav.bottom']),
  'nav.back': back,
};

/** The open text field: the browser's filter, the alternate directory, the typed confirmation. */
export function filesTextField(ctx: KeyContext) {
  const b = ctx.state.browser;
  if (isBrowsing(ctx) && b?.isFiltering) return { value: b.filters[b.dir] ?? '', set: (v: string) => ctx.state.browserSetFilter(v) };
  const value = ctx.state.filesText();
  return value === null ? null : { value, set: (v: string) => ctx.state.filesSetText(v) };
}

/** The target field under the cursor takes text (the directory). */
export const isTypingTarget = (w: FilesWizard) => w.step.kind === 'target' && filesTargetFields(w.target)[w.step.field] === 'dir';
