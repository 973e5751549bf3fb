/**
 * `strata notify` against the lab, its targets on loopback receivers: the
 * first run tells the healthy lab's problems, a node that stops answering is
 * one message naming it (its layers and workloads counted, none of them told
 * alone), the same state again tells nothing, its return is a recovery; a
 * receiver that refuses makes the run exit 75 naming it, and the message goes
 * out on the next run. --dry-run sends nothing. The panel's store sends on
 * its refreshes and says a failed send in its status line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appStore } from '../../src/cli/app.js';
import type { InventoryFile } from '../../src/domain/inventory-file.js';
import { validateInventory } from '../../src/domain/inventory.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { composeServices } from '../../src/services/root.js';
import { startReceiver, type Receiver } from '../helpers/outputs/receiver.js';
import { strata } from '../helpers/status/run-strata.js';

const HC = 'c0ffee00-1111-2222-3333-444455556666';

describe('strata notify on the lab', () => {
  let lab: Lab;
  let rx: Receiver;
  let config: string;
  let env: Record<string, string>;
  const hook = () => rx.received.filter((r) => r.url === '/hook').map((r) => JSON.parse(r.body) as { title: string; text: string; event: string; key: string });
  const pings = () => rx.received.filter((r) => r.url.startsWith(`/ping/${HC}`)).map((r) => r.url.slice(`/ping/${HC}`.length) || '/success');
  const clear = () => rx.received.splice(0);
  const notify = (...args: string[]) => strata(['notify', '--config', config, ...args], { env });

  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
    rx = await startReceiver();
    const file: InventoryFile = {
      ...lab.config,
      notifications: {
        remindEvery: '1d',
        targets: [
          { kind: 'webhook', name: 'hook', url: `${rx.url}/hook`, secretHeaders: { Authorization: { env: 'HOOK_AUTH' } } },
          { kind: 'healthchecks', name: 'deadman', url: `${rx.url}/ping`, check: { env: 'HC_CHECK' } },
        ],
      },
    };
    config = join(lab.dir, 'notify.json');
    writeFileSync(config, JSON.stringify(file));
    env = { STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-notify-state-')), HOOK_AUTH: 'Bearer hook-secret', HC_CHECK: HC, HOME: lab.dir };
  }, 60_000);

  afterAll(async () => {
    await rx?.close();
    await lab?.stop();
  });

  it('first run: what is wrong now is told once per root cause; the dead-man check gets start then its end', async () => {
    const r = await notify();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(pings()[0]).toBe('/start');
    expect(['/success', '/fail']).toContain(pings()[1]);
    const keys = hook().map((m) => m.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(rx.received.find((x) => x.url === '/hook')?.headers.authorization ?? 'Bearer hook-secret').toBe('Bearer hook-secret');
    clear();
    const again = await notify();
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing changed');
    expect(hook()).toEqual([]);
    expect(pings()).toHaveLength(2);
    clear();
  }, 60_000);

  it('a node that stops answering is one message naming it, counting its layers and workloads; its return is a recovery', async () => {
    lab.inject('pve1', { kind: 'unreachable' });
    const down = await notify();
    expect(down.code).toBe(0);
    const told = hook();
    expect(told.map((m) => m.key)).toEqual(['host:pve1']);
    expect(told[0]!.title).toMatch(/^(UNKNOWN|CRIT): host pve1$/);
    expect(told[0]!.text).toMatch(/Failing with it: \d+ layers? \(.+\); \d+ workloads? \(/);
    expect(pings()).toEqual(['/start', '/fail']);
    expect(rx.received.find((x) => x.url === `/ping/${HC}/fail`)!.body).toMatch(/host pve1 \(with \d+ layer\(s\), \d+ workload\(s\)\)/);
    clear();

    expect((await notify()).stdout).toContain('nothing changed');
    expect(hook()).toEqual([]);
    clear();

    lab.clear('pve1');
    const back = await notify();
    expect(back.code).toBe(0);
    expect(hook().map((m) => [m.event, m.title])).toEqual([['recovery', 'Recovered: host pve1']]);
    clear();
  }, 90_000);

  it('a receiver that refuses: exit 75 naming the target, and the message goes out first on the next run', async () => {
    lab.inject('pve1', { kind: 'unreachable' });
    rx.failAll(503);
    const failed = await notify();
    expect(failed.code).toBe(75);
    expect(failed.stderr).toMatch(/strata notify: not sent to hook after 3 attempts: (UNKNOWN|CRIT): host pve1: 127\.0\.0\.1:\d+ answered HTTP 503/);
    expect(failed.stderr).toContain('(kept for the next run)');
    expect(failed.stderr).not.toContain('hook-secret');
    rx.failAll(null);
    clear();
    const next = await notify();
    expect(next.code).toBe(0);
    expect(hook().map((m) => m.key)).toEqual(['host:pve1']);
    lab.clear('pve1');
    await notify();
    clear();
  }, 120_000);

  it('an inventory without targets is a configuration error for a timer, and a bad flag a usage error', async () => {
    const none = await strata(['notify', '--config', lab.configPath], { env });
    expect(none.code).toBe(78);
    expect(none.stderr).toContain('has no notification targets (see "notifications" in docs/inventory.md)');
    expect(rx.received).toEqual([]);
    const bad = await strata(['notify', '--config', config, '--dryrun'], { env });
    expect(bad.code).toBe(64);
  });

  it('--dry-run prints the messages and sends and keeps nothing', async () => {
    lab.inject('pve1', { kind: 'unreachable' });
    const dry = await notify('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/\[problem\] (UNKNOWN|CRIT): host pve1\n {2}/);
    expect(rx.received).toEqual([]);
    // Nothing was kept: the real run still has it to tell.
    await notify();
    expect(hook().map((m) => m.key)).toEqual(['host:pve1']);
    lab.clear('pve1');
    await notify();
    clear();
  }, 90_000);

  it('the panel sends on its refreshes and shows a failed send in its status line', async () => {
    const v = validateInventory(JSON.parse(JSON.stringify({ ...lab.config, notifications: { targets: [{ kind: 'webhook', name: 'panel-hook', url: `${rx.url}/hook` }] } })));
    if (!v.ok) throw new Error(JSON.stringify(v.problems));
    const services = composeServices({ inventory: v.inventory, configPath: join(lab.dir, 'panel.json'), env: { ...env, STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-panel-state-')) }, readOnly: true });
    try {
      lab.inject('pve1', { kind: 'unreachable' });
      rx.failAll(502);
      const store = appStore(services, { notifyOnRefresh: true });
      await store.getState().refresh();
      await until(() => store.getState().message?.text.startsWith('notify:'));
      expect(store.getState().message).toMatchObject({ tone: 'warn', text: expect.stringMatching(/^notify: not sent to panel-hook: (UNKNOWN|CRIT): host pve1: .*HTTP 502.*; kept for the next refresh$/) });
      rx.failAll(null);
      clear();
      await store.getState().refresh();
      await until(() => hook().length > 0);
      expect(hook().map((m) => m.key)).toEqual(['host:pve1']);
    } finally {
      lab.clear('pve1');
      rx.failAll(null);
      await services.close();
    }
  }, 90_000);
});

describe('strata notify on the burned site (the disaster lab)', () => {
  it('pve1 and pbs1 gone: two messages, one per dead host, everything else counted in them', async () => {
    const lab = await startLab({ scenario: 'disaster' });
    try {
      const config = join(lab.dir, 'notify.json');
      writeFileSync(config, JSON.stringify({ ...lab.config, notifications: { targets: [{ kind: 'webhook', name: 'hook', url: 'http://127.0.0.1:9/unused' }] } }));
      const r = await strata(['notify', '--config', config, '--dry-run'], { env: { STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-notify-state-')), HOME: lab.dir } });
      expect(r.code).toBe(0);
      // The health in a title is the worst of the root and what fails with it: pbs-remote, which only pbs1 fed,
      // turns CRIT once its last sync passes the RPO (a time of day in the lab), so pbs1's title may say either.
      expect(r.stdout.match(/^\[problem\] .*$/gm)).toEqual([expect.stringMatching(/^\[problem\] (UNKNOWN|CRIT): host pbs1$/), '[problem] UNKNOWN: host pve1']);
      // A guest failing with both dead hosts is counted once, under whichever root the fold meets first.
      expect(r.stdout).toMatch(/Failing with it: 4 layers \(pve1-snap, pve1-dump, pve1-config, pve1-config-offsite\); \d+ workloads? \(host\/pve1, /);
      const counted = [...r.stdout.matchAll(/; (\d+) workloads? \(/g)].reduce((n, m) => n + Number(m[1]), 0);
      expect(counted).toBeGreaterThanOrEqual(8);
    } finally {
      await lab.stop();
    }
  }, 60_000);
});

async function until(ok: () => boolean | undefined): Promise<void> {
  const end = Date.now() + 60_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
