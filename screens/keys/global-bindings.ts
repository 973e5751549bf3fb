/**
 * The bindings every screen has, and the shared x/v/R bindings of the screens
 * that show layers. A screen's own bindings come first in the dispatcher, so
 * it can take a key for itself (the Job screen's Esc cancels a running job).
 */
import { actionChangesHostOnEveryKind } from '../../src/store/index.js';
import type { Binding } from './binding.js';
import { actionTarget, gridReason, restoreOpening } from './list-commands.js';
import type { KeyContext } from './binding.js';

export const NAVIGATION_BINDINGS: readonly Binding[] = [
  { keys: ['j', 'down'], command: 'nav.down', description: 'Move down', group: 'Navigation', hint: 'move' },
  { keys: ['k', 'up'], command: 'nav.up', description: 'Move up', group: 'Navigation' },
  { keys: ['pgdn', 'ctrl+d'], command: 'nav.pageDown', description: 'Page down', group: 'Navigation' },
  { keys: ['pgup', 'ctrl+u'], command: 'nav.pageUp', description: 'Page up', group: 'Navigation' },
  { keys: ['g', 'home'], command: 'nav.top', description: 'First row', group: 'Navigation' },
  { keys: ['G', 'end'], command: 'nav.bottom', description: 'Last row', group: 'Navigation' },
  { keys: ['enter', 'l', 'right'], command: 'nav.open', description: 'Open the selected row', group: 'Navigation', hint: 'open' },
  { keys: ['esc', 'h', 'left'], command: 'nav.back', description: 'Back (first clears the filter)', group: 'Navigation', hint: 'back' },
  { keys: ['tab'], command: 'pane.next', description: 'Next pane', group: 'Navigation', hint: 'pane' },
  { keys: ['shift+tab'], command: 'pane.prev', description: 'Previous pane', group: 'Navigation' },
];

/**
 * h/l and the side arrows on a screen with a matrix (the dashboard's hosts ×
 * layers): a screen binding, so it comes before the global back and open,
 * which the same keys still reach in the screen's other panes.
 */
export const GRID_BINDINGS: readonly Binding[] = [
  { keys: ['h', 'left'], command: 'nav.left', description: 'One cell left in the matrix (elsewhere: back)', group: 'Navigation', disabledReason: gridReason },
  { keys: ['l', 'right'], command: 'nav.right', description: 'One cell right in the matrix (elsewhere: open)', group: 'Navigation', disabledReason: gridReason },
];

export const VIEW_BINDINGS: readonly Binding[] = [
  { keys: ['D'], command: 'view.dashboard', description: 'Dashboard', group: 'Views' },
  {
    keys: ['J'],
    command: 'view.journal',
    description: 'Journal: what Strata ran, when, with what result',
    group: 'Views',
    hint: 'journal',
    disabledReason: (ctx) => (ctx.state.journal.available ? null : 'this session has no journal'),
  },
  {
    keys: ['X'],
    command: 'view.dr',
    description: 'Disaster recovery: the plan for rebuilding a lost node (what survives, each guest\'s way back, what is missing), then the rebuild wizard',
    group: 'Views',
    disabledReason: (ctx) => (ctx.state.drAvailable ? null : 'this session has no DR engine'),
  },
  {
    keys: ['o'],
    command: 'view.job',
    description: 'Output of the latest job',
    group: 'Views',
    disabledReason: (ctx) => (ctx.state.jobOrder.length > 0 ? null : 'no job has run yet'),
  },
  {
    keys: ['W'],
    command: 'view.waiting',
    description: 'Waiting restores: file restores saved while cold storage thaws, to read their state and resume one',
    group: 'Views',
    disabledReason: (ctx) => (ctx.state.filesAvailable ? null : 'this session has no file restore engine'),
  },
];

export const GENERAL_BINDINGS: readonly Binding[] = [
  { keys: ['?'], command: 'app.help', description: 'Help: every key of this screen', group: 'General', hint: 'help' },
  { keys: [':'], command: 'app.palette', description: 'Command palette', group: 'General', hint: 'cmds' },
  {
    keys: ['/'],
    command: 'app.filter',
    description: 'Filter the rows of this screen',
    group: 'General',
    hint: 'filter',
    disabledReason: (ctx) => (ctx.panes.length > 0 ? null : 'nothing to filter on this screen'),
  },
  { keys: ['r'], command: 'app.refresh', description: 'Refresh what is on screen now', group: 'General', hint: 'refresh' },
  { keys: ['q', 'ctrl+c'], command: 'app.quit', description: 'Quit (cancels running jobs first)', group: 'General', hint: 'quit' },
];

