/**
 * The DR screen's keys as data: j/k and the page keys scroll the plan, r
 * reads it again. The help, the footer and docs/keybindings.md read the
 * same table.
 */
import type { Binding, CommandId, Handler, KeyContext } from '../keys/binding.js';

export const DR_BINDINGS: readonly Binding[] = [
  {
    keys: ['enter'],
    command: 'dr.rebuild',
    description: 'The rebuild wizard: resumes the saved rebuild, or starts one from this plan (each step asks before it writes)',
    group: 'Actions',
    hint: 'rebuild',
    dangerous: true,
    disabledReason: (ctx) => (ctx.state.rebuildAvailable ? null : 'this session has no DR engine to rebuild with'),
  },
];

const scrollBy =
  (delta: (ctx: KeyContext) => number): Handler =>
  (ctx) =>
    ctx.state.scrollDrPlan(ctx.state.drScroll + delta(ctx));

const page = (ctx: KeyContext) => Math.max(1, ctx.pageSize - 3);

export const DR_HANDLERS: Partial<Record<CommandId, Handler>> = {
  'nav.down': scrollBy(() => 1),
  'nav.up': scrollBy(() => -1),
  'nav.pageDown': scrollBy(page),
  'nav.pageUp': scrollBy((ctx) => -page(ctx)),
  'nav.top': (ctx) => ctx.state.scrollDrPlan(0),
  'nav.bottom': (ctx) => ctx.state.scrollDrPlan(1_000_000),
  'app.refresh': (ctx) => {
    ctx.state.say('reading the plan again (nothing is changed)…');
    void ctx.state.loadDrPlan();
  },
};
