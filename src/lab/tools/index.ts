/** The programs a simulated host can run, and the package each comes from. */
import type { Tool, ToolEntry } from '../shell/types.js';
import type { HostState } from '../state/types.js';
import * as core from './coreutils.js';
import { cp, du } from './file-copy.js';
import { chmod, chown, stat } from './file-tools.js';
import { ip } from './ip.js';
import { proxmoxBackupClient } from './pbs-client.js';
import { proxmoxFileRestore } from './pbs-file-restore.js';
import { proxmoxBackupManager } from './pbs-manager.js';
import { pvesh } from './pvesh.js';
import { gzip, pvesm, zstd } from './pvesm.js';
import { rclone } from './rclone.js';
import { restic } from './restic.js';
import { pct, qm } from './qm.js';
import { qmrestore } from './restore.js';
import { syncoid } from './syncoid.js';
import { systemctl } from './systemctl.js';
import { vzdump } from './vzdump.js';
import { zfsTool } from './zfs.js';
import { zpoolTool } from './zpool.js';

const PROGRAMS: Readonly<Record<string, ToolEntry>> = {
  hostname: { run: core.hostname },
  date: { run: core.date },
  kill: { run: core.kill },
  sleep: { run: core.sleepTool },
  echo: { run: core.echo },
  printf: { run: core.printf },
  cat: { run: core.cat },
  head: { run: core.head },
  true: { run: core.trueTool },
  false: { run: core.falseTool },
  mv: { run: core.mv },
  rm: { run: core.rm },
  mkdir: { run: core.mkdir },
  tar: { run: core.tar },
  find: { run: core.find },
  cp: { run: cp },
  du: { run: du },
  chmod: { run: chmod },
  chown: { run: chown },
  stat: { run: stat },
  ip: { run: ip },
  systemctl: { run: systemctl },
  sh: { run: core.sh },
  bash: { run: core.bash },
  pass: { run: core.pass, packages: ['pass'] },
  pvesh: { run: pvesh, packages: ['pve'] },
  pvesm: { run: pvesm, packages: ['pve'] },
  zstd: { run: zstd },
  gzip: { run: gzip },
  qm: { run: qm, packages: ['pve'] },
  pct: { run: pct, packages: ['pve'] },
  qmrestore: { run: qmrestore, packages: ['pve'] },
  vzdump: { run: vzdump, packages: ['pve'] },
  'proxmox-backup-client': { run: proxmoxBackupClient, packages: ['pbs', 'pbs-client', 'pve'] },
  'proxmox-file-restore': { run: proxmoxFileRestore, packages: ['pbs-client', 'pve'] },
  'proxmox-backup-manager': { run: proxmoxBackupManager, packages: ['pbs'] },
  zfs: { run: zfsTool, packages: ['zfs'] },
  zpool: { run: zpoolTool, packages: ['zfs'] },
  syncoid: { run: syncoid, packages: ['sanoid'] },
  restic: { run: restic, packages: ['restic'] },
  rclone: { run: rclone, packages: ['rclone'] },
};

const SYSTEM_DIRS = /^\/(usr\/)?(local\/)?s?bin\//;

/** PVE's tools talk to pmxcfs through its IPC socket; with pve-cluster stopped they fail at once. */
const NEEDS_PMXCFS = new Set(['pvesh', 'pvesm', 'qm', 'pct', 'qmrestore', 'vzdump']);

const withoutPmxcfs: Tool = async (ctx) => {
  ctx.err('ipcc_send_rec[1] failed: Connection refused\nipcc_send_rec[2] failed: Connection refused\nipcc_send_rec[3] failed: Connection refused\nUnable to load access control list: Connection refused\n');
  return 111;
};

/** The program `name` (bare or under a system bin directory) if the host has it installed. */
export function programFor(host: HostState, name: string): Tool | undefined {
  const bare = SYSTEM_DIRS.test(name) ? name.replace(SYSTEM_DIRS, '') : name;
  if (!Object.hasOwn(PROGRAMS, bare)) return undefined;
  const entry = PROGRAMS[bare]!;
  if (entry.packages && !entry.packages.some((p) => host.packages.includes(p as HostState['packages'][number]))) return undefined;
  if (host.pve?.pmxcfsStopped && NEEDS_PMXCFS.has(bare)) return withoutPmxcfs;
  return entry.run;
}
