/** Renders the route on top of the stack through an exhaustive switch. */
import { assertNever, routeKey, type Route } from '../src/store/index.js';
import { SCREENS } from './registry.js';

export interface RouterProps {
  readonly route: Route;
  readonly width: number;
  readonly height: number;
}

export function Router({ route, width, height }: RouterProps) {
  const key = routeKey(route);
  switch (route.kind) {
    case 'dashboard':
      return <SCREENS.dashboard.Component key={key} route={route} width={width} height={height} />;
    case 'host':
      return <SCREENS.host.Component key={key} route={route} width={width} height={height} />;
    case 'layer':
      return <SCREENS.layer.Component key={key} route={route} width={width} height={height} />;
    case 'workload':
      return <SCREENS.workload.Component key={key} route={route} width={width} height={height} />;
    case 'job':
      return <SCREENS.job.Component key={key} route={route} width={width} height={height} />;
    case 'journal':
      return <SCREENS.journal.Component key={key} route={route} width={width} height={height} />;
    case 'restore':
      return <SCREENS.restore.Component key={key} route={route} width={width} height={height} />;
    case 'browse':
      return <SCREENS.browse.Component key={key} route={route} width={width} height={height} />;
    case 'files':
      return <SCREENS.files.Component key={key} route={route} width={width} height={height} />;
    case 'dr':
      return <SCREENS.dr.Component key={key} route={route} width={width} height={height} />;
    case 'rebuild':
      return <SCREENS.rebuild.Component key={key} route={route} width={width} height={height} />;
    default:
      return assertNever(route);
  }
}
