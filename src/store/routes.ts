/**
 * Where the operator is: a stack of routes, the top one on screen. A route is
 * a discriminated union so the router's switch is exhaustive (`assertNever`):
 * a new screen that is not rendered does not compile.
 */
export type Route =
  | { readonly kind: 'dashboard' }
  | { readonly kind: 'host'; readonly host: string }
  | { readonly kind: 'layer'; readonly layerId: string }
  | { readonly kind: 'workload'; readonly assetId: string }
  | { readonly kind: 'job'; readonly jobId: string }
  | { readonly kind: 'journal' }
  /** The restore wizard: one at a time, its state in the store's restore slice. */
  | { readonly kind: 'restore' }
  /** The file browser over one point: its state in the store's browser slice. */
  | { readonly kind: 'browse' }
  /** The file-restore wizard: one at a time, its state in the store's files slice. */
  | { readonly kind: 'files' }
  /** The disaster-recovery plan: what survives, each guest's way back, what is missing. */
  | { readonly kind: 'dr' }
  /** The rebuild wizard: one at a time, its state in the store's rebuild slice (and the engine's on disk, for a resume). */
  | { readonly kind: 'rebuild' };

export type RouteKind = Route['kind'];

export const ROUTE_KINDS: readonly RouteKind[] = ['dashboard', 'host', 'layer', 'workload', 'job', 'journal', 'restore', 'browse', 'files', 'dr', 'rebuild'];

/** A stable key for per-screen state (cursor, pane, filter). */
export function routeKey(route: Route): string {
  switch (route.kind) {
    case 'dashboard':
    case 'journal':
    case 'restore':
    case 'browse':
    case 'files':
    case 'dr':
    case 'rebuild':
      return route.kind;
    case 'host':
      return `host:${route.host}`;
    case 'layer':
      return `layer:${route.layerId}`;
    case 'workload':
      return `workload:${route.assetId}`;
    case 'job':
      return `job:${route.jobId}`;
    default:
      return assertNever(route);
  }
}

export function assertNever(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
