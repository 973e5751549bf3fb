/**
 * The DR card (DESIGN.md "Disaster recovery (v2)", issue 14 §3): the page an
 * operator keeps on paper or a USB stick beside the single-file Strata. Built
 * from the inventory and from what the hosts answered when it was printed;
 * what did not answer is said, never guessed. Secrets appear only as where
 * they live (a path, a command, a variable's name), never as a value: the
 * card is built from the inventory's references and the hosts' metadata, and
 * no secret ever reaches this module.
 */
import { parseAssetId } from './asset-id.js';
import { formatDuration } from './duration.js';
import type { HostFile, SecretRef } from './inventory-file.js';
import type { Inventory, Layer } from './inventory.js';
import { asConfigBackup, asPbs, asRclone, hostRole, keptAt, pbsAuthId, pbsDatastore, rcloneRemoteParts, secretPlaces, type LayerSecret, type PbsLayer, type RcloneLayer } from './layer-kinds/dr.js';
import { hostsOfLayer } from './layer-kinds/index.js';

/** A value read from a host, or why it could not be. */
export type Reading<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export interface DrFacts {
  /** Per PBS host: `proxmox-backup-manager cert info`. */
  readonly certs: Readonly<Record<string, Reading<{ readonly fingerprint: string; readonly notAfter?: string }>>>;
  /** Per PBS host: its datastores (name, path). */
  readonly datastores: Readonly<Record<string, Reading<readonly { readonly name: string; readonly path: string }[]>>>;
  /** Per PVE host: the encryption keys of its PBS storages. */
  readonly keys: Readonly<Record<string, Reading<readonly { readonly path: string; readonly kdf: string; readonly fingerprint: string }[]>>>;
  /** Per rclone layer with a named remote: the remote's settings that are no secret, from `rclone config dump` on its host. */
  readonly rclone?: Readonly<Record<string, Reading<RcloneSettings>>>;
  /** Hosts that did not answer at all (unreachable, or silent within the bound). */
  readonly silentHosts?: readonly string[];
}

/** What may be printed of an rclone remote: never a key. */
export interface RcloneSettings {
  readonly type: string;
  readonly provider?: string;
  readonly region?: string;
  readonly storageClass?: string;
  /** The thaw a copy in that class needs before a restore (its kind says), e.g. Standard, "within 12 hours". */
  readonly thaw?: { readonly priority: string; readonly wait: string };
}

export interface CardHost {
  readonly name: string;
  readonly reach: string;
  readonly roles: readonly string[];
  readonly layers: readonly string[];
  readonly hostKeyFingerprint?: string;
}

export interface CardPbs {
  readonly layerId: string;
  readonly host: string;
  readonly server: string;
  readonly repository: string;
  readonly datastore: string;
  readonly namespace?: string;
  readonly offsite: boolean;
  /** The inventory's pinned fingerprint, if any. */
  readonly inventoryFingerprint?: string;
  /** What the server said now, or why it said nothing. */
  readonly liveFingerprint: Reading<string>;
  /** "matches", "differs: ...", or null when there is nothing to compare. */
  readonly comparison: string | null;
  readonly datastorePath: Reading<string>;
}

export interface CardRepository {
  readonly layerId: string;
  readonly kind: string;
  readonly host: string;
  /** The URL, remote, directory or dataset copies are kept at. */
  readonly location: string;
  readonly detail: string;
  readonly offsite: boolean;
}

export interface CardRclone {
  readonly layerId: string;
  readonly host: string;
  readonly offsite: boolean;
  /** The configured remote's name; '' for a local path, which needs no config. */
  readonly remoteName: string;
  /** Bucket and path within the remote. */
  readonly path: string;
  readonly settings: Reading<RcloneSettings> | null;
  /** The storage class's thaw when it is an archive class; null when read at once or not known. */
  readonly thaw: string | null;
  /** Where the remote's settings and keys live, and each further secret. */
  readonly secrets: readonly CardSecret[];
  /** Whether the config survives a disaster, in words. */
  readonly afterDisaster: string;
}

