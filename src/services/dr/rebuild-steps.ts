/**
 * The rebuild's steps as data, made once from the plan (restore-formats §9
 * in order): the exact commands each will run on the new node, whether it
 * writes, and the guests of each tier with the point each comes back from.
 */
import { randomUUID } from 'node:crypto';
import type { DrPlan } from '../../domain/dr/types.js';
import type { Inventory } from '../../domain/inventory.js';
import { asConfigBackup, asPbs, fetchFileCommand } from '../../domain/layer-kinds/dr.js';
import { storageConfigCommand } from '../../adapters/pve/storage-config.js';
import type { Command } from '../../transport/command.js';
import { describeCommand } from '../../transport/shell-script.js';
import type { GuestRun, HostConfigRoute, RebuildCommand, RebuildState, RebuildStep } from './api.js';
import { chainShownCommands, chainsFromPlan } from './rebuild-chain.js';
import { addPbsCommands, authIdOf, datastoreOf, pbsServerFor } from './rebuild-pbs.js';

export const CONFIG_DB = '/var/lib/pve-cluster/config.db';
export const DEFAULT_CONFIG_DB_PATH = '/root/strata-restore/config.db';
export const DEFAULT_STORAGE = 'local-lvm';

export { authIdOf, datastoreOf, pbsServerFor, type PbsLayer } from './rebuild-pbs.js';

export const configDbCommands = (path: string): Command[] => [
  { argv: ['systemctl', 'stop', 'pve-cluster'] },
  { argv: ['cp', path, CONFIG_DB] },
  { argv: ['chmod', '0600', CONFIG_DB] },
  { argv: ['systemctl', 'start', 'pve-cluster'] },
];

/** The directory the operator took the archive's files out into: config.db's. */
export const archiveDirOf = (configDbPath: string): string => configDbPath.slice(0, configDbPath.lastIndexOf('/')) || '/';

/**
 * The files of an archived /etc/pve the `files` route copies: what a
 * standalone node needs to reach its storages, run its jobs and filter its
 * traffic. Not users, tokens or passwords (a stale shadow.cfg or token.cfg
 * locks the operator out), not corosync.conf or the cluster's keys (the
 * node's own identity), not guest configurations (a guest comes back with
 * its disks, from its backup).
 */
const SELECTED_FILES: readonly RegExp[] = [/^storage\.cfg$/, /^jobs\.cfg$/, /^vzdump\.cron$/, /^datacenter\.cfg$/, /^firewall\/[^/]+\.fw$/, /^nodes\/[^/]+\/host\.fw$/, /^priv\/storage\/[^/]+\.(enc|pw)$/];
const SELECTED_WORDS = 'storage.cfg, jobs.cfg, vzdump.cron, datacenter.cfg, firewall/*.fw, nodes/<node>/host.fw, priv/storage/*.enc and *.pw';

/** Of the files taken out of the archive (paths under etc/pve), the ones the `files` route copies, for this node only. */
export function selectedConfigFiles(files: readonly string[], node: string): string[] {
  return files.filter((f) => SELECTED_FILES.some((r) => r.test(f)) && (!f.startsWith('nodes/') || f.startsWith(`nodes/${node}/`))).sort();
}

/** Lists what was taken out of the archive under DIR/etc/pve, one path per line relative to it. */
export const stagedFilesCommand = (archiveDir: string): Command => ({ argv: ['find', `${archiveDir}/etc/pve`, '-type', 'f', '-printf', '%P\n'] });

/**
 * Copies the chosen files onto the live /etc/pve one by one. Plain cp: pmxcfs
 * takes no chown or chmod (cp -a fails there), and it gives priv/ its own
 * modes.
 */
