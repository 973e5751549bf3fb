/**
 * Faults behave as described, seen through Strata's real SSH runner: latency
 * is measurable, a hang answers only to a cancel or timeout (which end the
 * remote process), a drop cuts the connection mid-command, garbage replaces
 * the output, auth failure and a changed host key refuse the connection, an
 * unreachable host refuses the port, a failing job fails; clear restores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGuests } from '../../src/adapters/pve/parse.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { createRunner, type Runner } from '../../src/transport/index.js';
import { labTarget } from '../helpers/lab/lab-runner.js';

let lab: Lab;
const opened: Runner[] = [];

beforeAll(async () => {
  lab = await startLab({ scenario: 'healthy', timeScale: 0.05 });
});
afterAll(async () => {
  await Promise.all(opened.map((r) => r.close()));
  await lab?.stop();
});

/** A fresh runner (fresh connection), as after a restart of Strata. */
function runner(host: string, timeoutMs?: number): Runner {
  const r = createRunner(labTarget(lab, host, timeoutMs ? { connectTimeoutMs: timeoutMs } : {}));
  opened.push(r);
  return r;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await f();
  return [v, performance.now() - t];
}

describe('latency', () => {
  it('delays every answer by the injected time, until cleared', async () => {
    const r = runner('docker1');
    await r.run({ argv: ['hostname'] });
    const [, fast] = await timed(() => r.run({ argv: ['hostname'] }));
    lab.inject('docker1', { kind: 'latency', ms: 300 });
    const [res, slow] = await timed(() => r.run({ argv: ['hostname'] }));
    expect(res.stdout).toBe('docker1\n');
    expect(slow).toBeGreaterThanOrEqual(295);
    expect(slow - fast).toBeGreaterThan(250);
    lab.clear('docker1');
    const [, again] = await timed(() => r.run({ argv: ['hostname'] }));
    expect(again).toBeLessThan(slow - 200);
  });
});

describe('hang', () => {
  it('starts the command and never answers; a timeout ends it on the host', async () => {
    lab.inject('pbs1', { kind: 'hang', program: 'proxmox-backup-manager' });
    try {
      const r = runner('pbs1');
      expect((await r.run({ argv: ['hostname'] })).stdout).toBe('pbs1\n');
      await expect(r.run({ argv: ['proxmox-backup-manager', 'task', 'list', '--output-format', 'json'], timeoutMs: 600 })).rejects.toMatchObject({ kind: 'timeout' });
      await new Promise((res) => setTimeout(res, 100));
      expect(lab.running('pbs1').filter((p) => p.argv[0] === 'proxmox-backup-manager')).toEqual([]);
      const ac = new AbortController();
      const p = r.run({ argv: ['proxmox-backup-manager', 'version'] }, { signal: ac.signal });
      await new Promise((res) => setTimeout(res, 300));
      expect(lab.running('pbs1').some((x) => x.argv[0] === 'proxmox-backup-manager')).toBe(true);
      ac.abort();
      await expect(p).rejects.toMatchObject({ kind: 'cancelled' });
    } finally {
      lab.clear('pbs1');
    }
  });
});

