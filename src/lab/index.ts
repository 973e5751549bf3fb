/**
 * The simulated homelab behind `strata demo`, the tests and the benchmarks:
 * one SSH server per host on 127.0.0.1 speaking Strata's worker-shell
 * protocol, simulated Proxmox/PBS/ZFS/restic/rclone tools over a state with
 * ninety days of history, scenarios, and faults injected per host.
 *
 * ```ts
 * const lab = await startLab({ scenario: 'degraded' });
 * // lab.config / lab.configPath: an inventory for Strata, keys pinned
 * lab.inject('pbs1', { kind: 'latency', ms: 300 });
 * await lab.stop();
 * ```
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InventoryFile } from '../domain/inventory-file.js';
import type { Fault } from './faults.js';
import type { DatastoreCopy } from './history/datastore-rclone.js';
import { buildHomelabState, homelabInventory, type HostEndpoint } from './homelab.js';
import { generateKeyPair } from './keys.js';
import { LabRuntime } from './runtime.js';
import { SCENARIO_PLANS, type ScenarioName } from './scenarios/index.js';
import { HostServer } from './server/host-server.js';
import type { LabState } from './state/types.js';
import type { SignalName } from './shell/types.js';

export type { Fault, FaultKind } from './faults.js';
export type { DatastoreCopy } from './history/datastore-rclone.js';
export type { ScenarioName, ScenarioPlan } from './scenarios/index.js';
export { SCENARIOS } from './scenarios/index.js';
export type * from './state/types.js';

export interface LabOptions {
  readonly scenario?: ScenarioName;
  /** Adds Proxmox nodes pve2.. with a dozen guests each, their own pve-snapshots and vzdump layers. */
  readonly extraPveNodes?: number;
  /** Milliseconds every host waits before each answer. */
  readonly latencyMs?: number;
  /** Faults per host from the start. */
  readonly faults?: Readonly<Record<string, readonly Fault[]>>;
  /** Where the config and the client key go; a fresh temporary directory (removed on stop) by default. */
  readonly dir?: string;
  /** Multiplies the simulated duration of jobs (1: a vzdump of a guest takes about two seconds). */
  readonly timeScale?: number;
  /** Seed of the generated history's identifiers. */
  readonly seed?: number;
  /** Time zone of every host (default UTC). */
  readonly timeZone?: string;
  /** Which copy carries pbs1's datastore directory off-site: restic-cloud's snapshots (default), or `rclone-cold`, an rclone copy in S3 DEEP_ARCHIVE (layer pbs-deep on docker1; pbs2 gets rclone). */
  readonly datastoreCopy?: DatastoreCopy;
}

export interface LabHost {
  readonly name: string;
  readonly port: number;
  /** `SHA256:...` of the host key, as pinned in the config. */
  readonly fingerprint: string;
  /** False for a host the scenario has destroyed (its port refuses connections). */
  readonly up: boolean;
}

/** The freshly installed node of the disaster scenario: not in the inventory, reached as the rebuild reaches it. */
export interface FreshNode extends LabHost {
  /** The lost host it replaces (same hostname and address; a new host key, a new port here). */
  readonly replaces: string;
  readonly hostname: string;
}

export interface Lab {
  readonly config: InventoryFile;
  /** The config written as JSON. */
  readonly configPath: string;
  readonly dir: string;
  /** The client's private key (mode 0600), also named in the config. */
  readonly identityFile: string;
  readonly hosts: readonly LabHost[];
  readonly scenario: ScenarioName;
  /** The disaster scenario's rebuild target (undefined in the others). */
  readonly freshNode?: FreshNode;
  /** The live state, for tests to read (and to prepare cases). */
  readonly state: LabState;
  inject(host: string, fault: Fault): void;
  /** Removes every fault of a host (a destroyed host stays gone). */
  clear(host: string): void;
  /** Processes now running on a host (simulated PIDs), e.g. to see that a kill ended one. */
  /** The argv of every program started on a host since the lab started (the newest 20000), as `ps` shows a command line: a secret passed there would be seen. */
  started(host: string): readonly (readonly string[])[];
  running(host: string): { pid: number; argv: readonly string[] }[];
  /** Signals a process of a host as `kill -SIG PID` there would (a test's stand-in for a second kill racing the first). */
  signal(host: string, pid: number, sig: SignalName): boolean;
  stop(): Promise<void>;
}

