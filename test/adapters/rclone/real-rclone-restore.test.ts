/**
 * Copying chosen paths back from an rclone copy with real rclone 1.60
 * through the real LocalRunner: a local remote and `rclone serve webdav` on
 * loopback as the "cloud". Browsing a directory at a time, copying a file and
 * a directory (names with spaces and glob characters) to an alternate
 * directory, checking what came back by download, a change that the check
 * catches, and the 1.60 answer to restore-status (too old: the fallback).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkBack, copyBack, listDirectory, thawStatus, version } from '../../../src/adapters/rclone/index.js';
import { hasRestoreStatus, includeRule } from '../../../src/adapters/rclone/restore.js';
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

describeWithTools(['rclone'], 'rclone copy back against real rclone 1.60', () => {
  let dir = '';
  let config = '';
  let server: ChildProcess | undefined;
  const runner = new LocalRunner('here');
  const cloud = () => ({ remote: 'cloud:data', configFile: config });
  const disk = () => ({ remote: `disk:${join(dir, 'copy', 'data')}`, configFile: config });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-rclone-restore-'));
    const data = join(dir, 'copy', 'data');
    mkdirSync(join(data, 'documents', 'contracts'), { recursive: true });
    mkdirSync(join(data, 'photos'), { recursive: true });
    writeFileSync(join(data, 'documents', 'ledger 2024.ods'), 'ledger');
    writeFileSync(join(data, 'documents', 'contracts', 'c[1]*.pdf'), 'contract one');
    writeFileSync(join(data, 'documents', 'contracts', 'c2.pdf'), 'contract two');
    writeFileSync(join(data, 'photos', 'IMG_1.jpg'), 'jpeg');
    const port = await freePort();
    config = join(dir, 'rclone.conf');
    writeFileSync(config, `[disk]\ntype = local\n\n[cloud]\ntype = webdav\nurl = http://127.0.0.1:${port}/\nvendor = other\n`);
    server = spawn('rclone', ['serve', 'webdav', join(dir, 'copy'), '--addr', `127.0.0.1:${port}`], { env: { ...process.env, RCLONE_CONFIG: config }, stdio: 'ignore' });
    await waitForListen(port, server);
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('browses the cloud a directory at a time', async () => {
    const root = await listDirectory(runner, cloud(), { dir: '/' });
    if (!root.ok) throw new Error(root.error.message);
    expect(root.value.entries.map((e) => [e.path, e.kind])).toEqual([
      ['/documents', 'dir'],
      ['/photos', 'dir'],
    ]);
    const contracts = await listDirectory(runner, cloud(), { dir: '/documents/contracts' });
    expect(contracts.ok && contracts.value.entries.map((e) => [e.name, e.sizeBytes])).toEqual([
      ['c2.pdf', 12],
      ['c[1]*.pdf', 12],
    ]);
    const missing = await listDirectory(runner, cloud(), { dir: '/nope' });
    expect(missing.ok ? null : missing.error.kind).toBe('not-found');
  });

  it('copies a chosen file and directory back, exactly those, and checks them by download', async () => {
    const local = join(dir, 'restore-1');
    const include = [includeRule('/ledger 2024.ods', false), includeRule('/contracts', true)];
    const c = await copyBack(runner, cloud(), { dir: '/documents', local, include });
    if (!c.ok) throw new Error(c.error.message);
    expect(c.value).toMatchObject({ outcome: 'copied', transfers: 3, frozenCount: 0 });
    expect(readFileSync(join(local, 'contracts', 'c[1]*.pdf'), 'utf8')).toBe('contract one');
    expect(readFileSync(join(local, 'ledger 2024.ods'), 'utf8')).toBe('ledger');
    const check = await checkBack(runner, cloud(), { dir: '/documents', local });
    expect(check.ok && check.value).toMatchObject({ clean: true, same: 3 });
  });

  it('a glob character in a chosen name matches only that name', async () => {
    const local = join(dir, 'restore-2');
    const c = await copyBack(runner, disk(), { dir: '/documents/contracts', local, include: [includeRule('/c[1]*.pdf', false)] });
    expect(c.ok && c.value.transfers).toBe(1);
  });

  it('a restored file that differs from the copy fails the check, naming it', async () => {
    const local = join(dir, 'restore-1');
    writeFileSync(join(local, 'ledger 2024.ods'), 'tampered');
    const check = await checkBack(runner, cloud(), { dir: '/documents', local });
    expect(check.ok && check.value).toMatchObject({ clean: false, differ: 1, examples: ['* ledger 2024.ods'] });
  });

  it('1.60 has no restore-status: the adapter says so (ask a copy attempt instead)', async () => {
    const v = await version(runner);
    expect(v.ok && hasRestoreStatus(v.value)).toBe(false);
    const s = await thawStatus(runner, disk(), { dir: '/documents', nowSec: Date.now() / 1000 });
    expect(s).toMatchObject({ ok: true, value: { supported: false } });
  });
});