describe('drop', () => {
  it('cuts the connection in the middle of a command; after clear a new connection works', async () => {
    const r = runner('nas1');
    await r.run({ argv: ['hostname'] });
    lab.inject('nas1', { kind: 'drop', program: 'zfs' });
    await expect(r.run({ argv: ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-r', 'tank'] })).rejects.toMatchObject({ kind: 'connection-lost' });
    lab.clear('nas1');
    expect((await r.run({ argv: ['hostname'] })).stdout).toBe('nas1\n');
  });
});

describe('garbage', () => {
  it('answers random bytes instead of the output, with the exit code kept; parsers see an error, not a guest', async () => {
    lab.inject('pve1', { kind: 'garbage', program: 'pvesh', bytes: 300 });
    try {
      const r = runner('pve1');
      const res = await r.run({ argv: ['pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'] });
      expect(res.exitCode).toBe(0);
      expect(() => JSON.parse(res.stdout)).toThrow();
      const parsed = parseGuests(res.stdout, res.stderr, res.exitCode);
      expect(parsed.ok).toBe(false);
      expect((await r.run({ argv: ['hostname'] })).stdout).toBe('pve1\n');
    } finally {
      lab.clear('pve1');
    }
  });
});

describe('connection faults', () => {
  it('auth failure: every key is refused', async () => {
    lab.inject('pbs2', { kind: 'auth-failure' });
    try {
      await expect(runner('pbs2').run({ argv: ['hostname'] })).rejects.toMatchObject({ kind: 'auth-failed' });
    } finally {
      lab.clear('pbs2');
    }
    expect((await runner('pbs2').run({ argv: ['hostname'] })).stdout).toBe('pbs2\n');
  });

  it('changed host key: the server offers another key than the pinned one', async () => {
    lab.inject('nas1', { kind: 'host-key-changed' });
    try {
      const e = await runner('nas1').run({ argv: ['hostname'] }).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).toMatchObject({ kind: 'host-key-changed' });
      const offered = (e as { fingerprint?: string }).fingerprint;
      expect(offered).toMatch(/^SHA256:/);
      expect(offered).not.toBe(lab.hosts.find((h) => h.name === 'nas1')!.fingerprint);
    } finally {
      lab.clear('nas1');
    }
    expect((await runner('nas1').run({ argv: ['hostname'] })).stdout).toBe('nas1\n');
  });

  it('unreachable: the port refuses connections, open ones are cut; clear listens again on the same port', async () => {
    const r = runner('docker1');
    await r.run({ argv: ['hostname'] });
    lab.inject('docker1', { kind: 'unreachable' });
    await new Promise((res) => setTimeout(res, 50));
    await expect(runner('docker1').run({ argv: ['hostname'] })).rejects.toMatchObject({ kind: 'unreachable' });
    await expect(r.run({ argv: ['hostname'] })).rejects.toMatchObject({ kind: expect.stringMatching(/^(unreachable|connection-lost)$/) });
    lab.clear('docker1');
    await new Promise((res) => setTimeout(res, 50));
    expect((await runner('docker1').run({ argv: ['hostname'] })).stdout).toBe('docker1\n');
  });
});

describe('failing jobs', () => {
  it('make the next vzdump fail with the tool own error', async () => {
    lab.inject('pve1', { kind: 'failing-job', program: 'vzdump', message: 'vma_queue_write: write error - Broken pipe' });
    try {
      const res = await runner('pve1').run({ argv: ['vzdump', '103', '--storage', 'local-backup'] });
      expect(res).toMatchObject({ exitCode: 255, stderr: 'job errors\n' });
      expect(res.stdout).toContain('ERROR: Backup of VM 103 failed - vma_queue_write: write error - Broken pipe');
      expect(lab.state.hosts.pve1!.pve!.tasks.at(-1)).toMatchObject({ status: 'job errors' });
    } finally {
      lab.clear('pve1');
    }
  });
});

describe('faults and latency at start', () => {
  it('apply from the first connection', async () => {
    const other = await startLab({ faults: { pbs2: [{ kind: 'unreachable' }], docker1: [{ kind: 'latency', ms: 200 }] }, latencyMs: 50 });
    try {
      const target = (host: string) => labTarget(other, host);
      const pbs2 = createRunner(target('pbs2'));
      const docker1 = createRunner(target('docker1'));
      const nas1 = createRunner(target('nas1'));
      opened.push(pbs2, docker1, nas1);
      await expect(pbs2.run({ argv: ['hostname'] })).rejects.toMatchObject({ kind: 'unreachable' });
      await docker1.run({ argv: ['hostname'] });
      await nas1.run({ argv: ['hostname'] });
      const [, slow] = await timed(() => docker1.run({ argv: ['hostname'] }));
      const [, base] = await timed(() => nas1.run({ argv: ['hostname'] }));
      expect(slow).toBeGreaterThanOrEqual(245);
      expect(base).toBeGreaterThanOrEqual(45);
      expect(base).toBeLessThan(slow);
    } finally {
      await other.stop();
    }
  });
});
