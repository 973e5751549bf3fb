/**
 * What each command does by default. A screen may handle a command its own
 * way (screen-spec `handlers`); everything else lands here. Handlers change
 * the store; they never run anything on a host themselves (x and v only ask
 * the jobs slice for a plan, which waits for y; R opens the wizard, which
 * asks again before its run).
 */
import { routeKey } from '../../src/store/index.js';
import type { CommandId, Handler } from './binding.js';
import { actionTarget, moveCell, moveCursor, restoreOpening, selectedRow } from './list-commands.js';

export const DEFAULT_HANDLERS: Record<CommandId, Handler> = {
  'nav.down': (ctx) => moveCursor(ctx, (i) => i + 1),
  'nav.up': (ctx) => moveCursor(ctx, (i) => i - 1),
  'nav.pageDown': (ctx) => moveCursor(ctx, (i) => i + Math.max(1, ctx.pageSize - 2)),
  'nav.pageUp': (ctx) => moveCursor(ctx, (i) => i - Math.max(1, ctx.pageSize - 2)),
  'nav.top': (ctx) => moveCursor(ctx, () => 0),
  'nav.bottom': (ctx) => moveCursor(ctx, (_, len) => len - 1),
  'nav.open': (ctx) => {
    const row = selectedRow(ctx);
    if (row?.open) ctx.state.navigate(row.open);
  },
  'nav.back': (ctx) => {
    const key = routeKey(ctx.route);
    if (ctx.state.filters[key]) ctx.state.setFilter(key, '');
    else if (ctx.state.routes.length > 1) ctx.state.back();
  },
  'nav.left': (ctx) => moveCell(ctx, -1),
  'nav.right': (ctx) => moveCell(ctx, 1),
  'pane.next': (ctx) => {
    if (ctx.panes.length > 1) ctx.state.setPane(routeKey(ctx.route), (ctx.pane + 1) % ctx.panes.length);
  },
  'pane.prev': (ctx) => {
    if (ctx.panes.length > 1) ctx.state.setPane(routeKey(ctx.route), (ctx.pane + ctx.panes.length - 1) % ctx.panes.length);
  },
  'view.dashboard': (ctx) => ctx.state.goHome(),
  'view.journal': (ctx) => ctx.state.navigate({ kind: 'journal' }),
  'view.dr': (ctx) => ctx.state.navigate({ kind: 'dr' }),
  'view.job': (ctx) => {
    const id = ctx.state.jobOrder[ctx.state.jobOrder.length - 1];
    if (id) ctx.state.navigate({ kind: 'job', jobId: id });
  },
  'app.help': (ctx) => ctx.state.openOverlay({ kind: 'help', scroll: 0 }),
  'app.palette': (ctx) => ctx.state.openOverlay({ kind: 'palette', query: '', selected: 0 }),
  'app.filter': (ctx) => ctx.state.openOverlay({ kind: 'filter' }),
  'app.refresh': (ctx) => {
    ctx.state.say('refreshing what is on screen…');
    void ctx.state.refreshVisible();
  },
  'app.quit': (ctx) => ctx.exit(),
  'action.run': (ctx) => {
    const t = actionTarget(ctx);
    if (t) void ctx.state.requestAction({ kind: 'run', ...t });
  },
  'action.verify': (ctx) => {
    const t = actionTarget(ctx);
    if (t) void ctx.state.requestAction({ kind: 'verify', ...t });
  },
  'action.restore': (ctx) => {
    const opening = restoreOpening(ctx);
    // Files, datasets and host backups go to the file wizard; guests to the guest wizard.
    if (opening.assetId && ctx.state.isFileWorkload(opening.assetId)) {
      ctx.state.openFiles(opening);
      ctx.state.navigate({ kind: 'files' });
      return;
    }
    ctx.state.openRestore(opening);
    ctx.state.navigate({ kind: 'restore' });
  },
  'action.drill': (ctx) => {
    const { assetId } = restoreOpening(ctx);
    ctx.state.openRestore({ ...(assetId ? { assetId } : {}), drill: true });
    ctx.state.navigate({ kind: 'restore' });
  },
  // Only the Job screen and the restore wizard have these; elsewhere they do nothing.
  'job.cancel': () => undefined,
  'job.follow': () => undefined,
  'restore.next': () => undefined,
  'restore.back': () => undefined,
  'restore.change': () => undefined,
  'restore.changeBack': () => undefined,
  'restore.yes': () => undefined,
  'restore.no': () => undefined,
  'restore.cancel': () => undefined,
  'restore.log': () => undefined,
  'browse.select': () => undefined,
  'browse.up': () => undefined,
  'browse.filter': () => undefined,
  'files.next': () => undefined,
  'files.continue': () => undefined,
  'files.back': () => undefined,
  'files.change': () => undefined,
  'files.yes': () => undefined,
  'files.no': () => undefined,
  'files.read': () => undefined,
  'files.quit': () => undefined,
  'action.restoreFiles': (ctx) => {
    const { assetId } = restoreOpening(ctx);
    if (!assetId) return;
    ctx.state.openFiles({ assetId, guestFiles: true });
    ctx.state.navigate({ kind: 'files' });
  },
  'view.waiting': (ctx) => {
    ctx.state.openFiles({ waiting: true });
    ctx.state.navigate({ kind: 'files' });
  },
  'dr.rebuild': (ctx) => {
    ctx.state.openRebuild();
    ctx.state.navigate({ kind: 'rebuild' });
  },
  'rebuild.next': () => undefined,
  'rebuild.back': () => undefined,
  'rebuild.yes': () => undefined,
  'rebuild.no': () => undefined,
  'rebuild.log': () => undefined,
  'rebuild.route': () => undefined,
  'rebuild.cancel': () => undefined,
};
