/**
 * `npm run bench -- tui [runs]`: the TUI's targets, printed, not asserted
 * (`npm run bench -- tui keys`: only the keypress figure, in seconds;
 * `npm run bench -- tui restore`: only the restore wizard's).
 *
 * 1. Start-up to the first frame showing the saved status (target < 400 ms):
 *    the real `node bin/strata.js --config <lab>` under node-pty, from spawn
 *    to the first screen with "saved status from". Measured twice: as shipped
 *    (bin/strata.js runs the bundle `npm install` built in dist/; the bench
 *    builds it first if it is stale) and from source (STRATA_FROM_SOURCE=1:
 *    tsx compiles on the fly), for reference.
 * 2. Keypress-to-frame while a job streams 5,000 lines a second (p95 < 50 ms):
 *    in this process, the real App rendered by Ink to a TTY-like stream (not
 *    debug mode, so Ink's own frame throttle applies; V8 in the size-optimised
 *    mode bin/strata.js sets), a fake executor
 *    streaming, and k / f alternated on the Job screen; the time from the key
 *    to the first frame written that shows its effect.
 * 2b. Keypress-to-frame while a restore streams progress (p95 < 50 ms): the
 *    same in-process mount, the store wired as the panel wires it
 *    (composeServices + tuiStore) against the lab over real SSH (the lab in a
 *    process of its own, bench/_lab-process.ts, as an operator's hosts are), the restore
 *    wizard running a PBS restore of vm/101 (two disks, a progress line per
 *    percent, the lab's durations stretched so it lasts the whole
 *    measurement); L alternated (raw log, progress), the time from the key to
 *    the first frame written that shows its effect, and the CPU time the
 *    panel spent in it (what is left is waiting for a core). `npm run bench -- tui
 *    restore`: only this figure.
 * 3. Peak RSS with 50 hosts (target < 150 MB): the real process against the
 *    simulated lab with 45 extra Proxmox nodes (50 hosts, ~640 workloads) over
 *    real SSH, after its first full refresh and a walk through the screens;
 *    VmHWM of the strata process itself (the lab runs in this process).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import v8 from 'node:v8';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import xterm from '@xterm/headless';
import pty from 'node-pty';
import { startLab, type Lab } from '../src/lab/index.js';
import { keypressInBrowser } from './lib/browser-keys.js';
import { TtyIn, TtyOut as Tty } from './lib/tty.js';

/** The Job screen's bench runs at 120x40. */
class TtyOut extends Tty {
  constructor() {
    super(COLS, ROWS);
  }
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COLS = 120;
const ROWS = 40;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const f1 = (n: number) => n.toFixed(1);

function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && k !== 'CI' && k !== 'CONTINUOUS_INTEGRATION'));
  return { ...(base as Record<string, string>), TERM: 'xterm-256color', ...extra };
}

/** Runs strata under a pseudo-terminal; `until` is polled on the screen. */
function spawnStrata(argv: string[], env: Record<string, string>) {
  const term = new xterm.Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  const t0 = performance.now();
  const child = pty.spawn(process.execPath, argv, { name: 'xterm-256color', cols: COLS, rows: ROWS, cwd: ROOT, env: cleanEnv(env) });
  const exited = new Promise<number>((resolve) => child.onExit(({ exitCode }) => resolve(exitCode)));
  let firstSeen: Record<string, number> = {};
  const watch: { text: string }[] = [];
  child.onData((d) => {
    term.write(d, () => {
      const s = screen();
      for (const w of watch) if (firstSeen[w.text] === undefined && s.includes(w.text)) firstSeen[w.text] = performance.now() - t0;
    });
  });
  const screen = () => {
    const b = term.buffer.active;
    let out = '';
    for (let i = 0; i < ROWS; i++) out += `${b.getLine(b.viewportY + i)?.translateToString(true) ?? ''}\n`;
    return out;
  };
  return {
    child,
    screen,
    exited,
    /** Milliseconds from spawn until `text` was first on screen. */
    async seen(text: string | RegExp, timeoutMs = 60_000): Promise<number> {
      if (typeof text === 'string') watch.push({ text });
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (typeof text === 'string' && firstSeen[text] !== undefined) return firstSeen[text]!;
        if (typeof text !== 'string' && text.test(screen())) return performance.now() - t0;
        await sleep(5);
      }
      throw new Error(`not seen: ${String(text)}\n${screen()}`);
    },
    async press(...keys: string[]) {
      for (const k of keys) {
        child.write(k);
        await sleep(80);
      }
    },
    reset() {
      firstSeen = {};
    },
    dispose: () => term.dispose(),
  };
}

function vmHwmMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Builds dist/ when bin/strata.js would not run it (missing or stale): the product as `npm install` leaves it. */
function ensureFreshBundle(): void {
  const probe = spawnSync(process.execPath, ['-e', BUNDLE_FRESH_PROBE], { cwd: ROOT, encoding: 'utf8' });
  if (probe.stdout.trim() === 'fresh') return;
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`npm run build failed: ${b.stderr}`);
}

const BUNDLE_FRESH_PROBE = `
const { readFileSync, statSync } = require('node:fs');
try {
  const s = JSON.parse(readFileSync('dist/sources.json', 'utf8'));
  console.log(s.every(([p, m]) => statSync(p).mtimeMs === m) ? 'fresh' : 'stale');
} catch { console.log('stale'); }`;

async function peakRss(
  entry: string,
  lab: Lab,
  state: string,
  nodeFlags: string[] = [],
  env: Record<string, string> = {},
): Promise<{ rssMb: number; firstRefreshMs: number }> {
  const s = spawnStrata([...nodeFlags, entry, '--config', lab.configPath], { STRATA_STATE_DIR: state, ...env });
  try {
    const firstRefreshMs = await s.seen(/read \d+s ago/, 120_000);
    await s.press('j', 'j', 'j', 'l', 'l', 'l', 'l', 'l', 'l', '\r'); // docker1, across the matrix to its restic column: restic-usb
    await s.seen(/Dashboard › layer/);
    await s.press('\t', '\t', '\x1b', '\t', 'j', 'j', '\r');
    await s.seen(/Dashboard › workload/);
    await s.press('\x1b', 'J');
    await s.seen(/Journal \(/);
    await s.press('\x1b', 'r');
    await sleep(3_000);
    const rssMb = vmHwmMb(s.child.pid);
    await s.press('q');
    await s.exited;
    return { rssMb, firstRefreshMs };
  } finally {
    s.child.kill();
    s.dispose();
  }
}

async function startupMs(argv: string[], lab: Lab, state: string, env: Record<string, string> = {}): Promise<number> {
  const s = spawnStrata([...argv, '--config', lab.configPath], { STRATA_STATE_DIR: state, ...env });
  try {
    const ms = await s.seen('saved status from', 30_000);
    await s.press('q');
    await Promise.race([s.exited, sleep(5_000)]);
    return ms;
  } finally {
    s.child.kill();
    s.dispose();
  }
}

async function keypressWhileStreaming(presses: number): Promise<{ p50: number; p95: number; max: number; linesPerSecond: number }> {
  // Ink writes no live frames when it believes it runs in CI; an operator's terminal is not CI.
  // React in production mode, as runTui sets it for the real process.
  process.env.NODE_ENV = 'production';
  // As bin/strata.js runs the product.
  v8.setFlagsFromString('--optimize-for-size');
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  const [{ mountApp }, { seededStore }, { fakeActions }] = await Promise.all([
    import('../screens/mount.js'),
    import('../test/helpers/tui/estate.js'),
    import('../test/helpers/tui/fake-actions.js'),
  ]);
  const actions = fakeActions({ linesPerSecond: 5_000, tickMs: 10 });
  const { store } = await seededStore({ actions, nowMs: () => Date.now() });
  const out = new TtyOut();
  const input = new TtyIn();
  // The same mount as the real process (frame rate, Ctrl-C, console).
  const app = mountApp(store, { stdout: out as unknown as NodeJS.WriteStream, stdin: input as unknown as NodeJS.ReadStream });
  const waitForWrite = (marker: string, timeoutMs = 2_000) =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const timer = setTimeout(() => reject(new Error(`no frame with "${marker}"`)), timeoutMs);
      out.onWrite = (text) => {
        if (!text.includes(marker)) return;
        clearTimeout(timer);
        out.onWrite = () => undefined;
        resolve(performance.now() - t0);
      };
    });
  try {
    await sleep(200);
    for (const k of ['l', 'l', 'l', 'x']) { // pve1's vzdump cell in the matrix: pve1-dump
      input.write(k);
      await sleep(50);
    }
    await sleep(100);
    input.write('y');
    await sleep(1_000);
    const job = () => Object.values(store.getState().jobs)[0]!;
    const startLines = job().output.total;
    const startAt = performance.now();
    const times: number[] = [];
    for (let i = 0; i < presses; i++) {
      const [key, marker] = i % 2 === 0 ? ['k', 'lines '] : ['f', 'following'];
      const seen = waitForWrite(marker);
      input.write(key);
      times.push(await seen);
      await sleep(20 + (i % 3) * 10);
    }
    const linesPerSecond = ((job().output.total - startLines) / (performance.now() - startAt)) * 1000;
    return { p50: pct(times, 50), p95: pct(times, 95), max: Math.max(...times), linesPerSecond };
  } finally {
    await store.getState().cancelAll();
    app.unmount();
  }
}