export function selectedFilesCommands(archiveDir: string, files: readonly string[]): Command[] {
  const dirs = [...new Set(files.map((f) => f.slice(0, f.lastIndexOf('/'))).filter((d) => d !== ''))].sort();
  return [...(dirs.length > 0 ? [{ argv: ['mkdir', '-p', ...dirs.map((d) => `/etc/pve/${d}`)] }] : []), ...files.map((f) => ({ argv: ['cp', `${archiveDir}/etc/pve/${f}`, `/etc/pve/${f}`] }))];
}

export const hostConfigTitle = (route: HostConfigRoute): string =>
  route === 'config-db' ? 'Host configuration: the config.db route (never an old /etc/pve onto the live mount)' : 'Host configuration: selected files of the archived /etc/pve, copied one by one (never the whole tree)';

/** The host-config step's commands for a route: fetching the archive, then the route's own. */
export function hostConfigCommands(inventory: Inventory, node: string, configDbPath: string, route: HostConfigRoute): RebuildCommand[] {
  const archiveDir = archiveDirOf(configDbPath);
  const configCopies = inventory.layers.filter((l) => l.copyOf?.some((c) => asConfigBackup(inventory.layers.find((x) => x.id === c))?.host === node));
  const archive = `strata-config-${node}-<newest>.tar.gz`;
  const fetch = configCopies.flatMap((l) => {
    const command = fetchFileCommand(l, archive, archiveDir);
    return command
      ? [
          shown(node, command, `fetch the newest config archive from ${l.id} (the tool and its configuration from the USB stick)`, true),
          shown(node, `tar -xzf ${archiveDir}/${archive} -C ${archiveDir} var/lib/pve-cluster/config.db etc/network/interfaces etc/pve && mv ${archiveDir}/var/lib/pve-cluster/config.db ${configDbPath}`, 'take config.db, the interfaces file and the /etc/pve files out of it (into the staging directory, never onto /etc/pve)', true),
        ]
      : [];
  });
  if (route === 'files') {
    return [
      ...fetch,
      shown(node, stagedFilesCommand(archiveDir), `the files taken out of the archive under ${archiveDir}/etc/pve`),
      shown(node, `cp ${archiveDir}/etc/pve/<file> /etc/pve/<file>`, `each of ${SELECTED_WORDS} that is there, one by one onto the running node (mkdir -p for its directory first)`),
      shown(node, storageConfigCommand(), 'check: the lost node\'s storages are configured'),
    ];
  }
  return [
    ...fetch,
    shown(node, { argv: ['stat', '-c', '%s', configDbPath] }, 'the config.db from the archive is on the node'),
    ...configDbCommands(configDbPath).map((c, n) => shown(node, c, ['stop pmxcfs (nothing else is running)', 'put the archived database in place', 'mode 0600 as pmxcfs wants', 'start pmxcfs: /etc/pve is the lost node\'s again'][n]!)),
    shown(node, { argv: ['stat', '-c', '%a', CONFIG_DB] }, 'check the mode'),
  ];
}

const shown = (host: string, cmd: Command | string, description: string, shownOnly = false): RebuildCommand => ({
  host,
  command: typeof cmd === 'string' ? cmd : describeCommand(cmd),
  description,
  ...(shownOnly ? { shownOnly: true } : {}),
});

function step(id: string, title: string, writes: boolean, commands: RebuildCommand[], extra: Partial<RebuildStep> = {}): RebuildStep {
  return { id, title, writes, commands, state: 'pending', detail: '', runs: 0, ...extra };
}

export interface InitialStateInput {
  readonly plan: DrPlan;
  readonly inventory: Inventory;
  readonly configPath: string;
  readonly address: string;
  readonly port: number;
  readonly configDbPath: string;
  /** Default `config-db`. */
  readonly hostConfigRoute?: HostConfigRoute;
  readonly storage: string;
  readonly parallelPerStorage: number;
  readonly knownHostsPath: string;
  readonly nowSec: number;
}

