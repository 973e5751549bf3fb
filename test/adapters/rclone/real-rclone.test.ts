/**
 * The rclone adapter and reader against real rclone (1.60 here) through the
 * real LocalRunner: a local remote, and `rclone serve webdav` on loopback as
 * the "cloud", with the config in a temp RCLONE_CONFIG.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { about, listRemote } from '../../../src/adapters/rclone/index.js';
import { readLayer, type ReaderContext } from '../../../src/kinds/read.js';
import { LocalRunner } from '../../../src/transport/local-runner.js';
import { describeWithTools } from '../../helpers/tools.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForListen(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`rclone serve exited with ${child.exitCode}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`, { method: 'PROPFIND', headers: { Depth: '0' } });
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('rclone serve webdav did not start');
}

describeWithTools(['rclone'], 'rclone adapter against real rclone', () => {
  let dir: string;
  let config: string;
  let server: ChildProcess | undefined;
  const runner = new LocalRunner('here');
  const newest = Date.UTC(2024, 0, 31, 4, 12, 9) / 1000;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-rclone-'));
    const copy = join(dir, 'copy');
    mkdirSync(join(copy, 'vm/100'), { recursive: true });
    writeFileSync(join(copy, 'vm/100/old.blob'), 'a'.repeat(100));
    writeFileSync(join(copy, 'vm/100/new.blob'), 'b'.repeat(20));
    utimesSync(join(copy, 'vm/100/old.blob'), newest - 86400, newest - 86400);
    utimesSync(join(copy, 'vm/100/new.blob'), newest, newest);
    mkdirSync(join(dir, 'empty'));
    const port = await freePort();
    config = join(dir, 'rclone.conf');
    writeFileSync(config, `[disk]\ntype = local\n\n[cloud]\ntype = webdav\nurl = http://127.0.0.1:${port}/\nvendor = other\n`);
    server = spawn('rclone', ['serve', 'webdav', copy, '--addr', `127.0.0.1:${port}`], {
      env: { ...process.env, RCLONE_CONFIG: config },
      stdio: 'ignore',
    });
    await waitForListen(port, server);
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the newest object and the total of a local remote', async () => {
    const r = await listRemote(runner, { remote: `disk:${join(dir, 'copy')}`, configFile: config });
    expect(r).toEqual({
      ok: true,
      value: { objects: 2, totalBytes: 120, newest: { path: 'vm/100/new.blob', timeSec: newest, sizeBytes: 20 }, tiers: {} },
    });
  });

  it('lists the same copy through webdav, the way a cloud remote is read', async () => {
    const r = await listRemote(runner, { remote: 'cloud:', configFile: config });
    expect(r.ok && r.value.newest).toMatchObject({ path: 'vm/100/new.blob', timeSec: newest });
  });

  it('reads capacity of a local remote; a backend without about is "no capacity", not an error', async () => {
    const local = await about(runner, { remote: `disk:${dir}`, configFile: config });
    expect(local.ok && local.value?.totalBytes).toBeGreaterThan(0);
    const memory = await about(runner, { remote: ':memory:', configFile: config });
    expect(memory).toEqual({ ok: true, value: null });
  });

  it('reports a missing directory and an unknown remote as not-found', async () => {
    const missing = await listRemote(runner, { remote: `disk:${join(dir, 'nope')}`, configFile: config });
    expect(missing.ok ? null : missing.error.kind).toBe('not-found');
    const unknown = await listRemote(runner, { remote: 'nosuch:x', configFile: config });
    expect(unknown.ok ? null : unknown.error.kind).toBe('not-found');
  });

  it('reads the layer: one point at the newest object for the copied path', async () => {
    const ctx: ReaderContext = {
      runner,
      runnerFor: () => runner,
      node: 'here',
      nowSec: Math.floor(Date.now() / 1000),
      timeoutMs: 30_000,
      lookupEnv: () => undefined,
    };
    const o = await readLayer(ctx, {
      id: 'cloud-copy',
      kind: 'rclone',
      host: 'pbs',
      remote: 'cloud:vm',
      source: '/mnt/datastore/store1',
      configFile: config,
    });
    expect(o.errors).toEqual([]);
    expect(o.points).toEqual([
      { layerId: 'cloud-copy', assetId: 'files/pbs:/mnt/datastore/store1', timeSec: newest, ref: 'cloud:vm/100/new.blob', sizeBytes: 120 },
    ]);
    const empty = await readLayer(ctx, { id: 'e', kind: 'rclone', host: 'pbs', remote: `disk:${join(dir, 'empty')}`, configFile: config });
    expect(empty.points).toEqual([]);
    expect(empty.errors).toEqual([]);
  });
});
