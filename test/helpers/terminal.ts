/**
 * `node bin/strata.js ARGS` in a real terminal: node-pty runs it, and
 * @xterm/headless keeps the screen, which a test reads back as text.
 *
 *   const t = terminal(['--config', path], { STRATA_STATE_DIR: dir });
 *   await t.waitFor(/read \d+s ago/);
 *   await t.press('j', '\r');
 *   t.child.kill();
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import xterm from '@xterm/headless';
import pty from 'node-pty';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const COLS = 100;
export const ROWS = 30;

export function terminal(args: string[], env: Record<string, string>) {
  const term = new xterm.Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  // Ink renders nothing live when it thinks it is in CI; an operator's terminal is not CI.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && k !== 'CI' && k !== 'CONTINUOUS_INTEGRATION')) as Record<string, string>;
  const child = pty.spawn(process.execPath, [join(ROOT, 'bin/strata.js'), ...args], {
    name: 'xterm-256color',
    cols: COLS,
    rows: ROWS,
    cwd: ROOT,
    env: { ...base, TERM: 'xterm-256color', ...env },
  });
  let exit: Promise<number> = new Promise((resolve) => child.onExit(({ exitCode }) => resolve(exitCode)));
  child.onData((d) => term.write(d));
  const screen = () => {
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < ROWS; i++) lines.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  const waitFor = async (test: string | RegExp, timeoutMs = 20_000) => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const s = screen();
      if (typeof test === 'string' ? s.includes(test) : test.test(s)) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${String(test)}; screen:\n${screen()}`);
  };
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      child.write(k);
      await new Promise((r) => setTimeout(r, 60));
    }
  };
  exit = exit.finally(() => term.dispose());
  return { child, screen, waitFor, press, exit };
}
