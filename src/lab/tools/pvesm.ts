/**
 * `pvesm path|status|list` of a PVE node (`add`, `scan` and `set` are in
 * pvesm-pbs.ts), and the decompressors' integrity tests (`zstd -t`, `gzip
 * -t`) that read a vzdump archive back: an archive marked corrupt fails the
 * way zstd reports a bad frame.
 */
import type { ToolContext } from '../shell/types.js';
import { pveStorageStatus } from '../state/pbs.js';
import { backupContent } from '../state/pve.js';
import { getFile, resolvePath } from '../state/fs.js';
import type { HostState, VzdumpArchive } from '../state/types.js';
import { addPbs, scanPbs, setStorage } from './pvesm-pbs.js';

const VOLID = /^([a-z][a-z0-9_.-]*[a-z0-9]):(.+)$/i;

/** The archive a path on the node names, if a directory storage holds it. */
export function archiveAt(host: HostState, path: string): VzdumpArchive | undefined {
  for (const s of Object.values(host.pve?.storages ?? {})) {
    const dir = `${s.path ?? '/var/lib/vz'}/dump/`;
    if (s.type === 'dir' && path.startsWith(dir)) return s.archives?.find((a) => a.filename === path.slice(dir.length));
  }
  return undefined;
}

export async function pvesm(ctx: ToolContext): Promise<number> {
  const pve = ctx.host.pve;
  if (!pve) {
    ctx.err('ipcc_send_rec[1] failed: Connection refused\n');
    return 255;
  }
  const [sub, ...args] = ctx.argv.slice(1);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  switch (sub) {
    case 'path': {
      const volid = args[0];
      const m = volid === undefined ? null : VOLID.exec(volid);
      if (!m) {
        ctx.err(volid === undefined ? '400 not enough arguments\npvesm path <volume>\n' : `unable to parse volume ID '${volid}'\n`);
        return 255;
      }
      const s = pve.storages[m[1]!];
      if (!s) {
        ctx.err(`storage '${m[1]}' does not exist\n`);
        return 255;
      }
      if (s.type === 'pbs') {
        ctx.out(`${volid}\n`);
        return 0;
      }
      const name = /^backup\/(.+)$/.exec(m[2]!);
      if (!name) {
        ctx.err(`unable to parse directory volume name '${m[2]}'\n`);
        return 255;
      }
      ctx.out(`${s.path ?? '/var/lib/vz'}/dump/${name[1]}\n`);
      return 0;
    }
    case 'status': {
      const only = flag('storage');
      const rows = Object.values(pve.storages).filter((s) => only === undefined || s.id === only);
      if (only !== undefined && rows.length === 0) {
        ctx.err(`storage '${only}' does not exist\n`);
        return 255;
      }
      ctx.out(`${'Name'.padEnd(16)} ${'Type'.padStart(8)} ${'Status'.padStart(8)} ${'Total'.padStart(15)} ${'Used'.padStart(15)} ${'Available'.padStart(15)} ${'%'.padStart(8)}\n`);
      for (const s of rows) {
        const st = pveStorageStatus(ctx.lab, ctx.host, s);
        // storage_info warns the activation's error and lists the storage inactive.
        if (st.error !== undefined) ctx.err(`${s.id}: ${st.error}\n`);
        const kib = (n: number) => String(Math.floor(n / 1024)).padStart(15);
        const pct = s.disabled ? 'N/A' : st.total ? `${((100 * st.used) / st.total).toFixed(2)}%` : '0.00%';
        const status = s.disabled ? 'disabled' : st.active ? 'active' : 'inactive';
        ctx.out(`${s.id.padEnd(16)} ${s.type.padStart(8)} ${status.padStart(8)} ${kib(st.total)} ${kib(st.used)} ${kib(st.avail)} ${pct.padStart(8)}\n`);
      }
      return 0;
    }
    case 'list': {
      const s = pve.storages[args[0] ?? ''];
      if (!s) {
        ctx.err(args[0] === undefined ? '400 not enough arguments\npvesm list <storage> [OPTIONS]\n' : `storage '${args[0]}' does not exist\n`);
        return 255;
      }
      const content = backupContent(ctx.lab.state, s);
      if ('error' in content) {
        ctx.err(`${content.error}\n`);
        return 255;
      }
      const vmid = flag('vmid');
      const rows = content.filter((c) => vmid === undefined || String(c.vmid) === vmid).sort((a, b) => (a.volid < b.volid ? -1 : 1));
      const w = Math.max(5, ...rows.map((r) => r.volid.length));
      ctx.out(`${'Volid'.padEnd(w)} Format  Type            Size VMID\n`);
      for (const r of rows) ctx.out(`${r.volid.padEnd(w)} ${r.format.padEnd(7)} backup ${String(r.size).padStart(15)} ${r.vmid}\n`);
      return 0;
    }
    case 'set':
      return setStorage(ctx, args);
    case 'scan':
    case 'add':
      if (args[0] === 'pbs') return sub === 'scan' ? scanPbs(ctx, args.slice(1)) : addPbs(ctx, args.slice(1));
      ctx.err(`${sub} of storage type '${args[0] ?? ''}' is not simulated in the lab\n`);
      return 255;
    default:
      ctx.err(`ERROR: unknown command 'pvesm ${sub ?? ''}'\nUSAGE: pvesm <COMMAND> [ARGS] [OPTIONS]\n`);
      return 255;
  }
}

/** `zstd -t` / `gzip -t`: the archive decompresses to its end, or the tool says why not. */
function integrity(tool: 'zstd' | 'gzip') {
  return async (ctx: ToolContext): Promise<number> => {
    const args = ctx.argv.slice(1);
    if (!args.includes('-t') && !args.includes('--test')) {
      ctx.err(`${tool}: only integrity tests (-t) are simulated here\n`);
      return 1;
    }
    const quiet = args.includes('-q');
    const files = args.filter((a) => !a.startsWith('-'));
    let code = 0;
    for (const f of files) {
      const path = resolvePath(ctx.cwd, f);
      const archive = archiveAt(ctx.host, path);
      const file = getFile(ctx.host.fs, path);
      if (!archive && !file) {
        ctx.err(tool === 'zstd' ? `zstd: can't stat ${f} : No such file or directory -- ignored \n` : `gzip: ${f}: No such file or directory\n`);
        code = 1;
        continue;
      }
      await ctx.pace(Math.min(2000, ((archive?.size ?? file?.size ?? 0) / 2 ** 30) * 100));
      if (archive?.corrupt) {
        ctx.err(tool === 'zstd' ? `zstd: ${f} : Decoding error (36) : Restored data doesn't match checksum \n` : `gzip: ${f}: invalid compressed data--crc error\n`);
        code = 1;
        continue;
      }
      if (tool === 'zstd' && !quiet) ctx.err(`${f}: ${archive?.size ?? file?.size ?? 0} bytes \n`);
    }
    return code;
  };
}

export const zstd = integrity('zstd');
export const gzip = integrity('gzip');