export const GLOBAL_BINDINGS: readonly Binding[] = [...NAVIGATION_BINDINGS, ...VIEW_BINDINGS, ...GENERAL_BINDINGS];

/** Why x or v does nothing on the selected layer right now: the layer's own offer first, then a job already running there. */
const layerActionReason =
  (kind: 'run' | 'verify') =>
  (ctx: KeyContext): string | null => {
    if (!ctx.state.actionsAvailable) return 'this session has no action executor';
    const target = actionTarget(ctx);
    if (!target) return 'select a layer first';
    const offer = ctx.state.offerFor(target.layerId, kind);
    if (offer?.disabledReason) return `${offer.label}: ${offer.disabledReason}`;
    const busy = ctx.state.jobOrder
      .map((id) => ctx.state.jobs[id])
      .find((j) => j?.state === 'running' && j.plan.request.layerId === target.layerId);
    if (busy) return `a job is already running on ${target.layerId}`;
    return null;
  };

/** x, v and R: on every screen that lists layers. */
export const LAYER_ACTION_BINDINGS: readonly Binding[] = [
  {
    keys: ['x'],
    command: 'action.run',
    description: "Run the layer's job (plan shown, y/N)",
    group: 'Actions',
    // Every kind's run writes to a host, so read-only mode drops the key itself.
    dangerous: actionChangesHostOnEveryKind('run'),
    hint: 'run',
    disabledReason: layerActionReason('run'),
  },
  {
    keys: ['v'],
    command: 'action.verify',
    description: "Verify the layer's copies (plan shown, y/N; a PBS verify changes the host)",
    group: 'Actions',
    // Most verifies only read (restic check, rclone check, a scrub's result): read-only mode keeps the key and disables it per layer.
    dangerous: actionChangesHostOnEveryKind('verify'),
    hint: 'verify',
    disabledReason: layerActionReason('verify'),
  },
  {
    keys: ['R'],
    command: 'action.restore',
    description: 'Restore wizard: the selected workload or point (or choose one): sources, target, preflight, plan, typed confirmation, progress, checks',
    group: 'Actions',
    dangerous: true,
    disabledReason: restoreReason,
  },
];

/** Why R and d do nothing here: no engine in this session (files and datasets have their own). */
function restoreReason(ctx: KeyContext): string | null {
  const { assetId } = restoreOpening(ctx);
  if (assetId && ctx.state.isFileWorkload(assetId)) return ctx.state.filesAvailable ? null : 'this session has no file restore engine';
  return ctx.state.restoreAvailable ? null : 'this session has no restore engine';
}

/** d on a workload: a restore drill of it, through the wizard. */
export const DRILL_BINDING: Binding = {
  keys: ['d'],
  command: 'action.drill',
  description: 'Drill: restore this workload to a scratch guest with its links down, start and check it, destroy it (the wizard, drill chosen)',
  group: 'Actions',
  dangerous: true,
  disabledReason: (ctx) => {
    const { assetId } = restoreOpening(ctx);
    if (assetId && ctx.state.isFileWorkload(assetId)) return 'a drill restores a guest; files and datasets are restored with R';
    return restoreReason(ctx);
  },
};

/** F on a guest's workload: files from inside its backups (a container's root.pxar, a VM's disk images), through the file wizard. */
export const GUEST_FILES_BINDING: Binding = {
  keys: ['F'],
  command: 'action.restoreFiles',
  description: "Restore files from inside this guest's backups (a container's archive, a VM's disk images): the file wizard",
  group: 'Actions',
  dangerous: true,
  disabledReason: (ctx) => {
    const { assetId } = restoreOpening(ctx);
    if (!assetId || !/^(vm|ct)\//.test(assetId)) return 'files from inside a backup are for guests (vm/…, ct/…); R restores files workloads';
    return ctx.state.filesAvailable ? null : 'this session has no file restore engine';
  },
};
