/**
 * Tests that need a real tool (sshd, restic, rclone, zfs-fuse, network
 * namespaces, a tmpfs mount, Prometheus and promtool, systemd-analyze, an
 * SMTP server library) run only where it exists. Elsewhere they are skipped with a line
 * naming the tool and how to install it, unless STRATA_REQUIRE_REAL_TOOLS=1
 * (set by .ci/run), under which a missing tool fails the suite.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

export type Tool = 'sshd' | 'ssh' | 'restic' | 'rclone' | 'zfs-fuse' | 'netns' | 'tmpfs' | 'postject' | 'prometheus' | 'systemd-analyze' | 'aiosmtpd';

const INSTALL: Record<Tool, string> = {
  sshd: 'apt-get install openssh-server',
  ssh: 'apt-get install openssh-client',
  restic: 'apt-get install restic',
  rclone: 'apt-get install rclone',
  'zfs-fuse': 'apt-get install zfs-fuse',
  netns: 'run as root with iproute2 (apt-get install iproute2)',
  tmpfs: 'run as root where `mount -t tmpfs` is allowed',
  postject: 'npm install --save-dev postject@1.0.0-alpha.6 (npm run package injects the blob with it)',
  prometheus: 'apt-get install prometheus (prometheus and promtool)',
  'systemd-analyze': 'apt-get install systemd',
  aiosmtpd: 'apt-get install python3-aiosmtpd (an SMTP server library, run with /usr/bin/python3)',
};

const cache = new Map<Tool, boolean>();

function probe(tool: Tool): boolean {
  switch (tool) {
    case 'sshd':
      return existsSync('/usr/sbin/sshd');
    case 'ssh':
      return spawnSync('ssh', ['-V']).status === 0;
    case 'restic':
      return spawnSync('restic', ['version']).status === 0;
    case 'rclone':
      return spawnSync('rclone', ['version']).status === 0;
    case 'zfs-fuse':
      return existsSync('/usr/sbin/zfs-fuse') && spawnSync('zpool', ['-?']).error === undefined;
    case 'netns':
      return process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;
    case 'postject':
      try {
        createRequire(join(process.cwd(), 'package.json')).resolve('postject');
        return true;
      } catch {
        return false;
      }
    case 'prometheus':
      return spawnSync('prometheus', ['--version']).status === 0 && spawnSync('promtool', ['--version']).status === 0;
    case 'systemd-analyze':
      return spawnSync('systemd-analyze', ['--version']).status === 0;
    case 'aiosmtpd':
      return spawnSync('/usr/bin/python3', ['-c', 'import aiosmtpd.controller']).status === 0;
    case 'tmpfs': {
      if (process.getuid?.() !== 0) return false;
      const dir = mkdtempSync(join(tmpdir(), 'strata-tmpfs-probe-'));
      try {
        return spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status === 0 && spawnSync('umount', [dir]).status === 0;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}

export function hasTool(tool: Tool): boolean {
  if (!cache.has(tool)) cache.set(tool, probe(tool));
  return cache.get(tool)!;
}

export const requireRealTools = () => process.env.STRATA_REQUIRE_REAL_TOOLS === '1';

/** `describe` that runs only when every tool is present (or fails, under STRATA_REQUIRE_REAL_TOOLS=1). */
export function describeWithTools(tools: Tool[], name: string, fn: () => void): void {
  const missing = tools.filter((t) => !hasTool(t));
  if (missing.length === 0) {
    describe(name, fn);
    return;
  }
  const why = missing.map((t) => `${t} (${INSTALL[t]})`).join(', ');
  if (requireRealTools()) {
    describe(name, () => {
      it(`has its real tools: ${missing.join(', ')}`, () => {
        throw new Error(`STRATA_REQUIRE_REAL_TOOLS=1 but missing: ${why}`);
      });
    });
    return;
  }
  process.stderr.write(`SKIP "${name}": needs ${why}\n`);
  describe.skip(name, fn);
}
