/**
 * `strata demo`: starts the simulated homelab in this process and shows
 * Strata against it through the real SSH runner, so a new user sees the whole
 * product with nothing installed but `npm install`.
 */
import { join } from 'node:path';
import { validateInventory } from '../domain/inventory.js';
import { exitCodeFor } from '../domain/status-report.js';
import { SCENARIOS, startLab, type DatastoreCopy, type Lab, type ScenarioName } from '../lab/index.js';
import { parseFlags, UsageError } from './args.js';
import { formatStatus } from './format-status.js';
import { EXIT, type CliIo } from './io.js';
import { closeSession, type Session } from './session.js';
import { composeServices } from '../services/root.js';
import { stateDir } from '../services/state-dir.js';
import { statusReport } from './status.js';

export const USAGE = `Usage: strata demo [--scenario healthy|degraded|disaster] [--hosts N] [--latency MS]
                   [--datastore-copy restic|rclone-cold] [--status [--json]] [--read-only] [--serve]

Starts a simulated homelab (Proxmox node, local and remote PBS, Docker host
with restic, ZFS NAS with replication and a Glacier copy) on 127.0.0.1 and
opens Strata on it. Nothing outside this process is touched.
  --scenario S   healthy (default), degraded (many real-world failures at once),
                 disaster (the Proxmox node and the local PBS are gone)
  --hosts N      add N more Proxmox nodes with a dozen guests each (scale)
  --latency MS   every simulated host waits this long before each answer
  --datastore-copy C  what carries the local PBS datastore off-site: restic
                 (default: restic-cloud) or rclone-cold (an rclone copy in S3
                 Deep Archive, thawed before the DR chain copies it back)
  --status       print the status instead of opening the screen; exit code as
                 \`strata status\` (--json for the JSON contract)
  --serve        keep the lab running and print its inventory path, so any
                 command (status, restore, drill) can be run against it from
                 another shell; Ctrl-C (or TERM) stops it`;

export interface DemoOptions {
  readonly scenario: ScenarioName;
  readonly extraPveNodes: number;
  readonly latencyMs: number;
  /** What carries pbs1's datastore off-site (restic-cloud by default). */
  readonly datastoreCopy?: DatastoreCopy;
}

