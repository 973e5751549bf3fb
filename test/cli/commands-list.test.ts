/** `strata config check` and `strata retention`, in-process through main() and once through bin/strata.js. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const root = resolve(import.meta.dirname, '../..');
const example = join(root, 'examples/homelab.json');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function strata(args: string[], stdin = '', env: Record<string, string> = {}) {
  const io = memoryIo(stdin, env);
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('strata config check', () => {
  it('prints a summary of hosts, layers and tiers for a valid file (exit 0)', async () => {
    const r = await strata(['config', 'check', '--config', example]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${example} is valid: 5 hosts, 10 layers, 4 tiers`);
    expect(r.stdout).toContain('  pbs-remote    pbs on pbs2, media hdd, off-site, RPO 2 d, copy of pbs-local');
    expect(r.stdout).toContain('  tier0  RPO 24 h, RTO 4 h, 3 copies / 2 media / 1 off-site, retention keep-daily=7,keep-weekly=4,keep-monthly=3');
    expect(r.stdout).toContain('  tier3  RPO 7 d, RTO 3 d, 2 copies / 1 media / 0 off-site');
    expect(r.stderr).toBe('');
  });

  it('lists every problem with its path and exits 78; STRATA_CONFIG picks the file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        version: 1,
        hosts: [{ name: 'pve1' }],
        layers: [
          { id: 'a', kind: 'vzdump', host: 'pve1', storage: 's', rpo: '1x' },
          { id: 'b', kind: 'pbs', host: 'pbs2', repository: 'r', secret: 'hunter2' },
        ],
      }),
    );
    const r = await strata(['config', 'check'], '', { STRATA_CONFIG: bad });
    expect(r.code).toBe(78);
    expect(r.stderr).toBe(
      [
        `${bad}: 3 problems; nothing was written or run`,
        '  layers[0].rpo: "1x" is not a duration like 30m, 12h, 1d, 2w',
        '  layers[1].secret: a literal secret where a secret reference belongs: secrets never go in this file; use a secret reference: {"command": "..."}, {"file": "/path"} or {"env": "NAME"}',
        '  layers[1].host: no host named "pbs2"',
        '',
      ].join('\n'),
    );
    expect(r.stdout).toBe('');
  });

  it('reports invalid JSON and a missing file as bad config, and a wrong subcommand as usage', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "version": 1,\n  "hosts": [}\n');
    const r = await strata(['config', 'check', '--config', broken]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('(file): invalid JSON at line 3, column 13:');
    expect((await strata(['config', 'check', '--config', join(dir, 'none.json')])).code).toBe(78);
    expect((await strata(['config', 'chek'])).code).toBe(64);
  });
});

describe('strata retention', () => {
  const times = ['2024-01-10T20:00:00Z', '2024-01-10T12:00:00Z', '1704852000', '2024-01-09 05:00:00Z', '2024-01-08T05:00:00Z'].join('\n');

  it('prints each point newest first with keep/remove and the rule (PBS keeps 5 of the worked example)', async () => {
    const r = await strata(['retention', '--semantics', 'pbs', '--keep', 'keep-last=3,keep-daily=2', '--tz', 'UTC'], `${times}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '2024-01-10T20:00:00Z  keep    keep-last',
        '2024-01-10T12:00:00Z  keep    keep-last',
        '2024-01-10T02:00:00Z  keep    keep-last',
        '2024-01-09T05:00:00Z  keep    keep-daily',
        '2024-01-08T05:00:00Z  keep    keep-daily',
        'keep 5, remove 0 (pbs, keep-last=3,keep-daily=2, UTC)',
        '',
      ].join('\n'),
    );
  });

  it('gives JSON with --json (restic keeps 4)', async () => {
    const r = await strata(['retention', '--semantics', 'restic', '--keep', 'keep-last=3,keep-daily=2', '--tz', 'Europe/Berlin', '--json'], times);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { time: '2024-01-10T20:00:00Z', action: 'keep', reason: 'keep-last' },
      { time: '2024-01-10T12:00:00Z', action: 'keep', reason: 'keep-last' },
      { time: '2024-01-10T02:00:00Z', action: 'keep', reason: 'keep-last' },
      { time: '2024-01-09T05:00:00Z', action: 'keep', reason: 'keep-daily' },
      { time: '2024-01-08T05:00:00Z', action: 'remove', reason: null },
    ]);
  });

  it('reads --file, protected marks, and local times in --tz', async () => {
    const file = join(dir, 'times.txt');
    writeFileSync(file, '# vzdump archives\n2024-01-10 02:00\n2024-01-09 02:00 protected\n\n2024-01-08 02:00\n');
    const r = await strata(['retention', '--semantics', 'pve', '--keep', 'keep-last=1', '--tz', 'Europe/Berlin', '--file', file, '--json']);
    expect(JSON.parse(r.stdout)).toEqual([
      { time: '2024-01-10T01:00:00Z', action: 'keep', reason: 'keep-last' },
      { time: '2024-01-09T01:00:00Z', action: 'keep', reason: 'protected' },
      { time: '2024-01-08T01:00:00Z', action: 'remove', reason: null },
    ]);
  });

  it('prints an empty plan for empty input', async () => {
    const r = await strata(['retention', '--semantics', 'restic-0.14', '--keep', 'keep-daily=7', '--tz', 'UTC', '--json'], '');
    expect(r).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('refuses bad input with exit 64, naming the line or option', async () => {
    const run = (args: string[], stdin = '2024-01-10T20:00:00Z') => strata(['retention', ...args], stdin);
    const base = ['--semantics', 'pbs', '--tz', 'UTC'];
    const cases: [string[], string, RegExp][] = [
      [[...base, '--keep', 'keep-last=2'], '2024-01-10T20:00:00Z\nyesterday\n', /^strata retention: line 2: "yesterday" is not a time/],
      [[...base, '--keep', 'keep-last=2'], '2024-02-30T00:00:00Z', /^strata retention: line 1: "2024-02-30T00:00:00Z" is not a valid date/],
      [[...base, '--keep', 'keep-last=2'], '2024-01-10T20:00:00Z keep', /^strata retention: line 1: .*only "protected" or "partial" may follow/],
      [[...base, '--keep', 'keep-dayly=2'], '', /^strata retention: --keep: unknown keep option "keep-dayly" \(did you mean keep-daily\?\)/],
      [[...base, '--keep', 'keep-daily=-3'], '', /^strata retention: --keep: keep-daily=-3: a count cannot be negative/],
      [[...base, '--keep', 'keep-within=2d'], '', /^strata retention: --keep: keep-within exists only for restic \(not pbs\)/],
      [['--semantics', 'borg', '--keep', 'keep-last=1'], '', /^strata retention: --semantics "borg": expected one of pbs, pve, restic, restic-0.14/],
      [['--keep', 'keep-last=1'], '', /^strata retention: --semantics is required/],
      [['--semantics', 'pbs', '--keep', 'keep-last=1', '--tz', 'Mars/Olympus'], '', /^strata retention: --tz: "Mars\/Olympus" is not a time zone/],
      [[...base, '--keep', 'keep-last=1', '--bogus'], '', /^strata retention: Unknown option '--bogus'/],
    ];
    for (const [args, stdin, message] of cases) {
      const r = await run(args, stdin);
      expect(r.code, args.join(' ')).toBe(64);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('works through bin/strata.js', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin/strata.js'), 'retention', '--semantics', 'pbs', '--keep', 'keep-last=3,keep-daily=2', '--tz', 'UTC', '--json'], {
      input: times,
      encoding: 'utf8',
      cwd: root,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(5);
    const check = spawnSync(process.execPath, [join(root, 'bin/strata.js'), 'config', 'check', '--config', example], { encoding: 'utf8', cwd: root });
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('is valid: 5 hosts, 10 layers, 4 tiers');
  });
});
