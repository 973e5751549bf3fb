/**
 * The stand-in pvesh / proxmox-backup-client / proxmox-backup-manager scripts
 * themselves: they answer only the exact probe argv, in a shape Strata's
 * parsers accept, with times relative to the call, and fail like the real
 * tools (stderr, exit 255) for anything else.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSnapshotList, parseTaskList } from '../../src/adapters/pbs/parse.js';
import { parseGuests, parseStorageContent, parseTasks } from '../../src/adapters/pve/parse.js';
import { STANDINS } from '../helpers/status/standin-lab.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-standin-tools-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'token'), 'pbs1-token-secret\n');

function tool(name: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(join(STANDINS, 'bin', name), args, { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', ...env } });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}

const J = ['--output-format', 'json'];

describe('stand-in pvesh', () => {
  const pvesh = (args: string[], scenario = 'pve1-healthy') => tool('pvesh', args, { STRATA_STANDIN_SCENARIO: scenario });

  it('answers the exact probes with output Strata parses, times relative to the call', () => {
    const before = Math.floor(Date.now() / 1000);
    const guests = pvesh(['get', '/cluster/resources', '--type', 'vm', ...J]);
    expect(guests.code).toBe(0);
    const parsed = parseGuests(guests.stdout, guests.stderr, guests.code);
    expect(parsed.ok && parsed.value.map((g) => g.vmid)).toEqual([100, 101, 9000]);

    const content = pvesh(['get', '/nodes/pve1/storage/local-backup/content', '--content', 'backup', ...J]);
    const archives = parseStorageContent(content.stdout, content.stderr, content.code);
    if (!archives.ok) throw new Error(archives.error.message);
    const newest = archives.value.at(-1)!;
    expect(Math.abs(before - 299 * 60 - newest.timeSec)).toBeLessThanOrEqual(2);
    // The archive name carries the same time, in the node's local time, as vzdump names it.
    const d = new Date(newest.timeSec * 1000);
    const p = (n: number) => String(n).padStart(2, '0');
    expect(newest.volid).toBe(`local-backup:backup/vzdump-lxc-101-${d.getFullYear()}_${p(d.getMonth() + 1)}_${p(d.getDate())}-${p(d.getHours())}_${p(d.getMinutes())}_${p(d.getSeconds())}.tar.zst`);

    const tasks = pvesh(['get', '/nodes/pve1/tasks', '--typefilter', 'vzdump', '--limit', '50', ...J], 'pve1-failed-task');
    const parsedTasks = parseTasks(tasks.stdout, tasks.stderr, tasks.code);
    if (!parsedTasks.ok) throw new Error(parsedTasks.error.message);
    const failed = parsedTasks.value.find((t) => t.id === '101')!;
    expect(failed.state).toBe('failed');
    // The UPID's hex start time is the task's start time.
    expect(parseInt(failed.upid.split(':')[4]!, 16)).toBe(failed.startTimeSec);
  });

  it('fails like pvesh, on stderr with exit 255, for a path, node, guest, storage or option it does not know', () => {
    const cases: [string[], string][] = [
      [['get', '/cluster/resourcez', ...J], "No 'get' handler defined for '/cluster/resourcez'"],
      [['get', '/nodes/pve2/tasks', '--typefilter', 'vzdump', '--limit', '50', ...J], "hostname lookup 'pve2' failed"],
      [['get', '/nodes/pve1/qemu/999/snapshot', ...J], "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist"],
      [['get', '/nodes/pve1/storage/nope/status', ...J], "storage 'nope' does not exist"],
      [['get', '/cluster/resources', ...J], '400 Parameter verification failed.'],
      [['set', '/cluster/resources'], "unknown command 'pvesh set /cluster/resources'"],
    ];
    for (const [args, said] of cases) {
      const r = pvesh(args);
      expect([r.code, r.stdout], args.join(' ')).toEqual([255, '']);
      expect(r.stderr).toContain(said);
    }
  });

  it('refuses to run without a scenario', () => {
    const r = tool('pvesh', ['get', '/cluster/backup', ...J], {});
    expect(r.code).toBe(70);
    expect(r.stderr).toContain('stand-in has no scenario');
  });
});

describe('stand-in PBS tools', () => {
  const repo = 'strata@pbs!ro@127.0.0.1:store1';
  const client = (args: string[], env: Record<string, string> = { PBS_PASSWORD_FILE: join(dir, 'token') }) =>
    tool('proxmox-backup-client', args, { STRATA_STANDIN_SCENARIO: 'pbs1-verify-failed', ...env });

  it('lists snapshots for the right repository and password, read from a file, a command or a value', () => {
    const ways: Record<string, string>[] = [{ PBS_PASSWORD_FILE: join(dir, 'token') }, { PBS_PASSWORD_CMD: `cat ${join(dir, 'token')}` }, { PBS_PASSWORD: 'pbs1-token-secret' }];
    for (const env of ways) {
      const r = client(['snapshot', 'list', '--repository', repo, ...J], env);
      const parsed = parseSnapshotList(r.stdout, r.stderr, r.code);
      if (!parsed.ok) throw new Error(parsed.error.message);
      expect(parsed.value.filter((s) => s.verification?.state === 'failed').map((s) => `${s.type}/${s.id}`)).toEqual(['vm/100']);
    }
  });

  it('fails like the client for a wrong password, no password, another datastore or an unknown option', () => {
    const cases: [string[], Record<string, string>, string][] = [
      [['snapshot', 'list', '--repository', repo, ...J], { PBS_PASSWORD: 'wrong' }, 'Error: authentication failed - invalid credentials'],
      [['snapshot', 'list', '--repository', repo, ...J], {}, 'Error: no password input mechanism available'],
      [['status', '--repository', 'strata@pbs!ro@127.0.0.1:store9', ...J], { PBS_PASSWORD: 'x' }, "Error: datastore 'store9' does not exist"],
      [['snapshot', 'list', '--repository', repo, '--verbose', ...J], { PBS_PASSWORD: 'x' }, 'Error: parameter verification errors: --verbose'],
    ];
    for (const [args, env, said] of cases) {
      const r = client(args, env);
      expect([r.code, r.stdout], said).toEqual([255, '']);
      expect(r.stderr).toContain(said);
    }
  });

  it('lists tasks only with --all, as the manager lists only running tasks without it', () => {
    const ok = tool('proxmox-backup-manager', ['task', 'list', '--all', '--limit', '100', ...J], { STRATA_STANDIN_SCENARIO: 'pbs1-verify-failed' });
    const parsed = parseTaskList(ok.stdout, ok.stderr, ok.code);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value.find((t) => t.workerType === 'verificationjob')).toMatchObject({ state: 'failed', status: 'verification failed - please check the log for details' });
    const without = tool('proxmox-backup-manager', ['task', 'list', '--limit', '100', ...J], { STRATA_STANDIN_SCENARIO: 'pbs1-healthy' });
    expect(without.code).toBe(255);
  });
});