export function parseDemoArgs(args: string[]) {
  const { values } = parseFlags(args, {
    scenario: { type: 'string' },
    hosts: { type: 'string' },
    latency: { type: 'string' },
    'datastore-copy': { type: 'string' },
    status: { type: 'boolean' },
    json: { type: 'boolean' },
    'read-only': { type: 'boolean' },
    serve: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  const scenario = values.scenario ?? 'healthy';
  if (!(SCENARIOS as readonly string[]).includes(scenario)) {
    throw new UsageError(`--scenario: "${scenario}" is not one of ${SCENARIOS.join(', ')}`);
  }
  const copy = values['datastore-copy'];
  if (copy !== undefined && copy !== 'restic' && copy !== 'rclone-cold') throw new UsageError(`--datastore-copy: "${copy}" is not one of restic, rclone-cold`);
  const count = (flag: string, v: string | undefined, max: number) => {
    if (v === undefined) return 0;
    if (!/^\d+$/.test(v) || Number(v) > max) throw new UsageError(`--${flag}: "${v}" is not a whole number from 0 to ${max}`);
    return Number(v);
  };
  return {
    demo: {
      scenario: scenario as ScenarioName,
      extraPveNodes: count('hosts', values.hosts, 200),
      latencyMs: count('latency', values.latency, 60_000),
      ...(copy === 'rclone-cold' ? { datastoreCopy: copy } : {}),
    } satisfies DemoOptions,
    status: values.status ?? false,
    json: values.json ?? false,
    readOnly: values['read-only'] ?? false,
    serve: values.serve ?? false,
    help: values.help ?? false,
  };
}

/** Starts the lab and a session on it; the caller stops both. */
export async function startDemo(opts: DemoOptions, env: CliIo['env'], mode: { readOnly?: boolean } = {}): Promise<{ lab: Lab; session: Session }> {
  const lab = await startLab({ scenario: opts.scenario, extraPveNodes: opts.extraPveNodes, latencyMs: opts.latencyMs, ...(opts.datastoreCopy ? { datastoreCopy: opts.datastoreCopy } : {}) });
  const valid = validateInventory(lab.config);
  if (!valid.ok) {
    await lab.stop();
    throw new Error(`the lab wrote an invalid inventory: ${valid.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  return { lab, session: composeServices({ inventory: valid.inventory, configPath: lab.configPath, env, ...mode }) };
}

/**
 * The demo keeps its own state (journal, probe log, saved status) in demo/ under
 * the state directory: a simulated verify of its pbs-local must never count as
 * evidence for a real layer that happens to share the name.
 */
export function demoEnv(env: CliIo['env']): CliIo['env'] {
  return { ...env, STRATA_STATE_DIR: join(stateDir(env), 'demo') };
}

export async function run(args: string[], outerIo: CliIo): Promise<number> {
  const io: CliIo = { ...outerIo, env: demoEnv(outerIo.env) };
  let parsed;
  try {
    parsed = parseDemoArgs(args);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`strata demo: ${e.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw e;
  }
  if (parsed.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  if (parsed.serve) return serve(parsed.demo, io, untilSignalled());
  const { lab, session } = await startDemo(parsed.demo, io.env, { readOnly: parsed.readOnly });
  try {
    if (parsed.status || !io.isTTY) {
      const report = await statusReport(session);
      if (parsed.json) io.out(JSON.stringify(report));
      else {
        io.out(formatStatus(report, { color: io.isTTY && !io.env.NO_COLOR }));
        if (!parsed.status) io.out('(not a terminal: printed the status; run `strata demo` in a terminal for the screen)');
      }
      return exitCodeFor(report);
    }
    const { runTui } = await import('./tui.js');
    // The disaster's fresh node listens on a port of its own (the lost node's address is the lab's loopback).
    const rebuild = lab.freshNode ? { rebuild: { address: '127.0.0.1', port: lab.freshNode.port } } : {};
    return await runTui({ session, readOnly: parsed.readOnly, io, title: `demo: ${parsed.demo.scenario}`, ...rebuild });
  } finally {
    await closeSession(session, io);
    await lab.stop();
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignalled(): Promise<string> {
  return new Promise((resolve) => {
    const done = (sig: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(sig);
    };
    const onInt = () => done('SIGINT');
    const onTerm = () => done('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

/**
 * `strata demo --serve`: the lab keeps running until `until` resolves; its
 * inventory and a state directory of its own (so its journal never mixes
 * with a real one) are printed as the lines to paste into another shell.
 */
export async function serve(opts: DemoOptions, io: CliIo, until: Promise<unknown>): Promise<number> {
  const lab = await startLab({ scenario: opts.scenario, extraPveNodes: opts.extraPveNodes, latencyMs: opts.latencyMs, ...(opts.datastoreCopy ? { datastoreCopy: opts.datastoreCopy } : {}) });
  try {
    const state = join(lab.dir, 'state');
    io.out(
      [
        `Strata demo lab (${opts.scenario}) is running: ${lab.hosts.filter((h) => h.up).map((h) => `${h.name}:${h.port}`).join(', ')}`,
        `inventory: ${lab.configPath}`,
        '',
        'In another shell:',
        `  export STRATA_CONFIG=${lab.configPath} STRATA_STATE_DIR=${state}`,
        '  strata status',
        ...(lab.freshNode
          ? [
              '  strata dr plan',
              `  strata dr run --port ${lab.freshNode.port}            (shows the steps; add --yes to run them)`,
              `  strata dr run --port ${lab.freshNode.port} --yes --trust-host-key ${lab.freshNode.fingerprint}`,
              `(the new node ${lab.freshNode.name} answers on port ${lab.freshNode.port}; on real hardware you read its key on its console)`,
            ]
          : ['  strata restore --asset vm/100', '  strata drill --asset vm/100']),
        '',
        `Stop it with Ctrl-C here (or kill ${process.pid}); the lab's files are removed then.`,
      ].join('\n'),
    );
    await until;
    return EXIT.ok;
  } finally {
    await lab.stop();
  }
}
