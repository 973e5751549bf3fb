/**
 * `systemctl stop|start|is-active pve-cluster` on a simulated PVE node: the
 * service that mounts /etc/pve from /var/lib/pve-cluster/config.db (the
 * documented config.db route of restore-formats §5 stops it, swaps the
 * database, starts it). Stopped, /etc/pve is empty and the PVE tools cannot
 * reach pmxcfs; started, the database's files are mounted again.
 */
import type { ToolContext } from '../shell/types.js';
import { getFile } from '../state/fs.js';
import { CONFIG_DB, mountConfigDb, readConfigDb, writeConfigDb } from '../state/pmxcfs.js';

const UNITS = ['pve-cluster'];

function unitName(arg: string): string {
  return arg.replace(/\.service$/, '');
}

export async function systemctl(ctx: ToolContext): Promise<number> {
  const [verb, ...rest] = ctx.argv.slice(1).filter((a) => a !== '--quiet' && a !== '-q');
  const unit = rest[0] === undefined ? undefined : unitName(rest[0]);
  if (verb === undefined || !['start', 'stop', 'restart', 'is-active'].includes(verb)) {
    ctx.err(`Unknown command verb ${verb ?? ''}.\n`);
    return 1;
  }
  if (unit === undefined) {
    ctx.err(`Too few arguments.\n`);
    return 1;
  }
  const pve = ctx.host.pve;
  if (!pve || !UNITS.includes(unit)) {
    if (verb === 'is-active') {
      ctx.out('inactive\n');
      return 3;
    }
    ctx.err(`Failed to ${verb} ${unit}.service: Unit ${unit}.service not loaded.\n`);
    return 5;
  }
  const running = pve.pmxcfsStopped !== true;
  switch (verb) {
    case 'is-active':
      ctx.out(running ? 'active\n' : 'inactive\n');
      return running ? 0 : 3;
    case 'stop':
      if (running) stop(ctx);
      return 0;
    case 'start':
      return running ? 0 : start(ctx);
    default:
      if (running) stop(ctx);
      return start(ctx);
  }
}

function stop(ctx: ToolContext): void {
  const host = ctx.host;
  // pmxcfs writes through to its database: what /etc/pve held is in config.db when it stops.
  writeConfigDb(host, Math.floor(ctx.now()));
  for (const path of Object.keys(host.fs.files)) if (path.startsWith('/etc/pve/')) delete host.fs.files[path];
  host.pve!.pmxcfsStopped = true;
}

function start(ctx: ToolContext): number {
  const db = readConfigDb(getFile(ctx.host.fs, CONFIG_DB)?.content);
  if ('error' in db) {
    ctx.err(
      'Job for pve-cluster.service failed because the control process exited with error code.\nSee "systemctl status pve-cluster.service" and "journalctl -xeu pve-cluster.service" for details.\n',
    );
    return 1;
  }
  mountConfigDb(ctx.host, db.files, Math.floor(ctx.now()));
  ctx.host.pve!.pmxcfsStopped = false;
  return 0;
}

export { CONFIG_DB };
