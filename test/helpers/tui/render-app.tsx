/**
 * Renders the whole app with ink-testing-library at a chosen terminal size
 * (its stdout is 100 columns and has no rows; the size is set before the app
 * mounts, and `resize` changes it and emits 'resize' as a terminal does).
 * Keys are raw terminal bytes; frames update asynchronously, so each press
 * waits ~20 ms, and `waitFor` polls the last frame.
 */
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { App } from '../../../screens/App.js';
import type { AppStore } from '../../../src/store/index.js';
import { NOW_MS } from './estate.js';

export const KEY = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  enter: '\r',
  esc: '\x1b',
  tab: '\t',
  shiftTab: '\x1b[Z',
  ctrlC: '\x03',
  backspace: '\x7f',
} as const;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Rendered {
  frame(): string;
  /** The last frame with its colour codes. */
  raw(): string;
  press(...keys: string[]): Promise<void>;
  type(text: string): Promise<void>;
  waitFor(test: string | RegExp | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
  resize(columns: number, rows: number): Promise<void>;
  unmount(): void;
  /** Every line of the last frame fits the terminal width. */
  widest(): number;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export async function renderApp(store: AppStore, size: { columns: number; rows: number }, nowMs = () => NOW_MS): Promise<Rendered> {
  let current = { ...size };
  const r = render(<Text>starting</Text>);
  Object.defineProperty(r.stdout, 'columns', { get: () => current.columns, configurable: true });
  Object.defineProperty(r.stdout, 'rows', { get: () => current.rows, configurable: true });
  r.rerender(<App store={store} nowMs={nowMs} tickMs={3_600_000} />);
  await sleep(30);
  const frame = () => (r.lastFrame() ?? '').replace(ANSI, '');
  const api: Rendered = {
    frame,
    raw: () => r.lastFrame() ?? '',
    async press(...keys) {
      for (const k of keys) {
        r.stdin.write(k);
        await sleep(25);
      }
    },
    async type(text) {
      for (const ch of text) await api.press(ch);
    },
    async waitFor(test, timeoutMs = 3000) {
      const ok = (f: string) => (typeof test === 'string' ? f.includes(test) : test instanceof RegExp ? test.test(f) : test(f));
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (ok(frame())) return frame();
        await sleep(15);
      }
      throw new Error(`timed out waiting for ${String(test)}; last frame:\n${frame()}`);
    },
    async resize(columns, rows) {
      current = { columns, rows };
      r.stdout.emit('resize');
      await sleep(30);
    },
    unmount: () => r.unmount(),
    widest: () => Math.max(...frame().split('\n').map((l) => [...l].length)),
  };
  return api;
}