/** The lab in a child process (bench/_lab-process.ts): its SSH servers and simulated tasks do not share the panel's event loop. */
async function labProcess(timeScale: number): Promise<{ configPath: string; stop: () => Promise<void> }> {
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'bench/_lab-process.ts'), String(timeScale)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const configPath = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve((JSON.parse(buf.slice(0, nl)) as { configPath: string }).configPath);
    });
    void exited.then(() => reject(new Error('bench: the lab process ended before it started')));
  });
  return {
    configPath,
    stop: async () => {
      child.stdin.end();
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) child.kill();
    },
  };
}

export async function keypressWhileRestoring(presses: number): Promise<{ p50: number; p95: number; max: number; cpuP50: number; cpuP95: number; progressPerSecond: number; ranThrough: boolean; load: number }> {
  process.env.NODE_ENV = 'production';
  v8.setFlagsFromString('--optimize-for-size');
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  const [{ mountApp }, { composeServices }, { tuiStore }, { memoryIo }, { validateInventory }] = await Promise.all([
    import('../screens/mount.js'),
    import('../src/services/root.js'),
    import('../src/cli/tui.js'),
    import('../src/cli/io.js'),
    import('../src/domain/inventory.js'),
  ]);
  // Eight times the lab's restore durations: the restore outlasts every key press.
  const lab = await labProcess(8);
  const state = mkdtempSync(join(tmpdir(), 'strata-bench-restore-'));
  const v = validateInventory(JSON.parse(readFileSync(lab.configPath, 'utf8')));
  if (!v.ok) throw new Error('the lab wrote an invalid inventory');
  const io = memoryIo('', { STRATA_STATE_DIR: state });
  const session = composeServices({ inventory: v.inventory, configPath: lab.configPath, env: io.env });
  const store = await tuiStore({ session, io, color: true, pollIntervalMs: 3_600_000 });
  const out = new TtyOut();
  const input = new TtyIn();
  const app = mountApp(store, { stdout: out as unknown as NodeJS.WriteStream, stdin: input as unknown as NodeJS.ReadStream });
  const until = async (test: () => boolean, what: string, timeoutMs = 30_000) => {
    for (const end = Date.now() + timeoutMs; !test(); ) {
      if (Date.now() > end) throw new Error(`bench: ${what} did not happen`);
      await sleep(20);
    }
  };
  const key = async (k: string) => {
    input.write(k);
    await sleep(60);
  };
  const waitForWrite = (marker: string, timeoutMs = 2_000) =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const timer = setTimeout(() => reject(new Error(`no frame with "${marker}"`)), timeoutMs);
      out.onWrite = (text) => {
        if (!text.includes(marker)) return;
        clearTimeout(timer);
        out.onWrite = () => undefined;
        resolve(performance.now() - t0);
      };
    });
  try {
    const w = () => store.getState().wizard;
    store.getState().navigate({ kind: 'workload', assetId: 'vm/101' });
    await sleep(300);
    await key('R');
    await until(() => w()?.sources?.state === 'ready', 'reading the sources');
    const sources = w()!.sources!;
    const at = sources.state === 'ready' ? sources.value.sources.findIndex((x) => x.layerId === 'pbs-local') : -1;
    if (at < 0) throw new Error('bench: vm/101 has no pbs-local source');
    for (let i = 0; i < at; i++) await key('j');
    await key('\r'); // the source
    await key('\r'); // the target as it is: a new VMID
    await until(() => w()?.plan?.state === 'ready', 'planning');
    await key('\r');
    await key('\r');
    await key('y');
    await until(() => (w()?.run?.progress?.percent ?? 0) > 0, 'the first progress line');
    let updates = 0;
    const stop = store.subscribe((s, prev) => {
      if (s.wizard?.run?.progress !== prev.wizard?.run?.progress) updates++;
    });
    const startAt = performance.now();
    const times: number[] = [];
    // CPU this process spent from each key to its frame: the panel's own work, apart from waiting for a core.
    const cpu: number[] = [];
    for (let i = 0; i < presses; i++) {
      const marker = w()?.showLog ? '── newest output' : 'Raw log:';
      const seen = waitForWrite(marker);
      const c0 = process.cpuUsage();
      input.write('L');
      times.push(await seen);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      await sleep(20 + (i % 3) * 10);
    }
    stop();
    const ranThrough = w()?.run?.result === null;
    return { p50: pct(times, 50), p95: pct(times, 95), max: Math.max(...times), cpuP50: pct(cpu, 50), cpuP95: pct(cpu, 95), progressPerSecond: (updates / (performance.now() - startAt)) * 1000, ranThrough, load: loadavg()[0]! };
  } finally {
    await store.getState().cancelAll();
    app.unmount();
    await session.close();
    await lab.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

export const restoreLine = (r: Awaited<ReturnType<typeof keypressWhileRestoring>>) =>
  `  p50 ${f1(r.p50)} ms  p95 ${f1(r.p95)} ms  max ${f1(r.max)} ms (${f1(r.progressPerSecond)} progress updates/s on screen${r.ranThrough ? '' : '; the restore ended before the last key'}; load average ${f1(r.load)} on ${availableParallelism()} cores)\n` +
  `  CPU of the panel from key to frame: p50 ${f1(r.cpuP50)} ms  p95 ${f1(r.cpuP95)} ms (the rest is waiting for a core)`;

export async function run(args: string[]): Promise<void> {
  if (args[0] === 'restore') {
    const r = await keypressWhileRestoring(60);
    process.stdout.write(`keypress to frame in the restore wizard while a PBS restore streams progress (target p95 < 50 ms):\n${restoreLine(r)}\n`);
    return;
  }
  if (args[0] === 'browser') {
    const presses = Number(args[1] ?? 160);
    const big = await keypressInBrowser(100_000, presses);
    const small = await keypressInBrowser(200, presses);
    const line = (b: typeof big) => `p50 ${f1(b.p50)} ms  p95 ${f1(b.p95)} ms  max ${f1(b.max)} ms`;
    process.stdout.write(
      [
        `file browser, 100,000 entries: keypress-to-frame p95 (target < 50 ms; ${presses} keys: j k PgDn G g Space, / filter typed and erased):`,
        `  100,000 entries  ${line(big)}`,
        `  200 entries      ${line(small)}  (reference: the same keys where size costs nothing)`,
        '',
      ].join('\n'),
    );
    return;
  }
  if (args[0] === 'keys') {
    const keys = await keypressWhileStreaming(100);
    process.stdout.write(`keypress to frame while streaming ${Math.round(keys.linesPerSecond)} lines/s: p50 ${f1(keys.p50)} ms  p95 ${f1(keys.p95)} ms  max ${f1(keys.max)} ms\n`);
    return;
  }
  const runs = Number(args[0] ?? 5);
  const state = mkdtempSync(join(tmpdir(), 'strata-bench-tui-'));
  ensureFreshBundle();
  const bin = join(ROOT, 'bin/strata.js');
  const fromSource = { STRATA_FROM_SOURCE: '1' };
  process.stdout.write('starting the lab (50 hosts)…\n');
  const lab = await startLab({ scenario: 'healthy', extraPveNodes: 45 });
  try {
    process.stdout.write(`lab: ${lab.hosts.length} hosts, ${lab.config.layers.length} layers\n`);
    // The first run also saves the status the start-up runs show.
    const shipped = await peakRss(bin, lab, state);
    const source = await peakRss(bin, lab, state, [], fromSource);
    const shippedTimes: number[] = [];
    const sourceTimes: number[] = [];
    await startupMs([bin], lab, state, fromSource); // warms tsx's compile cache, as on a machine that ran strata before
    for (let i = 0; i < runs; i++) {
      shippedTimes.push(await startupMs([bin], lab, state));
      sourceTimes.push(await startupMs([bin], lab, state, fromSource));
    }

    const keys = await keypressWhileStreaming(60);
    const restoring = await keypressWhileRestoring(60);

    process.stdout.write(
      [
        '',
        `start-up to first frame with the saved status (${runs} runs, 50-host inventory; target < 400 ms):`,
        `  node bin/strata.js (the dist/ bundle, as installed)        median ${f1(pct(shippedTimes, 50))} ms  min ${f1(Math.min(...shippedTimes))} ms`,
        `  from source (STRATA_FROM_SOURCE=1, tsx, warm cache)        median ${f1(pct(sourceTimes, 50))} ms  min ${f1(Math.min(...sourceTimes))} ms`,
        `keypress to frame on the Job screen while streaming ${Math.round(keys.linesPerSecond)} lines/s (target p95 < 50 ms):`,
        `  p50 ${f1(keys.p50)} ms  p95 ${f1(keys.p95)} ms  max ${f1(keys.max)} ms`,
        'keypress to frame in the restore wizard while a PBS restore streams progress (target p95 < 50 ms):',
        restoreLine(restoring),
        `peak RSS of strata with 50 hosts after a full refresh and a walk through the screens (target < 150 MB):`,
        `  node bin/strata.js (bundle)  ${f1(shipped.rssMb)} MB (first full refresh on screen after ${f1(shipped.firstRefreshMs)} ms)`,
        `  from source (tsx)            ${f1(source.rssMb)} MB (first full refresh on screen after ${f1(source.firstRefreshMs)} ms)`,
        '',
      ].join('\n'),
    );
  } finally {
    await lab.stop();
    rmSync(state, { recursive: true, force: true });
  }
}
