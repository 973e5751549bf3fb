/**
 * `npm run bench -- tui browser`: keypress-to-frame in the file browser over
 * a directory of 100,000 entries (target p95 < 50 ms), measured as the Job
 * screen's row is: the real App mounted by Ink on a TTY-like stream in this
 * process (not debug mode, so Ink's frame throttle applies; production React;
 * V8 in the size-optimised mode bin/strata.js sets), keys written as a
 * terminal sends them, and the time from a key to the first frame written
 * that shows its effect. The keys mix moves (j, k, PgDn, G, g), choices
 * (Space) and a `/` filter typed over every name and erased. The same keys
 * on a directory of 200 entries are the reference: on a shared machine the
 * absolute figures move with its load, the difference is what size costs.
 */
import v8 from 'node:v8';
import { pct, sleep, TtyIn, TtyOut } from './tty.js';

export interface BrowserKeys {
  readonly entries: number;
  readonly presses: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** One round; the marker of each key is read from the store after it, so any order works. */
const ROUND = ['j', 'j', ' ', 'k', '\x1b[6~', ' ', 'G', 'k', ' ', 'g', '/', '7', '7', '\x7f', '\x7f', '\r'];

export async function keypressInBrowser(entries: number, presses: number): Promise<BrowserKeys> {
  process.env.NODE_ENV = 'production';
  v8.setFlagsFromString('--optimize-for-size');
  // Ink writes no live frames when it believes it runs in CI; an operator's terminal is not CI.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  const [{ mountApp }, { seededStore }, { treeLoader, wideDir }, store$] = await Promise.all([
    import('../../screens/mount.js'),
    import('../../test/helpers/tui/estate.js'),
    import('../../test/helpers/tui/browse-tree.js'),
    import('../../src/store/index.js'),
  ]);
  const { store } = await seededStore({ nowMs: () => Date.now() });
  const loader = treeLoader({ big: wideDir(entries) });
  const out = new TtyOut(120, 40);
  const input = new TtyIn();
  const app = mountApp(store, { stdout: out as unknown as NodeJS.WriteStream, stdin: input as unknown as NodeJS.ReadStream });
  // What the frame after a key must show: the filter being typed, else the row under the cursor as it is now.
  const marker = (): string => {
    const b = store.getState().browser!;
    if (b.isFiltering) return `/${b.filters[b.dir] ?? ''}▏`;
    const e = store$.entryAtCursor(b)!;
    const mark = { selected: '[x]', covered: '[+]', none: '[ ]' }[store$.selectionMark(b, e.path)];
    return `› ${mark} ${e.name}`;
  };
  try {
    store.getState().openBrowser({ title: 'bench', load: loader.load });
    store.getState().navigate({ kind: 'browse' });
    await sleep(300);
    input.write('\r');
    for (let i = 0; store.getState().browser?.listings['/big']?.state !== 'ready'; i++) {
      if (i > 500) throw new Error(`bench: the ${entries}-entry directory was never listed`);
      await sleep(20);
    }
    await sleep(300);
    const times: number[] = [];
    for (let i = 0; i < presses; i++) {
      const key = ROUND[i % ROUND.length]!;
      const writes: { at: number; text: string }[] = [];
      out.onWrite = (text) => writes.push({ at: performance.now(), text });
      const t0 = performance.now();
      input.write(key);
      const want = marker();
      const until = t0 + 2_000;
      let hit: number | undefined;
      while (hit === undefined) {
        hit = writes.find((w) => w.text.includes(want))?.at;
        if (hit !== undefined) break;
        if (performance.now() > until) throw new Error(`bench: no frame with "${want}" after ${JSON.stringify(key)}`);
        await sleep(1);
      }
      times.push(hit - t0);
      out.onWrite = () => undefined;
      await sleep(20 + (i % 3) * 10);
    }
    return { entries, presses, p50: pct(times, 50), p95: pct(times, 95), max: Math.max(...times) };
  } finally {
    app.unmount();
  }
}
