/**
 * `strata report` and `strata journal --markdown` against the degraded lab,
 * after a real drill through `strata drill`: the rows are what `strata
 * status --json` reports (one evaluation), with the drill's measured time
 * against the tier's RTO.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { StatusReport } from '../../src/domain/status-report.js';
import { startLab, type Lab } from '../../src/lab/index.js';

let lab: Lab;
let env: Record<string, string>;
let report = '';
let status: StatusReport;

async function cli(args: string[]) {
  const io = memoryIo('', env);
  const code = await main(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

/** The row of a Markdown table whose first cell is `first`, split into cells. */
function row(text: string, first: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(`| ${first} |`));
  if (!line) throw new Error(`no row for ${first} in\n${text}`);
  return line.slice(2, -2).split(' | ');
}

beforeAll(async () => {
  lab = await startLab({ scenario: 'degraded', timeScale: 0.05 });
  env = { STRATA_CONFIG: lab.configPath, STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-report-')), USER: 'tester', TZ: 'UTC' };
  const drill = await cli(['drill', '--asset', 'ct/102']);
  expect(drill.code, drill.out + drill.err).toBe(0);
  const r = await cli(['report']);
  expect(r.code, r.err).toBe(0);
  report = r.out;
  status = JSON.parse((await cli(['status', '--json'])).out) as StatusReport;
}, 120_000);
afterAll(async () => {
  await lab?.stop();
});

describe('strata report on the degraded lab', () => {
  it("gives each workload's row from the same evaluation as strata status", () => {
    expect(report).toMatch(/^# Strata protection report\n/);
    expect(report).toContain(`Overall: **${status.overall}**.`);
    for (const a of status.assets) {
      const cells = row(report, `\`${a.id}\``);
      expect(cells[3]).toBe(a.health === 'ok' ? 'ok' : `**${a.health}**`);
      const copies = `${a.copies} / ${a.required.copies}`;
      expect(cells[4]).toBe(a.copies < a.required.copies ? `**${copies}**` : copies);
      expect(cells[6]).toContain(`${a.offsite} / ${a.required.offsite}`);
    }
    // The degraded lab's unprotected guest: crit, short of copies, its reasons among the gaps.
    const vm111 = status.assets.find((a) => a.id === 'vm/111')!;
    expect(vm111.health).toBe('crit');
    expect(row(report, '`vm/111`').slice(2, 4)).toEqual(['tier2', '**crit**']);
    expect(report).toContain(`- Workload \`vm/111\` (crit): ${vm111.reasons[0]}`);
    expect(report).toContain('- Layer `restic-usb` on `docker1` (unknown): ');
  });

  it("shows the drill's measured restore time against tier0's RTO of 4 h, and who was never drilled", () => {
    const ct102 = status.assets.find((a) => a.id === 'ct/102')!;
    expect(ct102.lastDrillAt).toBeTruthy();
    expect(ct102.measuredRestoreSeconds).not.toBeNull();
    const cells = row(report, '`ct/102`');
    expect(cells[2]).toBe('tier0');
    expect(cells[10]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ, proven$/);
    expect(cells[11]).toMatch(/^\d+ s \/ 4 h$/);
    expect(row(report, 'tier0')).toEqual(['tier0', '4', expect.stringMatching(/^\d of 4$/), '3', '2', '1', '24 h', '4 h', expect.stringMatching(/^\d+ s \(`ct\/102`\)$/), '1 of 3 guests']);
    expect(row(report, 'tier3')[7]).toBe('3 d');
    expect(row(report, '(default)').slice(6, 8)).toEqual(['per layer, else 24 h', 'none']);
    expect(row(report, '`ct/102`')[0]).toBe('`ct/102`');
    expect(report).toMatch(/\| `ct\/102` \| drill \| [^|]+ \| `[^`]+` \| proven restorable \| \d+ s \| 4 h \|/);
    expect(report).toContain('- Tier tier0 sets an RTO of 4 h; no drill or restore has measured 3 of its 4 workloads: `host/pve1`, `vm/100`, `vm/101` (`strata drill --rotate tier0` drills its guests one per run)');
    expect(report).toContain('- Tier tier1 sets an RTO of 8 h; no drill or restore has measured any of its 5 workloads: ');
    expect(report).toContain('Tier tier3 sets an RTO of 3 d');
    // A tier without an RTO (the default) names no RTO gap.
    expect(report).not.toMatch(/Tier \(default\) sets/);
    expect(report).toMatch(/Guests never drilled: `vm\/100`, `vm\/101`, `ct\/103`/);
    expect(report).not.toMatch(/Guests never drilled: .*`ct\/102`/);
    expect(report).not.toMatch(/Guests never drilled: .*`host\/pve1`/);
  });

  it('journal --markdown lists the drill with its checks and restore time', async () => {
    const j = await cli(['journal', '--markdown', '--since', '1h']);
    expect(j.code).toBe(0);
    expect(j.out).toMatch(/\| drill \| `[^`]+` \| `ct\/102` \| ok, proven restorable \| tester \|/);
    expect(j.out).toMatch(/- Measured restore time: /);
    expect(j.out).toContain('- Checks:\n  - passed: ');
  });
});
