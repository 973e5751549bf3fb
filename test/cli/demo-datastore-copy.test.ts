/**
 * `strata demo --datastore-copy rclone-cold`: the demo lab whose local PBS
 * datastore goes off-site as an rclone copy in Deep Archive (pbs-deep), so
 * the rclone chain can be tried; the default demo stays restic-cloud's; a
 * value it does not know is a usage error.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from '../../src/cli/demo.js';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

describe('strata demo --datastore-copy', () => {
  it('rclone-cold: the status shows pbs-deep, an rclone copy of pbs-local, and it reads well', async () => {
    const io = memoryIo('', { STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-demo-copy-')) });
    expect(await main(['demo', '--status', '--json', '--datastore-copy', 'rclone-cold'], io)).toBe(0);
    const layers = (JSON.parse(io.stdout) as { layers: { id: string }[] }).layers;
    expect(layers.find((l) => l.id === 'pbs-deep')).toMatchObject({ kind: 'rclone', host: 'docker1', health: 'ok', copyOf: ['pbs-local'], offsite: true });
  }, 60_000);

  it('defaults to restic and refuses what it does not know', () => {
    expect(parseDemoArgs([]).demo).not.toHaveProperty('datastoreCopy');
    expect(parseDemoArgs(['--datastore-copy', 'rclone-cold']).demo).toMatchObject({ datastoreCopy: 'rclone-cold' });
    expect(() => parseDemoArgs(['--datastore-copy', 'tape'])).toThrow('--datastore-copy: "tape" is not one of restic, rclone-cold');
  });
});
