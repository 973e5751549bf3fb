/**
 * `strata dr run` and `strata dr report` (docs/disaster-recovery.md): the
 * rebuild step by step from the CLI. Without --yes it shows the steps and
 * their commands and changes nothing; with --yes it runs them in order,
 * each checked first, and stops at the first that fails or waits for the
 * operator. The new node's host key is trusted only with the fingerprint
 * the operator typed (--trust-host-key) after comparing it on the console.
 */
import { formatDuration } from '../domain/duration.js';
import { DrError, type Rebuild, type RebuildEvent, type RebuildState, type RebuildStep, type StartOptions } from '../services/dr/api.js';
import { sideBySideLines } from '../domain/side-by-side.js';
import { reportMarkdown } from '../services/dr/report.js';
import { commandFlags, configFlag } from './args.js';
import { EXIT, type CliIo } from './io.js';
import { closeSession, openSessionOrExplain } from './session.js';

export const RUN_USAGE = `Usage: strata dr run [--config FILE] [--yes] [--resume | --restart] [--trust-host-key FP]
                    [--address A] [--port N] [--config-db PATH] [--host-config ROUTE]
                    [--storage S] [--parallel N] [--lost HOST]
       strata dr report [--config FILE] [--markdown | --json]

dr run: the rebuild of the lost PVE node onto a freshly installed one, step by
step (on a terminal without --yes it asks before each step that writes, and
for the new node's fingerprint): the node (its host key typed to be trusted), identity, network (shown,
not applied), host configuration (config.db or selected files), storage (pvesm add pbs, zpool
import), chains, guests by tier (in parallel, each started and checked), the
report. Each step checks first whether it is done; the state is saved in the
state directory after each, so a dropped session continues with --resume.
  --yes              run the steps without asking (without it and off a
                     terminal: show them, change nothing)
  --resume           continue the saved rebuild
  --restart          start over although a rebuild is saved
  --trust-host-key FP  the new node's fingerprint as you read it on its console
                     (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)
  --address A, --port N  where the new node answers (default: the lost node's)
  --config-db PATH   the archived config.db on the new node (default /root/strata-restore/config.db);
                     what else was taken out of the archive is beside it (etc/pve, etc/network)
  --host-config ROUTE  config-db (default: pve-cluster stopped, config.db swapped in) or
                     files (storage.cfg, jobs.cfg, the firewall and the storages' key
                     files copied one by one onto the running node); with --resume it
                     changes the route of a host configuration step not done yet
  --storage S        storage guests are restored to (default local-lvm)
  --parallel N       guest restores at once per storage (default 2)
dr report: the saved rebuild's report (RTO per tier, data lost per guest).
Exit: 0 finished, 1 stopped at a step (failed or waiting for you), 64 usage, 78 config.`;

const FLAGS = {
  yes: { type: 'boolean' },
  resume: { type: 'boolean' },
  restart: { type: 'boolean' },
  'trust-host-key': { type: 'string' },
  address: { type: 'string' },
  port: { type: 'string' },
  'config-db': { type: 'string' },
  'host-config': { type: 'string' },
  storage: { type: 'string' },
  parallel: { type: 'string' },
  lost: { type: 'string' },
} as const;

const MARK: Record<RebuildStep['state'], string> = { pending: 'to do', running: 'interrupted (runs again)', done: 'done', 'already-done': 'already done', failed: 'FAILED', blocked: 'WAITING for you' };

function usage(io: CliIo, text: string): number {
  io.err(`strata dr run: ${text}\n\n${RUN_USAGE}`);
  return EXIT.usage;
}

/** A console at the new node's screen: 80 columns. */
const COLUMNS = 80;
/** What a step read to put side by side (the network files), indented under it. */
const compareText = (s: RebuildStep): string[] => (s.compare ? sideBySideLines(s.compare, COLUMNS - 3).map((l) => `   ${l}`) : []);

function stepText(s: RebuildStep, n: number): string {
  const lines = [`${n}. ${s.title} [${MARK[s.state]}]${s.writes ? '' : ' (reads only)'}`];
  if (s.detail && s.detail !== 'running') lines.push(`   ${s.detail}`);
  lines.push(...compareText(s));
  for (const c of s.commands) lines.push(`   ${c.shownOnly ? '(shown)' : '$'} ${c.host}: ${c.command}`);
  return lines.join('\n');
}

