/**
 * A scenario says how the homelab deviates from a well-run one. The history
 * generator reads it while it replays the ninety days, so each failure has
 * the traces a real one leaves (a failed task, points that stop, a stale
 * copy), not only a changed final number.
 */
export type ScenarioName = 'healthy' | 'degraded' | 'disaster';

export const SCENARIOS: readonly ScenarioName[] = ['healthy', 'degraded', 'disaster'];

export interface ScenarioPlan {
  readonly name: ScenarioName;
  /** vm/111 was taken out of every backup job this many days ago. */
  readonly excludedGuest?: { readonly vmid: number; readonly daysAgo: number };
  /** The newest run of each job holding this guest failed for it, with this message. */
  readonly failingGuest?: { readonly vmid: number; readonly error: string };
  /** restic-cloud's timer stopped this many days ago (the off-site copy ages). */
  readonly resticCloudStoppedDaysAgo?: number;
  /** The newest PBS snapshot of this guest on pbs1 fails verification. */
  readonly corruptNewestOf?: number;
  /** A pool with a failed disk. */
  readonly degradedPool?: string;
  /** How full the USB datastore of pbs1 is. */
  readonly usbDatastoreUsedPercent: number;
  /** The restic-usb password file no longer opens the repository. */
  readonly wrongResticUsbPassword?: boolean;
  /** Host clock minus real clock, seconds. */
  readonly clockSkew: Readonly<Record<string, number>>;
  /** These hosts are gone (their ports refuse connections) since this many hours ago. */
  readonly gone?: { readonly hosts: readonly string[]; readonly hoursAgo: number };
  /** A freshly installed PVE node stands ready to replace this lost one (lab name `<host>-new`, same hostname and address). */
  readonly freshNodeFor?: string;
}
