/**
 * `strata status` and `strata commands` as an operator or a monitoring system
 * calls them (in-process through main), against real sshd hosts with the
 * stand-in Proxmox tools: usage and config errors run nothing, filters read
 * only what they name, the table reads without colour, and the command list
 * holds every command that really runs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HostCommands } from '../../src/cli/commands-list.js';
import { composeServices } from '../../src/services/root.js';
import { parseInventoryText } from '../../src/domain/inventory.js';
import { readStatus } from '../../src/services/status-service.js';
import { describeWithTools } from '../helpers/tools.js';
import { recording, unlisted, type RecordedCommand } from '../helpers/status/command-drift.js';
import { statusJson, strata } from '../helpers/status/run-strata.js';
import {
  closedPortHost,
  hostEntry,
  STANDIN_HOSTS,
  standinInventory,
  startStandinLab,
  type StandinHost,
  type StandinLab,
} from '../helpers/status/standin-lab.js';

describeWithTools(['sshd'], 'strata status and strata commands on the command line', () => {
  let lab: StandinLab;
  let inventory: string;

  beforeAll(async () => {
    lab = await startStandinLab();
    inventory = lab.writeInventory('homelab', standinInventory(lab));
  });
  afterAll(async () => {
    await lab?.stop();
  });
  beforeEach(() => {
    lab.setScenarios();
    lab.clearCalls();
  });

  const connections = () => Object.fromEntries(STANDIN_HOSTS.map((h) => [h, lab.hosts[h].connectionCount()])) as Record<StandinHost, number>;
  const standinCalls = () => STANDIN_HOSTS.flatMap((h) => lab.calls(h));

  describe('strata status', () => {
    it('exits 64 with the usage for a bad flag, an argument, or a host or layer the inventory lacks, and runs nothing', async () => {
      const before = connections();
      for (const [args, said] of [
        [['--bogus'], "Unknown option '--bogus'"],
        [['extra'], "Unexpected argument 'extra'"],
        [['--host'], "Option '--host <value>' argument missing"],
        [['--host', 'pve9'], 'no host named "pve9"'],
        [['--layer', 'pbs-locl'], 'no layer named "pbs-locl"'],
      ] as const) {
        const r = await strata(['status', '--config', inventory, ...args]);
        expect(r.code, args.join(' ')).toBe(64);
        expect(r.stderr).toContain(said);
        expect(r.stderr).toContain('Usage: strata status [--config FILE] [--json] [--host NAME]... [--layer ID]...');
        expect(r.stdout).toBe('');
      }
      expect(connections()).toEqual(before);
      expect(standinCalls()).toEqual([]);
    });

    it('exits 78 for a bad inventory, listing every problem with its path, and contacts no host', async () => {
      const good = standinInventory(lab);
      const bad = lab.writeInventory('bad', {
        ...good,
        layers: [
          ...good.layers,
          { id: 'pbs-local', kind: 'pbs', host: 'pbs1', repository: 'r', rpo: 'daily' },
          { id: 'cloud', kind: 'restic', host: 'pbs3', repository: 's3:x', secret: { file: '/p' } },
        ],
      });
      const before = connections();
      for (const args of [['--json'], []]) {
        const r = await strata(['status', '--config', bad, ...args]);
        expect(r.code).toBe(78);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(`strata: the inventory ${bad} has 3 problems:`);
        expect(r.stderr).toContain('  layers[5].rpo: "daily" is not a duration like 30m, 12h, 1d, 2w');
        expect(r.stderr).toMatch(/ {2}layers\[5\]\.id: .*pbs-local/);
        expect(r.stderr).toMatch(/ {2}layers\[6\]\.host: no host named "pbs3"/);
      }
      const missing = await strata(['status', '--config', join(lab.dir, 'nowhere.json')]);
      expect(missing.code).toBe(78);
      expect(missing.stderr).toContain('no inventory file at');
      expect(connections()).toEqual(before);
      expect(standinCalls()).toEqual([]);
    });

    it('--host reads that host alone: only its layers decide the exit code, and no other host is contacted', async () => {
      lab.setScenarios({ pbs1: 'pbs1-full' });
      const before = connections();
      const r = await strata(['status', '--json', '--config', inventory, '--host', 'pbs2']);
      expect(r.code).toBe(0);
      const report = statusJson(r);
      expect(report.overall).toBe('ok');
      expect(report.hosts.map((h) => h.name)).toEqual(['pbs2']);
      expect(report.layers.map((l) => [l.id, l.health])).toEqual([['pbs-remote', 'ok']]);
      expect(report.assets).toEqual([]);
      const after = connections();
      expect([after.pve1 - before.pve1, after.pbs1 - before.pbs1, after.pbs2 - before.pbs2]).toEqual([0, 0, 1]);
    });

    it('--layer reads those layers and their hosts; their health decides the exit code, and workloads are left out', async () => {
      lab.setScenarios({ pbs1: 'pbs1-full', pve1: 'pve1-failed-task' });
      const r = await strata(['status', '--json', '--config', inventory, '--layer', 'pbs-local', '--layer', 'pve1-config']);
      expect(r.code).toBe(2);
      const report = statusJson(r);
      expect(report.hosts.map((h) => h.name)).toEqual(['pve1', 'pbs1']);
      expect(report.layers.map((l) => [l.id, l.health])).toEqual([
        ['pve1-config', 'ok'],
        ['pbs-local', 'crit'],
      ]);
      expect(report.assets).toEqual([]);
      // The failed vzdump task is on a layer that was not asked about: pvesh never ran.
      expect(lab.calls('pve1')).toEqual([]);
      expect(lab.calls('pbs2')).toEqual([]);
    });

    it('prints a table that reads without colour: glyph and word per health, each reason under its line (NO_COLOR)', async () => {
      lab.setScenarios({ pve1: 'pve1-no-job', pbs1: 'pbs1-full' });
      const mixed = lab.writeInventory('mixed', standinInventory(lab, { pbs2: await closedPortHost('pbs2', lab.hosts.pbs2) }));
      const r = await strata(['status', '--config', mixed], { tty: true, env: { NO_COLOR: '1' } });
      expect(r.code).toBe(2);
      expect(r.stdout).not.toContain('\x1b[');
      const lines = r.stdout.split('\n');
      const line = (start: RegExp) => {
        const i = lines.findIndex((l) => start.test(l));
        expect(i, String(start)).toBeGreaterThanOrEqual(0);
        return { text: lines[i]!, next: lines[i + 1] ?? '' };
      };
      expect(lines[0]).toMatch(/^Strata status at \d{4}-\d\d-\d\d \d\d:\d\dZ: overall ✖ CRIT$/);
      expect(line(/^HEALTH +HOST +LAYER +KIND +NEWEST POINT +AGE \/ RPO +POINTS$/).text).toBeTruthy();
      expect(line(/^✔ OK +pve1 +pve1-snap +pve-snapshots /).text).toBeTruthy();
      const dump = line(/^▲ WARN +pve1 +pve1-dump +vzdump +\d{4}-\d\d-\d\d \d\d:\d\dZ +4 h 5\d min \/ 24 h +3$/);
      expect(dump.next).toBe('      - pve1-dump: vm/105 (test) is in no backup job');
      expect(line(/^✖ CRIT +pbs1 +pbs-local +pbs /).next).toBe('      - pbs-local: store1 is 93 % full (1.9 TiB of 2.0 TiB), over 90 %');
      expect(line(/^\? UNKNOWN +pbs2 +pbs-remote +pbs +- +- \/ 2 d +0$/).next).toMatch(/^ {6}- pbs-remote: host pbs2 (is )?unreachable: .*ECONNREFUSED/);
      expect(line(/^\? UNKNOWN +pbs2 +UNREACHABLE +clock \?$/).text).toBeTruthy();
      expect(line(/^HEALTH +ASSET +NAME +TIER +COPIES +MEDIA +OFFSITE$/).text).toBeTruthy();
      // VM 105 has no point anywhere, but the unreadable off-site PBS might hold one: not known, rather than critical.
      const v105 = line(/^\? UNKNOWN +vm\/105 +test +- +1\/2 +0\/1 +0\/0$/);
      expect(v105.next).toBe('      - vm/105: copies not known: pbs-remote could not be read');
      expect(line(/^\? UNKNOWN +vm\/100 +web01 +tier0 +3\/3 +2\/2 +0\/1$/).text).toBeTruthy();
    });

    it('colours the health on a terminal, and not when NO_COLOR is set or the output is not a terminal', async () => {
      const tty = await strata(['status', '--config', inventory], { tty: true });
      expect(tty.code).toBe(0);
      expect(tty.stdout).toContain('\x1b[32m✔ OK');
      expect((await strata(['status', '--config', inventory], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\x1b[');
      expect((await strata(['status', '--config', inventory])).stdout).not.toContain('\x1b[');
    });
  });

  describe('strata commands', () => {
    it('lists per host the exact commands, with environment and secret sources but never a secret value', async () => {
      const withEnvSecret = standinInventory(lab);
      const pbsLocal = withEnvSecret.layers.find((l) => l.id === 'pbs-local')!;
      const config = lab.writeInventory('env-secret', {
        ...withEnvSecret,
        layers: withEnvSecret.layers.map((l) => (l === pbsLocal ? { ...pbsLocal, secret: { env: 'PBS1_TOKEN' } } : l)),
      });
      const env = { PBS1_TOKEN: 'hunter2-token-value' };
      const text = await strata(['commands', '--config', config], { env });
      expect(text.code).toBe(0);
      expect(text.stdout).not.toContain('hunter2');
      expect(text.stdout).toContain(
        [
          'pbs1:',
          "  date '+%s %z'",
          '      # host clock and time zone',
          "  PBS_PASSWORD=<secret> proxmox-backup-client snapshot list --repository 'strata@pbs!ro@127.0.0.1:store1' --output-format json",
          '      # read pbs (pbs-local)',
        ].join('\n'),
      );
      expect(text.stdout).toContain(`  PBS_PASSWORD_CMD='cat ${join(lab.dir, 'pbs2.token')}' proxmox-backup-client status --repository 'strata@pbs!ro@127.0.0.1:offsite' --output-format json`);
      expect(text.stdout).toContain("  pvesh get '/nodes/pve1/qemu/{vmid}/snapshot' --output-format json");
      // An operator restricting the key learns how the commands arrive: through `exec sh`, so not by a forced command.
      expect(text.stdout).toMatch(/through long-lived\nshells Strata starts with `exec sh`.*A forced command in authorized_keys\ntherefore cannot pin these lines/s);

      const json = await strata(['commands', '--json', '--config', config], { env });
      expect(json.code).toBe(0);
      expect(json.stdout).not.toContain('hunter2');
      const listing = JSON.parse(json.stdout) as HostCommands[];
      expect(listing.map((h) => h.host)).toEqual(['pve1', 'pbs1', 'pbs2']);
      expect(listing[1]!.commands.find((c) => c.argv[1] === 'snapshot')).toMatchObject({ layer: 'pbs-local', secrets: ['PBS_PASSWORD'], env: {}, secretsFrom: {} });
      expect(listing[0]!.commands.map((c) => c.argv.join(' '))).toContain(`find ${lab.configDir} -maxdepth 1 -type f -name strata-config-*.tar.gz -printf %T@ %s %p\\n`);
    });

    async function ranCommands(config: string): Promise<RecordedCommand[]> {
      const text = readFileSync(config, 'utf8');
      const parsed = parseInventoryText(text);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      const session = composeServices({ inventory: parsed.inventory, configPath: config, env: {} });
      const log: RecordedCommand[] = [];
      try {
        await readStatus(parsed.inventory, recording(session.collector, log));
      } finally {
        await session.close();
      }
      return log;
    }

    async function listing(config: string): Promise<HostCommands[]> {
      const r = await strata(['commands', '--json', '--config', config]);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as HostCommands[];
    }

    it('lists every command the collector really runs on each host, in every scenario (the list cannot drift)', async () => {
      const listed = await listing(inventory);
      const ran: RecordedCommand[] = [];
      for (const pve1 of ['pve1-healthy', 'pve1-no-job', 'pve1-failed-task', 'pve1-html']) {
        lab.setScenarios({ pve1, pbs1: pve1 === 'pve1-html' ? 'pbs1-truncated' : 'pbs1-verify-failed' });
        ran.push(...(await ranCommands(inventory)));
      }
      expect(unlisted(ran, listed)).toEqual([]);
      // The guest snapshot probes ran for every guest (105 only in the no-job scenario) and matched {vmid}.
      const snapshotPaths = new Set(ran.filter((r) => r.cmd.argv[2]?.endsWith('/snapshot')).map((r) => r.cmd.argv[2]));
      expect([...snapshotPaths].sort()).toEqual(['/nodes/pve1/lxc/101/snapshot', '/nodes/pve1/qemu/100/snapshot', '/nodes/pve1/qemu/105/snapshot']);
      const hostsRan = new Set(ran.map((r) => r.host));
      expect([...hostsRan].sort()).toEqual(['pbs1', 'pbs2', 'pve1']);
    });

    it('shows {node} for a PVE host named by `hostname`, and the commands that run there match it', async () => {
      // A scenario whose node is this machine's host name, so the stand-in pvesh answers for it.
      const scenario = join(lab.dir, 'pve1-hostname');
      mkdirSync(scenario, { recursive: true });
      writeFileSync(join(scenario, 'base'), 'pve1-healthy\n');
      writeFileSync(join(scenario, 'node'), `${hostname()}\n`);
      lab.setScenarios({ pve1: scenario });
      const inv = standinInventory(lab, { pve1: hostEntry('pve1', lab.hosts.pve1) });
      const config = lab.writeInventory('no-node', inv);

      const listed = await listing(config);
      const pve1 = listed.find((h) => h.host === 'pve1')!.commands.map((c) => c.command);
      expect(pve1).toContain('hostname');
      expect(pve1).toContain("pvesh get '/nodes/{node}/tasks' --typefilter vzdump --limit 50 --output-format json");
      const ran = await ranCommands(config);
      expect(ran.filter((r) => r.host === 'pve1').map((r) => r.cmd.argv[0])).toContain('hostname');
      expect(ran.some((r) => r.cmd.argv[2] === `/nodes/${hostname()}/tasks`)).toBe(true);
      expect(unlisted(ran, listed)).toEqual([]);
      const r = await strata(['status', '--json', '--config', config]);
      expect(statusJson(r).layers.find((l) => l.id === 'pve1-dump')).toMatchObject({ health: 'ok', points: 3 });
    });

    it('exits 78 for a bad inventory and 64 for an unknown flag, contacting no host', async () => {
      const before = connections();
      const bad = lab.writeInventory('bad-commands', { version: 1, hosts: [{ name: 'a' }], layers: [{ id: 'x', kind: 'vzdump', host: 'b', storage: 's' }] } as never);
      const r = await strata(['commands', '--config', bad]);
      expect(r.code).toBe(78);
      expect(r.stderr).toContain('layers[0].host: no host named "b"');
      const u = await strata(['commands', '--bogus']);
      expect(u.code).toBe(64);
      expect(u.stderr).toContain('Usage: strata commands');
      expect(connections()).toEqual(before);
    });
  });

  it('keeps the per-host stand-in call logs apart (a sanity check of the lab itself)', async () => {
    await strata(['status', '--json', '--config', inventory, '--host', 'pve1']);
    const tools = (h: StandinHost) => new Set(lab.calls(h).map((c) => c[0]));
    expect([...tools('pve1')]).toEqual(['pvesh']);
    expect(tools('pbs1').size + tools('pbs2').size).toBe(0);
  });
});
