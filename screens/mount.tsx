/** Mounts the app on a terminal: the one call the CLI makes into the UI (loaded lazily, after NODE_ENV is set). */
import { render, type Instance } from 'ink';
import type { AppStore } from '../src/store/index.js';
import { App } from './App.js';

export interface MountOptions {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
}

export function mountApp(store: AppStore, { stdin, stdout }: MountOptions): Instance {
  // Ctrl-C is a key of the app (cancel a job, else quit), not a kill switch that would leave remote processes running.
  // 60 frames a second at most: a key shows within ~16 ms of Ink's throttle. Streaming output
  // still costs ~30 frames a second, since the jobs slice tells the store at most that often.
  return render(<App store={store} />, { stdin, stdout, exitOnCtrlC: false, patchConsole: true, maxFps: 60 });
}