export interface CardKey {
  readonly host: string;
  readonly reading: Reading<readonly { readonly path: string; readonly kdf: string; readonly fingerprint: string }[]>;
}

export interface CardSecret {
  readonly layerId: string;
  readonly host: string;
  readonly purpose: string;
  readonly lives: string;
}

export interface CardStep {
  readonly title: string;
  readonly why: string;
  readonly commands: readonly string[];
}

export interface DrCard {
  readonly generatedAt: string;
  readonly configPath: string;
  readonly hosts: readonly CardHost[];
  readonly pbs: readonly CardPbs[];
  readonly repositories: readonly CardRepository[];
  readonly rclone: readonly CardRclone[];
  readonly keys: readonly CardKey[];
  readonly secrets: readonly CardSecret[];
  /** Layers that need no secret of their own ("nas-snap (zfs-snapshots)"). */
  readonly noSecrets: readonly string[];
  readonly steps: readonly CardStep[];
  readonly singleFile: readonly string[];
  /** Every reading that failed, one line each: "pbs1: cert info: connection refused". */
  readonly unread: readonly string[];
}

export interface CardInput {
  readonly inventory: Inventory;
  readonly configPath: string;
  readonly facts: DrFacts;
  readonly generatedAtSec: number;
  /** Guests the last reading knew, with their tier (null: the default tier), for those no tier names. */
  readonly knownGuests?: readonly { readonly id: string; readonly tier: string | null }[];
}

const PVE_KINDS = new Set(['pve-snapshots', 'vzdump']);

/** The hosts that are PVE nodes: a `node` set, or a layer read with pvesh. */
export function pveHosts(inv: Inventory): string[] {
  return inv.hosts.filter((h) => h.node !== undefined || inv.layers.some((l) => l.host === h.name && PVE_KINDS.has(l.kind))).map((h) => h.name);
}

/** The hosts of PBS layers, each once. */
export function pbsHosts(inv: Inventory): string[] {
  return [...new Set(inv.layers.filter((l) => asPbs(l) !== null).map((l) => l.host))];
}

