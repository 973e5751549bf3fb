/**
 * Every action parser and fold, fed every fixture of every tool, their
 * truncations and byte noise, with the exit codes tools use: a Result every
 * time, never a throw, and never an ok verdict from noise.
 */
import { describe, expect, it } from 'vitest';
import { parseArchiveListing } from '../../../src/adapters/config-backup/verify.js';
import { parseSyncJobs, parseVerifyJobs, pbsTaskFold } from '../../../src/adapters/pbs/jobs.js';
import { parseArchiveTest, parsePvesmPath, parseVzdumpJobs, vzdumpFold } from '../../../src/adapters/pve/vzdump.js';
import { rcloneCheckFold, rcloneSyncFold } from '../../../src/adapters/rclone/sync.js';
import { foldOutput } from '../../../src/adapters/shared/line-fold.js';
import type { Parser } from '../../../src/adapters/shared/run.js';
import { parsePoolScan } from '../../../src/adapters/zfs/actions.js';
import { rng } from '../../helpers/nasty-strings.js';
import { allFixtures } from '../../helpers/fixtures.js';

const PARSERS: Record<string, Parser<unknown>> = {
  parseVzdumpJobs,
  parsePvesmPath,
  parseArchiveTest,
  parseSyncJobs,
  parseVerifyJobs,
  parsePoolScan,
  parseArchiveListing: parseArchiveListing(['/etc/pve']),
  vzdump: (o, e, c) => foldOutput(vzdumpFold(), o, e, c),
  pbsTask: (o, e, c) => foldOutput(pbsTaskFold(), o, e, c),
  rcloneSync: (o, e, c) => foldOutput(rcloneSyncFold(), o, e, c),
  rcloneCheck: (o, e, c) => foldOutput(rcloneCheckFold(), o, e, c),
};

describe('action parsers never throw', () => {
  const random = rng(42);
  const noise = () => Array.from({ length: 200 }, () => String.fromCharCode(Math.floor(random() * 256))).join('');
  const inputs = allFixtures().flatMap((f) => [
    [f.stdout, f.stderr],
    [f.stdout.slice(0, Math.floor(f.stdout.length / 2)), f.stderr],
    [f.stderr, f.stdout],
  ]);
  inputs.push([noise(), noise()], ['', ''], ['\n\n\n', '\n']);

  for (const [name, parse] of Object.entries(PARSERS)) {
    it(`${name} answers with a Result for every input`, () => {
      for (const [stdout, stderr] of inputs) {
        for (const code of [0, 1, 2, 3, 127, 255]) {
          const r = parse(stdout!, stderr!, code);
          expect(typeof r.ok).toBe('boolean');
        }
      }
    });
  }

  it('no fold reads byte noise as a success', () => {
    for (const parse of [PARSERS.vzdump!, PARSERS.pbsTask!, PARSERS.rcloneSync!, PARSERS.rcloneCheck!, PARSERS.parsePoolScan!]) {
      for (let i = 0; i < 50; i++) {
        const r = parse(noise(), noise(), 0);
        if (r.ok) expect((r.value as { success?: boolean }).success).not.toBe(true);
        expect(r.ok && (r.value as { status?: string }).status === 'ok').toBe(false);
      }
    }
  });
});
