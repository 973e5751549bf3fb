import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const savedHome = process.env.HOME;
const savedXdg = process.env.XDG_CONFIG_HOME;
afterEach(() => {
  process.env.HOME = savedHome;
  if (savedXdg === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = savedXdg;
});

/** A home whose default inventory location (conf's, under XDG_CONFIG_HOME) is `config`, or empty. */
function home(config?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-home-'));
  process.env.HOME = dir;
  process.env.XDG_CONFIG_HOME = join(dir, '.config');
  if (config !== undefined) {
    mkdirSync(join(dir, '.config', 'strata'), { recursive: true });
    writeFileSync(join(dir, '.config', 'strata', 'config.json'), config);
  }
  return dir;
}

describe('strata with no command', () => {
  it('runs the demo lab when there is no inventory anywhere, and says so', async () => {
    const dir = home();
    const io = memoryIo('', { HOME: dir, STRATA_STATE_DIR: join(dir, 'state') });
    const code = await main([], io);
    expect(io.stderr).toContain(`no inventory at ${join(dir, '.config', 'strata', 'config.json')}`);
    expect(io.stderr).toContain('here is the demo lab');
    // Not a terminal: the demo prints the status of the healthy lab.
    expect(io.stdout).toContain('Strata status at');
    expect(io.stdout).toContain('pbs-local');
    expect(code).toBe(0);
  });

  it('opens the inventory at the default location when there is one (not the demo)', async () => {
    const dir = home('{"version": 1, "hosts": [], "layers": []}');
    const io = memoryIo('', { HOME: dir, STRATA_STATE_DIR: join(dir, 'state') });
    await main([], io);
    expect(io.stderr).not.toContain('demo');
    expect(io.stdout).not.toContain('pbs-local');
  });

  it('does not fall back to the demo when an inventory is named but missing', async () => {
    const dir = home();
    const io = memoryIo('', { HOME: dir });
    const code = await main(['--config', join(dir, 'nope.json')], io);
    expect(code).toBe(78);
    expect(io.stderr).toContain('no inventory file at');
    expect(io.stdout).toBe('');
  });
});