function onEvent(io: CliIo): (e: RebuildEvent) => void {
  return (e) => {
    if (e.type === 'guest') {
      const g = e.guest;
      io.out(`   ${g.assetId}${g.name ? ` ${g.name}` : ''}: ${g.state}${g.state === 'restoring' ? ` from ${g.sourceId}${g.attempts > 1 ? ` (attempt ${g.attempts})` : ''}` : g.detail ? ` - ${g.detail}` : ''}`);
    }
    // A chain's phases as they end: what it reached and what it found.
    if (e.type === 'chain') io.out(`   ${e.chain.id}: ${e.chain.reached ?? 'starting'} - ${e.chain.detail}`);
  };
}

export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = commandFlags(args, FLAGS, { io, name: 'strata dr run', usage: RUN_USAGE });
  if ('exit' in parsed) return parsed.exit;
  const f = parsed.values;
  if (f.resume && f.restart) return usage(io, '--resume and --restart exclude each other');
  const port = f.port === undefined ? undefined : Number(f.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) return usage(io, `--port: "${f.port}" is not a port`);
  const parallel = f.parallel === undefined ? undefined : Number(f.parallel);
  if (parallel !== undefined && !(Number.isInteger(parallel) && parallel >= 1 && parallel <= 16)) return usage(io, `--parallel: "${f.parallel}" is not a whole number from 1 to 16`);
  const route = f['host-config'];
  if (route !== undefined && route !== 'config-db' && route !== 'files') return usage(io, `--host-config: "${route}" is not a route (config-db or files)`);
  const start: StartOptions = {
    ...(route !== undefined ? { hostConfigRoute: route } : {}),
    ...(f.address !== undefined ? { address: f.address } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(f['config-db'] !== undefined ? { configDbPath: f['config-db'] } : {}),
    ...(f.storage !== undefined ? { storage: f.storage } : {}),
    ...(parallel !== undefined ? { parallelPerStorage: parallel } : {}),
    ...(f.lost !== undefined ? { lostHost: f.lost } : {}),
    ...(f.restart ? { restart: true } : {}),
  };
  const session = await openSessionOrExplain(configFlag(f, io.env), io);
  if (!session) return EXIT.config;
  try {
    const saved = await session.dr.saved();
    if (saved && saved.finishedAtSec === null && !f.resume && !f.restart) {
      io.err(`strata dr run: a rebuild of ${saved.lost.node} is saved and not finished (next: ${saved.steps.find((s) => s.state !== 'done' && s.state !== 'already-done')?.title}). Continue it with --resume, or start over with --restart.`);
      return EXIT.usage;
    }
    if (f.resume && !saved) {
      io.err('strata dr run: --resume: no rebuild was started here');
      return EXIT.usage;
    }
    // On a terminal, without --yes, each step that writes is asked for; elsewhere the steps are only shown.
    const ask = !f.yes && io.isTTY ? io.ask : undefined;
    if (!f.yes && !ask) return preview(io, f.resume ? saved! : await session.dr.preview(start));
    const rebuild = f.resume ? await session.dr.resume() : await session.dr.start(start);
    try {
      if (f.resume && route !== undefined && rebuild.state().hostConfigRoute !== route) await rebuild.chooseHostConfigRoute(route);
      return await runAll(rebuild, io, f['trust-host-key'], ask?.bind(io));
    } finally {
      await rebuild.close();
    }
  } catch (e) {
    if (e instanceof DrError) {
      io.err(`strata dr run: ${e.message}`);
      return e.code === 'rebuild-in-progress' || e.code === 'no-rebuild' ? EXIT.usage : EXIT.warn;
    }
    throw e;
  } finally {
    await closeSession(session, io);
  }
}

function preview(io: CliIo, state: RebuildState): number {
  io.out(`DR rebuild of ${state.lost.node} onto ${state.target.address}:${state.target.port}\n`);
  state.steps.forEach((s, i) => io.out(stepText(s, i + 1)));
  io.out('\nNothing was changed. To run it: the same command with --yes and --trust-host-key <the fingerprint you read on the new node\'s console>.');
  return EXIT.ok;
}

