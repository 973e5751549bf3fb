/**
 * The collector over strict fake runners (exact argv; an unexpected command or
 * an expected one that never ran fails the test): concurrency within a host,
 * hosts independent of each other, probe timeouts, unreachable hosts, the
 * host clock, replication across two hosts, and host/layer filters.
 */
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { validateInventory, type Inventory } from '../../src/domain/inventory.js';
import type { LayerObservation } from '../../src/domain/types.js';
import { collect, type CollectOptions, type CollectorDeps } from '../../src/services/collector.js';
import { readLayer } from '../../src/kinds/read.js';
import { readStatus } from '../../src/services/status-service.js';
import { TransportError } from '../../src/transport/errors.js';
import type { Command } from '../../src/transport/command.js';
import type { RunOptions, RunResult, Runner } from '../../src/transport/runner.js';
import { FakeRunner } from '../helpers/fake-runner.js';

/** Local clock of the tests: fractional, as Date.now() / 1000 is. */
const LOCAL = 1_770_000_000.5;
const CLOCK = ['date', '+%s %z'];
const HOUR = 3600;

let runners: FakeRunner[] = [];
afterEach(() => {
  const all = runners;
  runners = [];
  for (const r of all) r.assertDone();
});

function hosts<N extends string>(...names: N[]): Record<N, FakeRunner> {
  const out = {} as Record<N, FakeRunner>;
  for (const n of names) {
    out[n] = new FakeRunner(n);
    runners.push(out[n]);
  }
  return out;
}

function inventoryOf(json: Record<string, unknown>): Inventory {
  const r = validateInventory({ version: 1, ...json });
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return r.inventory;
}

function deps(fakes: Record<string, Runner>, localNow = () => LOCAL): CollectorDeps {
  return {
    runnerFor: (h) => {
      const r = fakes[h];
      if (!r) throw new Error(`no runner for ${h}`);
      return r;
    },
    readLayer,
    localNowSec: localNow,
    lookupEnv: () => undefined,
  };
}

/** `date '+%s %z'` as the host prints it, `skew` seconds off our clock. */
const clockReply = (skew = 0, offset = '+0000') => `${Math.floor(LOCAL) + skew} ${offset}\n`;

const resticLayer = (id: string, host: string, repo = `/srv/${id}`) => ({
  id,
  kind: 'restic',
  host,
  repository: repo,
  secret: { file: '/root/.restic-pass' },
  rpo: '1d',
});

const resticArgv = ['restic', 'snapshots', '--json'];
const resticEnv = (repo: string) => ({ RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_FILE: '/root/.restic-pass' });

/** `restic snapshots --json` with one snapshot of `path` per time (epoch seconds, host clock). */
function resticSnapshots(host: string, path: string, times: number[]): string {
  return JSON.stringify(
    times.map((t, i) => ({
      time: new Date(t * 1000).toISOString(),
      tree: 'a'.repeat(64),
      paths: [path],
      hostname: host,
      username: 'root',
      id: `${i}`.padStart(64, 'b'),
      short_id: `${i}`.padStart(8, 'b'),
    })),
  );
}

/**
 * A replication reader may also read the health of the target's pool: this
 * answers those probes (a healthy pool `backup`) and passes everything else
 * to the strict fake, so the test is about reading two hosts, not about pools.
 */
function answeringPoolProbes(fake: FakeRunner): Runner {
  const pool = (argv: readonly string[]): RunResult | null => {
    if (argv[0] !== 'zpool') return null;
    if (argv[1] === 'status') return { stdout: 'all pools are healthy\n', stderr: '', exitCode: 0, durationMs: 0 };
    return { stdout: 'backup\t1073741824\t107374182\t966367642\t10\tONLINE\n', stderr: '', exitCode: 0, durationMs: 0 };
  };
  return {
    host: fake.host,
    run: (cmd, opts) => {
      const r = pool(cmd.argv);
      return r ? Promise.resolve(r) : fake.run(cmd, opts);
    },
    stream: (cmd, opts) => fake.stream(cmd, opts),
    close: () => fake.close(),
  };
}

const zfsList = (dataset: string) => ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', dataset];

