import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { helpText, main } from '../../src/cli/main.js';

describe('strata report as a command', () => {
  it('is listed, explains its sections and exit codes in --help, and refuses unknown flags', async () => {
    expect(helpText()).toMatch(/ report +the protection per tier and workload/);
    const help = memoryIo('', {});
    expect(await main(['report', '--help'], help)).toBe(0);
    expect(help.stdout).toContain('per workload: copies/media/off-site against its tier');
    expect(help.stdout).toContain('Exit codes: 0 printed');
    const bad = memoryIo('', {});
    expect(await main(['report', '--since', '7d'], bad)).toBe(64);
  });

  it('exits 78 naming the problem when the inventory is bad, before reading anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-report-cli-'));
    const config = join(dir, 'config.json');
    writeFileSync(config, '{"version": 1, "hosts": [');
    const io = memoryIo('', { STRATA_STATE_DIR: dir });
    expect(await main(['report', '--config', config], io)).toBe(78);
    expect(io.stdout).toBe('');
    expect(io.stderr).toContain(config);
  });
});