export function initialState(i: InitialStateInput): RebuildState {
  const node = i.plan.lost.host;
  const route = i.hostConfigRoute ?? 'config-db';
  const archiveDir = archiveDirOf(i.configDbPath);
  const pbs = i.plan.copies
    .filter((c) => c.state === 'answers' && asPbs(i.inventory.layers.find((l) => l.id === c.layerId)) !== null)
    .map((c) => {
      const fp = i.plan.prerequisites.find((p) => p.id === `fingerprint:${c.layerId}`);
      const fingerprint = fp && fp.state === 'present' && /^[0-9a-f]{2}(:[0-9a-f]{2}){31}$/i.test(fp.where) ? fp.where : null;
      return { layerId: c.layerId, host: c.host, fingerprint };
    });
  const pbsLayers = pbs.map((p) => asPbs(i.inventory.layers.find((l) => l.id === p.layerId))!);
  const chains = chainsFromPlan(i.plan, i.inventory, pbs);

  const steps: RebuildStep[] = [
    step('node', 'The new node: reachable, its host key compared and trusted', true, [
      shown(node, 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub', "on the new node's console: the fingerprint to compare with the one Strata shows", true),
      shown(node, `(the key's line) >> ${i.knownHostsPath}`, 'trust it: the line is written to the rebuild\'s known_hosts only after the typed fingerprint matched'),
    ]),
    step('identity', `Identity: hostname and address of ${i.plan.lost.node}`, false, [shown(node, { argv: ['hostname'] }, `must print ${i.plan.lost.node}`), shown(node, { argv: ['ip', '-br', 'addr'] }, `the addresses (${i.plan.lost.address} in the inventory)`)]),
    step('network', 'Network: the archived interfaces file beside the new NIC names (shown, not applied)', false, [
      shown(node, { argv: ['ip', '-j', 'link'] }, 'the NIC names of the new hardware'),
      shown(node, { argv: ['cat', '/etc/network/interfaces'] }, 'the interfaces file the installer wrote'),
      shown(node, { argv: ['cat', `${archiveDir}/etc/network/interfaces`] }, 'the archived one, if it was taken out of the archive'),
      shown(node, `diff -u ${archiveDir}/etc/network/interfaces /etc/network/interfaces`, 'compare; rename NICs in the old file or pin the names first', true),
      shown(node, 'ifreload -a', 'apply when the file is right: Strata does not (names change with hardware)', true),
    ]),
    step('host-config', hostConfigTitle(route), true, hostConfigCommands(i.inventory, node, i.configDbPath, route)),
    step('storage', 'Storage: the encryption key, the surviving PBS with its fingerprint, pools', true, [
      ...pbsLayers.flatMap((l, n) =>
        addPbsCommands({ id: l.id, server: pbsServerFor(l), datastore: datastoreOf(l), username: authIdOf(l.repository) ?? 'root@pam', fingerprint: pbs[n]!.fingerprint ?? '<fingerprint>', ...(l.namespace ? { namespace: l.namespace } : {}), keyFile: '/etc/pve/priv/storage/<lost storage>.enc' }, '-').map((c, k) =>
          shown(node, c.command, k === 0 ? `add ${l.id} (${l.host}) disabled; the key file the restored configuration holds for the storage it copies, if any` : c.description),
        ),
      ),
      shown(node, { argv: ['zpool', 'import'] }, 'pools that survived on disks of this node'),
      shown(node, 'zpool import <pool>', 'each pool listed'),
      shown(node, { argv: ['pvesm', 'status'] }, 'the storages now'),
    ]),
  ];
  // Just before the first tier that needs it: the tiers before come back directly while the
  // datastore (hours for a large one) is not yet restored; with no chain it is done at once.
  const chainsStep = step('chains', 'Chains: datastores restored from copies first', true, [...chains.flatMap((c) => chainShownCommands(i.inventory, c, node)), ...chainCommands(i.plan, new Set(chains.map((c) => c.id)))]);
  let chainsPlaced = false;
  for (const t of i.plan.tiers) {
    const guests: GuestRun[] = t.guests.map((id) => {
      const g = i.plan.guests.find((x) => x.assetId === id)!;
      const direct = g.path?.kind === 'direct' ? g.path : null;
      const expected = g.path?.steps.find((x) => x.kind === 'guest-restore')?.expectedSeconds;
      const chain = chains.find((c) => c.guests.includes(g.assetId));
      if (chain) {
        const base = { assetId: g.assetId, vmid: g.vmid, type: g.type, ...(g.name ? { name: g.name } : {}), storage: i.storage, attempts: 0 };
        return { ...base, sourceId: null, pointTimeSec: g.path?.point.timeSec ?? null, state: 'pending', detail: `through the chain ${chain.id}: from ${chain.name} on ${chain.host} once the chains step is done`, chainId: chain.id, ...(expected !== null && expected !== undefined ? { expectedSeconds: expected } : {}) };
      }
      return {
        assetId: g.assetId,
        vmid: g.vmid,
        type: g.type,
        ...(g.name ? { name: g.name } : {}),
        sourceId: direct ? `${direct.layerId}@${direct.point.ref}` : null,
        pointTimeSec: direct ? direct.point.timeSec : (g.path?.point.timeSec ?? null),
        state: direct ? 'pending' : 'no-source',
        detail: direct ? '' : g.path ? `needs the chain through ${g.path.layerId} first` : (g.why ?? 'no way back'),
        storage: i.storage,
        attempts: 0,
        ...(expected !== null && expected !== undefined ? { expectedSeconds: expected } : {}),
      };
    });
    if (!chainsPlaced && guests.some((g) => g.chainId !== undefined)) {
      steps.push(chainsStep);
      chainsPlaced = true;
    }
    steps.push(
      step(
        `tier:${t.name}`,
        `Guests of ${t.name}`,
        true,
        guests.map((g) => {
          const from = g.sourceId ?? (g.chainId ? `newest point in ${chains.find((c) => c.id === g.chainId)!.name}` : 'no source');
          return shown(node, g.type === 'lxc' ? `pct restore ${g.vmid} <${from}> --storage ${g.storage}; pct start ${g.vmid}` : `qmrestore <${from}> ${g.vmid} --storage ${g.storage}; qm start ${g.vmid}`, `restore, start and check ${g.assetId}`);
        }),
        { tier: { name: t.name, rtoSeconds: t.rtoSeconds }, guests },
      ),
    );
  }
  if (!chainsPlaced) steps.splice(steps.findIndex((x) => x.id === 'storage') + 1, 0, chainsStep);
  steps.push(step('report', 'The report: RTO achieved per tier, the data lost per guest; into the journal', true, [shown(node, 'strata dr report --markdown', 'the report, any time after')]));
  return {
    version: 1,
    id: randomUUID(),
    configPath: i.configPath,
    startedAtSec: i.nowSec,
    updatedAtSec: i.nowSec,
    finishedAtSec: null,
    lost: i.plan.lost,
    target: { address: i.address, port: i.port, hostKeyFingerprint: null },
    configDbPath: i.configDbPath,
    hostConfigRoute: route,
    storage: i.storage,
    parallelPerStorage: i.parallelPerStorage,
    pbs,
    chains,
    steps,
  };
}

/** The chains Strata does not run (an rclone copy, no surviving PBS to restore onto): their steps in words, to do by hand. */
function chainCommands(plan: DrPlan, run: ReadonlySet<string>): RebuildCommand[] {
  const out: RebuildCommand[] = [];
  const seen = new Set<string>();
  for (const g of plan.guests) {
    const p = g.path;
    if (p?.kind !== 'chain' || seen.has(p.layerId) || run.has(`${p.layerId}:${p.via[0]}`)) continue;
    seen.add(p.layerId);
    for (const s of p.steps) if (s.kind !== 'guest-restore') out.push(shown(p.host, s.label, `chain for the guests ${p.via[0]} held`, true));
  }
  return out;
}