async function runAll(rebuild: Rebuild, io: CliIo, trusted: string | undefined, ask?: (question: string) => Promise<string>): Promise<number> {
  let typed = trusted;
  const steps = rebuild.state().steps;
  for (let s = rebuild.next(); s; s = rebuild.next()) {
    const n = steps.findIndex((x) => x.id === s!.id) + 1;
    io.out(`\n${n}. ${s.title}`);
    for (const c of s.commands) io.out(`   ${c.shownOnly ? '(shown)' : '$'} ${c.host}: ${c.command}`);
    if (s.id === 'node' && typed === undefined && rebuild.state().target.hostKeyFingerprint === null) {
      const offer = await rebuild.offeredHostKey().catch((e: unknown) => e);
      if (offer instanceof Error) {
        io.out(`   the new node does not answer: ${offer.message}`);
        return EXIT.warn;
      }
      const o = offer as { fingerprint: string; keyType: string };
      if (!ask) {
        io.out(`   the new node offers ${o.fingerprint} (${o.keyType}). Compare it on its console, then run again with --trust-host-key <what you read there>.`);
        return EXIT.warn;
      }
      io.out(`   the new node offers ${o.fingerprint} (${o.keyType}).`);
      typed = (await ask('   Type the fingerprint you read on its console (ssh-keygen -lf ...), or nothing to stop: ')).trim();
      if (typed === '') {
        io.out('\nStopped: nothing was trusted. Continue later with strata dr run --resume.');
        return EXIT.warn;
      }
    } else if (ask && s.writes && s.id !== 'node') {
      // Checked first: a step found done is not asked for.
      const checked = await rebuild.check(s.id);
      if (checked.state === 'already-done') {
        io.out(`   -> ${MARK[checked.state]}: ${checked.detail}`);
        continue;
      }
      // A chain also writes on the PBS host it restores the datastore onto: the question names it.
      const lostHost = rebuild.state().lost.host;
      const others = [...new Set(s.commands.filter((c) => !c.shownOnly && c.host !== lostHost).map((c) => c.host))];
      const answer = (await ask(`   Run step ${n} on the new node${others.length > 0 ? ` and ${others.join(', ')}` : ''}? [y/N] `)).trim().toLowerCase();
      if (answer !== 'y' && answer !== 'yes') {
        io.out(`\nStopped before step ${n}: nothing of it ran. Continue later with strata dr run --resume.`);
        return EXIT.warn;
      }
    }
    const ran = await rebuild.run(s.id, { confirm: true, ...(typed !== undefined ? { typedFingerprint: typed } : {}), onEvent: onEvent(io) });
    io.out(`   -> ${MARK[ran.state]}${ran.detail ? `: ${ran.detail}` : ''}`);
    for (const l of compareText(ran)) io.out(l);
    if (ran.state !== 'done' && ran.state !== 'already-done') {
      io.out(`\nStopped at step ${n}. Fix what it says, then: strata dr run --resume --yes`);
      return EXIT.warn;
    }
  }
  const state = rebuild.state();
  const took = (state.finishedAtSec ?? state.updatedAtSec) - state.startedAtSec;
  io.out(`\nThe rebuild of ${state.lost.node} is finished (${formatDuration(took)} since it started). The report: strata dr report --markdown`);
  return EXIT.ok;
}

export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = commandFlags(args, { markdown: { type: 'boolean' }, json: { type: 'boolean' } }, { io, name: 'strata dr report', usage: RUN_USAGE });
  if ('exit' in parsed) return parsed.exit;
  const f = parsed.values;
  if (f.markdown && f.json) {
    io.err(`strata dr report: --markdown and --json exclude each other\n\n${RUN_USAGE}`);
    return EXIT.usage;
  }
  const session = await openSessionOrExplain(configFlag(f, io.env), io);
  if (!session) return EXIT.config;
  try {
    const report = await session.dr.report();
    if (!report) {
      io.err('strata dr report: no rebuild was started here (strata dr run starts one)');
      return EXIT.warn;
    }
    io.out(f.json ? `${JSON.stringify(report, null, 2)}\n` : reportMarkdown(report));
    return EXIT.ok;
  } finally {
    await closeSession(session, io);
  }
}
