import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

function config(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-nontty-'));
  const path = join(dir, 'strata.json');
  writeFileSync(
    path,
    JSON.stringify({
      version: 1,
      hosts: [{ name: 'here', transport: 'local' }],
      layers: [{ id: 'here-config', kind: 'config-backup', host: 'here', paths: ['/etc/hostname'], directory: join(dir, 'archives'), rpo: '7d' }],
    }),
  );
  return path;
}

describe('strata without a terminal', () => {
  it('prints the status once with a hint instead of failing, exit code as strata status', async () => {
    const path = config();
    const io = memoryIo('', { STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-state-')) });
    const code = await main(['--config', path], io);
    expect(io.stdout).toContain('LAYERS');
    expect(io.stdout).toMatch(/here-config/);
    expect(io.stderr).toContain('not a terminal, so the status was printed once');
    expect(io.stdout.includes(String.fromCharCode(27))).toBe(false); // no colour codes into a pipe
    const status = memoryIo('', {});
    expect(code).toBe(await main(['status', '--config', path], status));
    expect(code).not.toBe(0); // no archive in the directory: the layer is not OK
  });

  it('--read-only and --help are the control panel’s options; an unknown one is a usage error', async () => {
    const help = memoryIo();
    expect(await main(['--read-only', '--help'], help)).toBe(0);
    expect(help.stdout).toContain('Usage: strata [--config FILE] [--read-only]');
    const bad = memoryIo();
    expect(await main(['--no-such-flag'], bad)).toBe(64);
    expect(bad.stderr).toContain('--no-such-flag');
  });
});