describe('collector', () => {
  it('reads the clock first, then runs the probes of all layers of a host at once over its runner', async () => {
    const { h1 } = hosts('h1');
    h1.on(CLOCK, clockReply());
    for (const id of ['a', 'b', 'c']) h1.on(resticArgv, { stdout: '[]' }, { env: resticEnv(`/srv/${id}`), delayMs: 40 });
    const inv = inventoryOf({ hosts: [{ name: 'h1' }], layers: ['a', 'b', 'c'].map((id) => resticLayer(id, 'h1')) });

    const c = await collect(inv, deps({ h1 }));
    expect(h1.calls[0]!.argv).toEqual(CLOCK);
    expect(h1.maxInFlight).toBe(3);
    expect(c.layers.map((l) => [l.layerId, l.errors])).toEqual([
      ['a', []],
      ['b', []],
      ['c', []],
    ]);
  });

  it('delivers a quick host\'s layers while another host hangs until its probe times out', async () => {
    const { slow, quick } = hosts('slow', 'quick');
    slow.on(CLOCK, new TransportError('timeout', { host: 'slow', detail: 'after 300 ms' }), { delayMs: 300 });
    quick.on(CLOCK, clockReply());
    quick.on(resticArgv, { stdout: '[]' }, { env: resticEnv('/srv/q') });
    const inv = inventoryOf({
      hosts: [{ name: 'slow' }, { name: 'quick' }],
      layers: [resticLayer('s', 'slow'), resticLayer('q', 'quick')],
    });

    const events: { what: string; at: number }[] = [];
    const c = await collect(inv, deps({ slow, quick }), {
      probeTimeoutMs: 300,
      onLayer: (o) => events.push({ what: `layer ${o.layerId}`, at: performance.now() }),
      onHost: (h) => events.push({ what: `host ${h.name} ${h.reachable ? 'up' : 'down'}`, at: performance.now() }),
    });
    expect(events.map((e) => e.what)).toEqual(['host quick up', 'layer q', 'host slow down', 'layer s']);
    const at = (what: string) => events.find((e) => e.what === what)!.at;
    expect(at('layer q')).toBeLessThan(at('host slow down'));
    // The collection is in inventory order whatever the order of arrival.
    expect(c.layers.map((l) => l.layerId)).toEqual(['s', 'q']);
    expect(c.hosts.map((h) => [h.name, h.reachable])).toEqual([
      ['slow', false],
      ['quick', true],
    ]);
  });

  it('gives every probe, the clock included, the probe timeout; a probe that times out makes only its layer UNKNOWN', async () => {
    const { h1 } = hosts('h1');
    h1.on(CLOCK, clockReply());
    h1.on(resticArgv, new TransportError('timeout', { host: 'h1', detail: 'after 1234 ms; the remote process was ended (exit 143)' }), {
      env: resticEnv('/srv/hung'),
    });
    h1.on(resticArgv, { stdout: resticSnapshots('h1', '/srv/app', [Math.floor(LOCAL) - HOUR]) }, { env: resticEnv('/srv/fine') });
    const inv = inventoryOf({ hosts: [{ name: 'h1' }], layers: [resticLayer('hung', 'h1'), resticLayer('fine', 'h1')] });

    const { report, collection } = await readStatus(inv, deps({ h1 }), { probeTimeoutMs: 1234 });
    expect(h1.calls.map((c) => c.timeoutMs)).toEqual([1234, 1234, 1234]);
    expect(collection.layers[0]!.errors).toEqual([
      { kind: 'transport', message: 'restic snapshots: command on h1 timed out: after 1234 ms; the remote process was ended (exit 143)' },
    ]);
    const hung = report.layers.find((l) => l.id === 'hung')!;
    expect(hung.health).toBe('unknown');
    expect(hung.reasons).toEqual(['hung: could not be read completely: restic snapshots: command on h1 timed out: after 1234 ms; the remote process was ended (exit 143)']);
    expect(report.layers.find((l) => l.id === 'fine')).toMatchObject({ health: 'ok', points: 1, ageSeconds: HOUR });
    expect(report.hosts[0]!.health).toBe('ok');
  });

  it("gives every probe the inventory's probeTimeoutSeconds when the caller sets none (20 s when the file says nothing)", async () => {
    const { h1, h2 } = hosts('h1', 'h2');
    for (const h of [h1, h2]) {
      h.on(CLOCK, clockReply());
      h.on(resticArgv, { stdout: resticSnapshots(h.host, '/srv/app', [Math.floor(LOCAL) - HOUR]) }, { env: resticEnv(`/srv/r-${h.host}`) });
    }
    const layers = (host: string) => [resticLayer(`r-${host}`, host)];
    await readStatus(inventoryOf({ hosts: [{ name: 'h1' }], layers: layers('h1'), probeTimeoutSeconds: 75 }), deps({ h1 }));
    await readStatus(inventoryOf({ hosts: [{ name: 'h2' }], layers: layers('h2') }), deps({ h2 }));
    expect(h1.calls.map((c) => c.timeoutMs)).toEqual([75_000, 75_000]);
    expect(h2.calls.map((c) => c.timeoutMs)).toEqual([20_000, 20_000]);
  });

  it('makes every layer of an unreachable host UNKNOWN with the reason, and runs nothing else there', async () => {
    const { down, up } = hosts('down', 'up');
    down.on(CLOCK, new TransportError('unreachable', { host: 'down', detail: 'root@192.0.2.9:22: connect ECONNREFUSED 192.0.2.9:22' }));
    up.on(CLOCK, clockReply());
    up.on(resticArgv, { stdout: '[]' }, { env: resticEnv('/srv/u') });
    const inv = inventoryOf({
      hosts: [{ name: 'down', address: '192.0.2.9' }, { name: 'up' }],
      layers: [resticLayer('d1', 'down'), resticLayer('d2', 'down'), resticLayer('u', 'up')],
    });

    const { report, collection } = await readStatus(inv, deps({ down, up }));
    const why = 'host down is unreachable: root@192.0.2.9:22: connect ECONNREFUSED 192.0.2.9:22';
    expect(collection.hosts[0]).toMatchObject({ name: 'down', reachable: false, error: why, clockSkewSeconds: null });
    for (const id of ['d1', 'd2']) {
      expect(collection.layers.find((l) => l.layerId === id)!.errors).toEqual([{ kind: 'transport', message: why }]);
      const l = report.layers.find((x) => x.id === id)!;
      expect(l.health).toBe('unknown');
      expect(l.reasons).toHaveLength(1);
      expect(l.reasons[0]).toContain(why);
    }
    expect(report.hosts.map((h) => [h.name, h.health, h.reachable])).toEqual([
      ['down', 'unknown', false],
      ['up', 'ok', true],
    ]);
    // `up` has no points at all, which is crit; `down` is unknown: the worst is crit.
    expect(report.overall).toBe('crit');
  });

  it('warns about a host clock 5 min ahead, keeps its time zone, and ages its points in its own time', async () => {
    const { h1 } = hosts('h1');
    const hostNow = Math.floor(LOCAL) + 300;
    h1.on(CLOCK, clockReply(300, '+0100'));
    // restic stores the time of the host's clock: an hour before the host's now.
    h1.on(resticArgv, { stdout: resticSnapshots('h1', '/srv/app', [hostNow - HOUR]) }, { env: resticEnv('/srv/a') });
    const inv = inventoryOf({ hosts: [{ name: 'h1' }], layers: [resticLayer('a', 'h1')] });

    const { report, collection } = await readStatus(inv, deps({ h1 }));
    expect(collection.hosts[0]).toMatchObject({ clockSkewSeconds: 300, utcOffset: '+0100', readAtSec: hostNow });
    expect(collection.layers[0]!.readAtSec).toBe(hostNow);
    expect(report.hosts[0]).toMatchObject({ health: 'warn', clockSkewSeconds: 300, reasons: ['h1: clock is 5 min ahead of this host (more than 1 min)'] });
    expect(report.layers[0]).toMatchObject({ health: 'ok', ageSeconds: HOUR });
    expect(report.overall).toBe('warn');
  });

  it('warns about a reachable host whose clock cannot be read, and still reads its layers by this host\'s clock', async () => {
    const { h1 } = hosts('h1');
    // A date without %s (BusyBox built without it prints the format back).
    h1.on(CLOCK, '%s +0000\n');
    h1.on(resticArgv, { stdout: resticSnapshots('h1', '/srv/app', [Math.floor(LOCAL) - HOUR]) }, { env: resticEnv('/srv/a') });
    const inv = inventoryOf({ hosts: [{ name: 'h1' }], layers: [resticLayer('a', 'h1')] });
    const { report } = await readStatus(inv, deps({ h1 }));
    expect(report.hosts[0]).toMatchObject({
      reachable: true,
      health: 'warn',
      clockSkewSeconds: null,
      reasons: ['h1: cannot read the clock: date printed "%s +0000\\n"; ages use this host\'s clock'],
    });
    expect(report.layers[0]).toMatchObject({ health: 'ok', ageSeconds: HOUR });
  });

  it('measures the skew against the middle of the round trip', async () => {
    const { h1 } = hosts('h1');
    // The reply takes 4 s: the host read its clock about 2 s after we asked.
    h1.on(CLOCK, clockReply(2));
    const inv = inventoryOf({ hosts: [{ name: 'h1' }], layers: [] });
    const times = [LOCAL, LOCAL + 4];
    const c = await collect(inv, deps({ h1 }, () => times.shift() ?? LOCAL + 4), { hosts: ['h1'] });
    expect(c.hosts[0]!.clockSkewSeconds).toBe(0);
  });

  it('reports how long sessions take to start on a host, as its runner measured them after the host probe; null where unknown', async () => {
    // The runner has measured its first session only once the clock probe has run.
    class SlowLogin extends FakeRunner {
      sessionStartMs: number | undefined = undefined;
      override async run(cmd: Command, opts?: RunOptions): Promise<RunResult> {
        const r = await super.run(cmd, opts);
        this.sessionStartMs = 4200;
        return r;
      }
    }
    const slow = new SlowLogin('slow');
    runners.push(slow);
    slow.on(CLOCK, clockReply());
    const { plain } = hosts('plain');
    plain.on(CLOCK, clockReply());
    const inv = inventoryOf({ hosts: [{ name: 'slow' }, { name: 'plain' }], layers: [] });
    const { report, collection } = await readStatus(inv, deps({ slow, plain }), { hosts: ['slow', 'plain'] });
    expect(collection.hosts.map((h) => h.sessionStartMs)).toEqual([4200, undefined]);
    expect(report.hosts.map((h) => [h.name, h.sessionStartMs])).toEqual([
      ['slow', 4200],
      ['plain', null],
    ]);
    expect(JSON.parse(JSON.stringify(report)).hosts[1]).toHaveProperty('sessionStartMs', null);
  });

  it('reads a replication from its source host and its target host', async () => {
    const { nas1, nas2 } = hosts('nas1', 'nas2');
    const t = Math.floor(LOCAL);
    nas1.on(CLOCK, clockReply());
    nas2.on(CLOCK, clockReply());
    nas1.on(zfsList('tank/data'), `tank/data@s1\t${t - 2 * HOUR}\t0\ntank/data@s2\t${t - HOUR}\t0\n`);
    nas2.on(zfsList('backup/data'), `backup/data@s1\t${t - 2 * HOUR}\t4096\n`);
    const inv = inventoryOf({
      hosts: [{ name: 'nas1' }, { name: 'nas2' }],
      layers: [{ id: 'repl', kind: 'zfs-replication', host: 'nas2', source: { host: 'nas1', dataset: 'tank/data' }, target: { dataset: 'backup/data' }, rpo: '1d' }],
    });

    const { report, collection } = await readStatus(inv, deps({ nas1, nas2: answeringPoolProbes(nas2) }));
    expect(collection.hosts.map((h) => h.name)).toEqual(['nas1', 'nas2']);
    expect(collection.layers[0]!.points).toEqual([
      { layerId: 'repl', assetId: 'dataset/tank/data', timeSec: t - 2 * HOUR, ref: 'backup/data@s1', sizeBytes: 4096 },
    ]);
    expect(report.layers[0]).toMatchObject({ health: 'ok', ageSeconds: 2 * HOUR, points: 1 });
  });

  it('makes a replication UNKNOWN when its source host is unreachable, naming that host', async () => {
    const { nas1, nas2 } = hosts('nas1', 'nas2');
    nas1.on(CLOCK, new TransportError('unreachable', { host: 'nas1', detail: 'connect ETIMEDOUT' }));
    // The target's clock answers later than the source's failure.
    nas2.on(CLOCK, clockReply(), { delayMs: 20 });
    const inv = inventoryOf({
      hosts: [{ name: 'nas1' }, { name: 'nas2' }],
      layers: [{ id: 'repl', kind: 'zfs-replication', host: 'nas2', source: { host: 'nas1', dataset: 'tank/data' }, target: { dataset: 'backup/data' } }],
    });
    const { report } = await readStatus(inv, deps({ nas1, nas2 }));
    expect(report.layers[0]!.health).toBe('unknown');
    expect(report.layers[0]!.reasons).toEqual(['repl: host nas1 is unreachable: connect ETIMEDOUT']);
  });

  describe('filters', () => {
    const inv = () =>
      inventoryOf({
        hosts: [{ name: 'h1' }, { name: 'h2' }, { name: 'nas1' }],
        layers: [
          resticLayer('a', 'h1'),
          resticLayer('b', 'h2'),
          resticLayer('c', 'h2'),
          { id: 'repl', kind: 'zfs-replication', host: 'h2', source: { host: 'nas1', dataset: 'tank/data' }, target: { dataset: 'backup/data' } },
        ],
      });

    async function run(opts: CollectOptions, expectOn: (f: Record<'h1' | 'h2' | 'nas1', FakeRunner>) => void) {
      const f = hosts('h1', 'h2', 'nas1');
      expectOn(f);
      const c = await collect(inv(), deps({ ...f, h2: answeringPoolProbes(f.h2) }), opts);
      return { hosts: c.hosts.map((h) => h.name), layers: c.layers.map((l: LayerObservation) => l.layerId) };
    }

    it('--host reads only that host and the layers on it', async () => {
      const r = await run({ hosts: ['h1'] }, (f) => {
        f.h1.on(CLOCK, clockReply()).on(resticArgv, '[]', { env: resticEnv('/srv/a') });
      });
      expect(r).toEqual({ hosts: ['h1'], layers: ['a'] });
    });

    it('--layer reads only that layer and its hosts, both hosts of a replication', async () => {
      const r = await run({ layers: ['c', 'repl'] }, (f) => {
        f.h2.on(CLOCK, clockReply()).on(resticArgv, '[]', { env: resticEnv('/srv/c') }).on(zfsList('backup/data'), '');
        f.nas1.on(CLOCK, clockReply()).on(zfsList('tank/data'), '');
      });
      expect(r).toEqual({ hosts: ['h2', 'nas1'], layers: ['c', 'repl'] });
    });

    it('--host and --layer together read what both select', async () => {
      const r = await run({ hosts: ['h2'], layers: ['b', 'a'] }, (f) => {
        f.h2.on(CLOCK, clockReply()).on(resticArgv, '[]', { env: resticEnv('/srv/b') });
      });
      expect(r).toEqual({ hosts: ['h2'], layers: ['b'] });
    });
  });

  it('asks a PVE host without a configured node for its host name, in the same round as the clock', async () => {
    const { pve } = hosts('pve');
    pve.on(CLOCK, clockReply(), { delayMs: 20 });
    pve.on(['hostname'], 'pve-a\n', { delayMs: 20 });
    pve.on(['pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'], '[{"id":"qemu/100","name":"web","node":"pve-a","status":"running","template":0,"type":"qemu","vmid":100}]');
    pve.on(['pvesh', 'get', '/nodes/pve-a/qemu/100/snapshot', '--output-format', 'json'], `[{"description":"","name":"s1","snaptime":${Math.floor(LOCAL) - HOUR}},{"description":"You are here!","digest":"x","name":"current","parent":"s1","running":1}]`);
    const inv = inventoryOf({ hosts: [{ name: 'pve' }], layers: [{ id: 'snap', kind: 'pve-snapshots', host: 'pve' }] });
    const c = await collect(inv, deps({ pve }));
    expect(pve.maxInFlight).toBeGreaterThanOrEqual(2);
    expect(c.layers[0]!.points.map((p) => p.ref)).toEqual(['s1']);
  });
});