export function buildDrCard(input: CardInput): DrCard {
  const { inventory: inv, facts } = input;
  const unread: string[] = [];
  const note = <T>(host: string, what: string, r: Reading<T> | undefined): Reading<T> => {
    const reading: Reading<T> = r ?? { ok: false, reason: 'not read' };
    if (!reading.ok) unread.push(`${host}: ${what}: ${reading.reason}`);
    return reading;
  };
  const certs = new Map(pbsHosts(inv).map((h) => [h, note(h, 'certificate (proxmox-backup-manager cert info)', facts.certs[h])]));
  const stores = new Map(pbsHosts(inv).map((h) => [h, note(h, 'datastores (proxmox-backup-manager datastore list)', facts.datastores[h])]));
  const keys = pveHosts(inv).map((h) => ({ host: h, reading: note(h, 'encryption keys (proxmox-backup-client key show)', facts.keys[h]) }));
  const rclone = inv.layers.flatMap((l) => {
    const r = asRclone(l);
    if (!r) return [];
    const { name } = rcloneRemoteParts(r.remote);
    const settings = name === '' ? null : note(r.host, `rclone remote ${name} of ${r.id} (rclone config dump)`, facts.rclone?.[r.id]);
    return [cardRclone(inv, r, settings, facts.silentHosts ?? [])];
  });

  return {
    generatedAt: new Date(input.generatedAtSec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    configPath: input.configPath,
    hosts: inv.hosts.map((h) => cardHost(inv, h)),
    pbs: inv.layers.flatMap((l) => {
      const p = asPbs(l);
      return p ? [cardPbs(inv, p, certs.get(l.host)!, stores.get(l.host)!)] : [];
    }),
    repositories: inv.layers.flatMap((l) => cardRepository(l)),
    rclone,
    keys,
    secrets: [...inv.layers.flatMap((l) => cardSecrets(l)), ...loginKeys(inv)],
    noSecrets: inv.layers.filter((l) => secretPlaces(l).length === 0).map((l) => `${l.id} (${l.kind})`),
    steps: rebuildSteps(input),
    singleFile: singleFileLines(input.configPath),
    unread,
  };
}

function reachOf(h: HostFile): string {
  if (h.transport === 'local') return 'the machine Strata runs on';
  return `ssh ${h.user ? `${h.user}@` : ''}${h.address ?? h.name}${h.port && h.port !== 22 ? ` port ${h.port}` : ''}`;
}

function cardHost(inv: Inventory, h: HostFile): CardHost {
  const layers = inv.layers.filter((l) => l.host === h.name || hostsOfLayer(l).includes(h.name));
  const roles = new Set<string>();
  if (pveHosts(inv).includes(h.name)) roles.add(`PVE node ${h.node ?? h.name}`);
  for (const l of layers) {
    const role = hostRole(l);
    // A PBS layer read through another host makes only its own host a server.
    if (role && (asPbs(l) === null || l.host === h.name)) roles.add(role);
  }
  return {
    name: h.name,
    reach: reachOf(h),
    roles: roles.size > 0 ? [...roles] : ['(no layer)'],
    layers: layers.map((l) => `${l.id} (${l.kind}${l.offsite ? ', off-site' : ''})`),
    ...(h.hostKeyFingerprint ? { hostKeyFingerprint: h.hostKeyFingerprint } : {}),
  };
}

/** The server part of a repository string, else the host's address: what a PVE node connects to. */
function pbsServer(inv: Inventory, l: PbsLayer): string {
  const h = inv.hosts.find((x) => x.name === l.host);
  return h?.address ?? l.host;
}

function cardPbs(
  inv: Inventory,
  l: PbsLayer,
  cert: Reading<{ fingerprint: string }>,
  stores: Reading<readonly { name: string; path: string }[]>,
): CardPbs {
  const datastore = pbsDatastore(l);
  const live: Reading<string> = cert.ok ? { ok: true, value: cert.value.fingerprint } : cert;
  let comparison: string | null = null;
  if (live.ok && l.fingerprint) {
    comparison = live.value.toLowerCase() === l.fingerprint.toLowerCase() ? 'matches the inventory' : 'DIFFERS from the inventory: the server has a new certificate, or this is not the server';
  }
  let datastorePath: Reading<string>;
  if (!stores.ok) datastorePath = stores;
  else {
    const found = stores.value.find((d) => d.name === datastore);
    datastorePath = found ? { ok: true, value: found.path } : { ok: false, reason: `the server has no datastore "${datastore}" (it has ${stores.value.map((d) => d.name).join(', ') || 'none'})` };
  }
  return {
    layerId: l.id,
    host: l.host,
    server: pbsServer(inv, l),
    repository: l.repository,
    datastore,
    ...(l.namespace ? { namespace: l.namespace } : {}),
    offsite: l.offsite ?? false,
    ...(l.fingerprint ? { inventoryFingerprint: l.fingerprint.toLowerCase() } : {}),
    liveFingerprint: live,
    comparison,
    datastorePath,
  };
}

function cardRepository(l: Layer): CardRepository[] {
  const kept = keptAt(l);
  return kept ? [{ layerId: l.id, kind: l.kind, host: l.host, offsite: l.offsite ?? false, ...kept }] : [];
}

function lives(ref: SecretRef, host: string): string {
  if ('file' in ref) return `file ${ref.file} on ${host}`;
  if ('command' in ref) return `printed by the command \`${ref.command}\` on ${host}`;
  return `environment variable ${ref.env} of the Strata process`;
}

const secretLives = (x: LayerSecret, host: string) => ('ref' in x ? lives(x.ref, host) : x.where);

function cardSecrets(l: Layer): CardSecret[] {
  return secretPlaces(l).map((x) => ({ layerId: l.id, host: l.host, purpose: x.purpose, lives: secretLives(x, l.host) }));
}

/** The SSH keys Strata itself logs in to the hosts with: without them the single file reaches nothing. */
function loginKeys(inv: Inventory): CardSecret[] {
  const byKey = new Map<string, string[]>();
  for (const h of inv.hosts) {
    if (h.transport === 'local') continue;
    const key = h.identityFile ? `file ${h.identityFile} on the machine Strata runs on` : "the SSH agent or ~/.ssh keys of the user running Strata (no identityFile)";
    byKey.set(key, [...(byKey.get(key) ?? []), h.name]);
  }
  return [...byKey].map(([lives, hosts]) => ({ layerId: '(hosts)', host: 'Strata', purpose: `SSH key Strata logs in to ${hosts.join(', ')} with`, lives }));
}

function cardRclone(inv: Inventory, l: RcloneLayer, settings: Reading<RcloneSettings> | null, silentHosts: readonly string[]): CardRclone {
  const { name, path } = rcloneRemoteParts(l.remote);
  const thaw = settings?.ok ? settings.value.thaw : undefined;
  let afterDisaster: string;
  if (name === '') afterDisaster = `a local path on ${l.host}: no rclone config is needed, only ${l.host} itself`;
  else if (silentHosts.includes(l.host)) {
    afterDisaster = `${l.host} did not answer when this card was printed: if it is lost, its rclone config is lost with it, and remote ${name}'s settings and keys must come from a copy kept elsewhere`;
  } else if (pveHosts(inv).includes(l.host)) {
    afterDisaster = `the config is on the PVE node ${l.host}, which the disaster loses: keep a copy of remote ${name}'s settings and keys (encrypted) with this card`;
  } else {
    afterDisaster = `remote ${name}'s settings and keys must still be reachable: if ${l.host} is lost, its config is lost with it, so keep a copy of it (encrypted) with this card`;
  }
  return {
    layerId: l.id,
    host: l.host,
    offsite: l.offsite ?? false,
    remoteName: name,
    path,
    settings,
    thaw: thaw ? `a ${thaw.priority} thaw (${thaw.wait})` : null,
    secrets: cardSecrets(l),
    afterDisaster,
  };
}

function guestsByTier(input: CardInput): { tier: string; rto: string; ids: string[] }[] {
  const inv = input.inventory;
  const isGuest = (id: string) => {
    const p = parseAssetId(id);
    return p !== null && (p.kind === 'vm' || p.kind === 'ct');
  };
  const out = inv.tiers.map((t) => ({ tier: t.name, rto: t.rtoSeconds === null ? 'no RTO set' : `RTO ${formatDuration(t.rtoSeconds)}`, ids: t.assets.filter(isGuest) }));
  const named = new Set(out.flatMap((t) => t.ids));
  const rest = (input.knownGuests ?? []).filter((g) => isGuest(g.id) && !named.has(g.id)).map((g) => g.id);
  if (rest.length > 0) out.push({ tier: '(default tier)', rto: 'no RTO', ids: [...new Set(rest)].sort(byVmid) });
  return out.filter((t) => t.ids.length > 0);
}

const byVmid = (a: string, b: string) => Number(a.split('/')[1]) - Number(b.split('/')[1]);

function restoreCommand(id: string, storage: string): string {
  const [kind, vmid] = id.split('/') as [string, string];
  const volid = `${storage}:backup/${kind}/${vmid}/<time>`;
  return kind === 'vm' ? `qmrestore ${volid} ${vmid} --storage local-lvm` : `pct restore ${vmid} ${volid} --storage local-lvm`;
}

/** restore-formats §9, with this estate's names where the inventory knows them. */
function rebuildSteps(input: CardInput): CardStep[] {
  const inv = input.inventory;
  const pve = pveHosts(inv).map((n) => inv.hosts.find((h) => h.name === n)!);
  const nodes = pve.map((h) => `${h.node ?? h.name} (${h.address ?? h.name})`).join(', ') || 'the PVE node';
  const configLayers = inv.layers.flatMap((l) => asConfigBackup(l) ?? []);
  const configCopies = inv.layers.filter((l) => l.copyOf?.some((c) => configLayers.some((x) => x.id === c)));
  const pbs = inv.layers.flatMap((l) => asPbs(l) ?? []);
  const restoreFrom = (pbs.find((l) => l.offsite) ?? pbs[0])?.id ?? '<pbs-storage>';

  const steps: CardStep[] = [
    {
      title: 'Reinstall Proxmox VE with the same hostname and address',
      why: `Guests belong to the node whose name holds their config: ${nodes}. The new node has a new SSH host key: compare its fingerprint on the console before trusting it.`,
      commands: ['hostname', 'ip -br addr', 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub'],
    },
    {
      title: 'Network: the archived interfaces file against the new NIC names',
      why: 'NIC names change with hardware; pin them before reusing the old /etc/network/interfaces.',
      commands: ['ip -j link', 'cat /etc/network/interfaces', 'ifreload -a'],
    },
    {
      title: 'Host configuration: the config.db route',
      why: `With nothing running, replace pmxcfs's database (mode 0600); never unpack an old /etc/pve onto the live mount. Or copy only selected files of the archived /etc/pve one by one (storage.cfg, jobs.cfg, firewall, priv/storage keys): strata dr run --host-config files. Config archives: ${
        [...configLayers.map((l) => `${l.id} (${l.directory} on ${l.host})`), ...configCopies.map((l) => `${l.id} (copy, ${cardRepository(l)[0]?.location ?? l.host})`)].join('; ') || 'none in the inventory'
      }.`,
      commands: [
        'systemctl stop pve-cluster',
        'cp config.db /var/lib/pve-cluster/config.db',
        'chmod 0600 /var/lib/pve-cluster/config.db',
        'systemctl start pve-cluster',
      ],
    },
    {
      title: 'Storage: pools, the encryption key, then the surviving PBS',
      why: 'Import pools that survived; put each PBS encryption key file back before adding its storage; give the fingerprint read from the server (a rebuilt PBS has a new one). --password without a value asks for it.',
      commands: [
        'zpool import',
        ...pbs.map(
          (l) =>
            `pvesm add pbs ${l.id} --server ${pbsServer(inv, l)} --datastore ${pbsDatastore(l)} --username ${pbsAuthId(l.repository) ?? '<user@realm>'}${l.namespace ? ` --namespace ${l.namespace}` : ''} --fingerprint ${l.fingerprint ?? '<from cert info>'} --encryption-key <key file> --password`,
        ),
        'pvesm status',
      ],
    },
  ];
  for (const t of guestsByTier(input)) {
    steps.push({
      title: `Guests of ${t.tier} (${t.rto})`,
      why: `Restore, start and check these before the next tier. Find each newest point with \`pvesm list ${restoreFrom} --vmid ID\`.`,
      commands: t.ids.map((id) => restoreCommand(id, restoreFrom)),
    });
  }
  steps.push({
    title: 'Start in order, check services, re-enable the backup jobs',
    why: 'Then strata status shows the rebuilt estate.',
    commands: ['qm start ID', 'pct start ID', 'strata status'],
  });
  return steps;
}

function singleFileLines(configPath: string): string[] {
  return [
    'Keep the single-file strata (npm run package) beside this card, with the inventory and the SSH key it names.',
    'It needs no Node.js, npm or network on the node: copy it over, chmod +x strata, then:',
    `./strata --config ${configPath} status`,
    `./strata --config ${configPath} dr card`,
  ];
}

