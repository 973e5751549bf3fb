/**
 * The one zfs-fuse daemon a machine can run. A daemon already running is
 * reused; otherwise one is started (`--no-daemon --no-kstat-mount -p
 * PIDFILE`). `release()` stops only a daemon started here, and only when no
 * pool is imported any more: another test file may be using it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const zfsReady = () => spawnSync('zpool', ['list', '-H'], { encoding: 'utf8' }).status === 0;

export function sh(cmd: string): string {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

export interface ZfsFuse {
  /** True when this helper started the daemon. */
  readonly started: boolean;
  release(): Promise<void>;
}

export async function useZfsFuse(dir: string): Promise<ZfsFuse> {
  let daemon: ChildProcess | undefined;
  if (!zfsReady()) {
    daemon = spawn('/usr/sbin/zfs-fuse', ['--no-daemon', '--no-kstat-mount', '-p', join(dir, 'zfs-fuse.pid')], { stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    while (!zfsReady()) {
      // Another test file may have started its own daemon first: then this one exits and that one serves.
      if (daemon.exitCode !== null && !zfsReady()) throw new Error(`zfs-fuse exited with ${daemon.exitCode}`);
      if (Date.now() > deadline) throw new Error('zfs-fuse did not come up within 20 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    if (daemon.exitCode !== null) daemon = undefined;
  }
  return {
    started: daemon !== undefined,
    async release() {
      if (!daemon || daemon.exitCode !== null) return;
      if (sh('zpool list -H -o name').trim() !== '') return;
      const d = daemon;
      const gone = new Promise((r) => d.once('exit', r));
      d.kill('SIGTERM');
      const timer = setTimeout(() => d.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** Destroys a test pool; zfs-fuse may hold it busy for a moment after a receive, so this tries for a few seconds. */
export async function destroyPool(pool: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if (spawnSync('zpool', ['destroy', '-f', pool]).status === 0) return;
    if (spawnSync('zpool', ['list', pool]).status !== 0) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`zpool destroy ${pool} still fails after 6 s: the pool is left imported`);
}
