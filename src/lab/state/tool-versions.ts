/**
 * Which version of a tool a host runs, and what follows from it. The lab
 * answers like restic 0.17.3 (exit codes 10-12, JSON restore progress),
 * rclone 1.68 (restore-status) and the proxmox-backup-client of PVE 9 (4.0,
 * `restore --pattern`) and a PBS 3.3 server (`datastore create
 * --reuse-datastore`) unless a host says otherwise (`host.tools`), so a
 * test can turn a host into Debian 12's restic 0.14, rclone 1.60 or a PBS
 * 3.2 and see the older forms.
 */
import type { HostState } from './types.js';

export const DEFAULT_TOOLS = { restic: '0.17.3', rclone: '1.68.2', pbsClient: '4.0.14', pbsServer: '3.3.2' } as const;

export type ToolName = keyof typeof DEFAULT_TOOLS;

export function toolVersion(host: HostState, tool: ToolName): string {
  return host.tools?.[tool] ?? DEFAULT_TOOLS[tool];
}

/** True when the host's tool is at least `min` (`0.17.1`). */
export function atLeast(host: HostState, tool: ToolName, min: string): boolean {
  const have = toolVersion(host, tool).split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const want = min.split('.').map(Number);
  for (let i = 0; i < want.length; i++) {
    const a = have[i] ?? 0;
    const b = want[i]!;
    if (a !== b) return a > b;
  }
  return true;
}