/** A port nobody listens on: taken from the kernel, then released. */
async function refusedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function startLab(opts: LabOptions = {}): Promise<Lab> {
  const scenario = opts.scenario ?? 'healthy';
  if (!Object.hasOwn(SCENARIO_PLANS, scenario)) throw new TypeError(`unknown lab scenario: ${scenario}`);
  const extra = opts.extraPveNodes ?? 0;
  if (!Number.isInteger(extra) || extra < 0 || extra > 500) throw new RangeError(`extraPveNodes must be 0..500, got ${extra}`);
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'strata-lab-'));
  mkdirSync(dir, { recursive: true });

  const state = buildHomelabState({
    scenario,
    extraPveNodes: extra,
    now: Math.floor(Date.now() / 1000),
    seed: opts.seed ?? 0x5eed,
    timeZone: opts.timeZone ?? 'UTC',
    ...(opts.datastoreCopy ? { datastoreCopy: opts.datastoreCopy } : {}),
  });
  const runtime = new LabRuntime(state, { seed: opts.seed ?? 0x5eed, timeScale: opts.timeScale ?? 1, latencyMs: opts.latencyMs ?? 0 });
  for (const [name, faults] of Object.entries(opts.faults ?? {})) {
    if (!state.hosts[name]) throw new TypeError(`fault for unknown lab host ${name}`);
    for (const f of faults) runtime.inject(name, f);
  }

  const client = generateKeyPair('strata@lab');
  const identityFile = join(dir, 'id_ed25519');
  writeFileSync(identityFile, client.privateKey, { mode: 0o600 });
  chmodSync(identityFile, 0o600);
  writeFileSync(`${identityFile}.pub`, `${client.publicKey}\n`, { mode: 0o644 });

  const gone = new Set(SCENARIO_PLANS[scenario].gone?.hosts ?? []);
  for (const name of gone) runtime.markGone(name);
  const servers = new Map<string, HostServer>();
  const endpoints: Record<string, HostEndpoint> = {};
  const hosts: LabHost[] = [];
  await Promise.all(
    Object.keys(state.hosts).map(async (name) => {
      const hostKey = generateKeyPair(`root@${name}`);
      if (gone.has(name)) {
        endpoints[name] = { port: await refusedPort(), fingerprint: hostKey.fingerprint };
        return;
      }
      const server = new HostServer({ runtime, hostName: name, hostKey, clientPublicKey: client.publicKey });
      const port = await server.listen(0);
      if (runtime.hasFault(name, 'unreachable')) await server.unlisten();
      servers.set(name, server);
      endpoints[name] = { port, fingerprint: hostKey.fingerprint };
    }),
  );
  for (const name of Object.keys(state.hosts)) hosts.push({ name, ...endpoints[name]!, up: !gone.has(name) });
  const freshState = Object.values(state.hosts).find((x) => x.replaces !== undefined);
  const freshNode: FreshNode | undefined = freshState
    ? { name: freshState.name, ...endpoints[freshState.name]!, up: true, replaces: freshState.replaces!, hostname: freshState.hostname }
    : undefined;

  const config = homelabInventory(state, endpoints, identityFile, opts.datastoreCopy);
  const configPath = join(dir, 'strata.json');
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);

  let stopped = false;
  const known = (host: string) => {
    if (!state.hosts[host]) throw new TypeError(`no lab host ${host}`);
  };
  return {
    config,
    configPath,
    dir,
    identityFile,
    hosts,
    scenario,
    ...(freshNode ? { freshNode } : {}),
    state,
    inject(host, fault) {
      known(host);
      runtime.inject(host, fault);
      if (fault.kind === 'unreachable') void servers.get(host)?.unlisten();
      if (fault.kind === 'host-key-changed' || fault.kind === 'auth-failure') servers.get(host)?.dropConnections();
    },
    clear(host) {
      known(host);
      const wasDown = runtime.hasFault(host, 'unreachable');
      const keyChanged = runtime.hasFault(host, 'host-key-changed');
      runtime.clear(host);
      const server = servers.get(host);
      if (server && wasDown && !stopped) void server.listen(server.port);
      if (keyChanged) server?.dropConnections();
    },
    running: (host) => runtime.running(host),
    started: (host) => runtime.started(host),
    signal: (host, pid, sig) => runtime.signal(host, pid, sig),
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all([...servers.values()].map((s) => s.close()));
      await runtime.stop();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
