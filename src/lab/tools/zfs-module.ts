/** What `zfs` and `zpool` share: the host's ZFS state, as the kernel module gives it. */
import type { ToolContext } from '../shell/types.js';
import type { ZfsState } from '../state/types.js';

/** The host's ZFS state after the tools' start-up time, or undefined after saying what OpenZFS says without its module. */
export async function zfsModule(ctx: ToolContext): Promise<ZfsState | undefined> {
  const zfs = ctx.host.zfs;
  if (!zfs) {
    ctx.err("The ZFS modules cannot be auto-loaded.\nTry running '/sbin/modprobe zfs' as root to manually load them.\n");
    return undefined;
  }
  await ctx.pace(20);
  return zfs;
}
