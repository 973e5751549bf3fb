/**
 * The rebuild's steps on the new node's own configuration: its identity
 * (read), its network (the archived interfaces file beside the new one,
 * never applied) and its host configuration by one of two routes (the
 * config.db swap, or selected files of the archived /etc/pve). Each reads
 * and runs through the context the rebuild gives (its node, its journaling
 * executor); the rebuild saves what they say.
 */
import { isIP } from 'node:net';
import { parseStorageConfig, storageConfigCommand } from '../../adapters/pve/storage-config.js';
import type { ActionOutcome } from '../../kinds/action-types.js';
import type { Command } from '../../transport/command.js';
import { describeCommand } from '../../transport/shell-script.js';
import type { HostConfigRoute, RebuildState, RebuildStep, SideBySide, StepRunOptions } from './api.js';
import { archiveDirOf, CONFIG_DB, configDbCommands, selectedConfigFiles, selectedFilesCommands, stagedFilesCommand } from './rebuild-steps.js';

export interface StepOutcome {
  readonly state: RebuildStep['state'];
  readonly detail: string;
}

export interface HostStepContext {
  state(): RebuildState;
  onNode(cmd: Command): Promise<{ stdout: string; stderr: string; exitCode: number }>;
  /** Runs the commands on the new node as one journaled action of the host-config step. */
  execute(title: string, commands: readonly { command: Command; description: string }[], opts: StepRunOptions): Promise<ActionOutcome>;
}

export async function checkIdentity(ctx: HostStepContext): Promise<StepOutcome> {
  const want = ctx.state().lost.node;
  const host = (await ctx.onNode({ argv: ['hostname'] })).stdout.trim();
  const addr = (await ctx.onNode({ argv: ['ip', '-br', 'addr'] })).stdout;
  const address = ctx.state().lost.address;
  const loopback = /^(127\.|::1$|localhost$)/.test(address);
  const literal = isIP(address) !== 0;
  const listed = addr.split(/\s+/).some((w) => w.split('/')[0] === address);
  const addrNote = loopback
    ? `the inventory reaches it at ${address} (a loopback address, not compared)`
    : !literal
      ? `the inventory names it ${address} (a name, not an address: check that it resolves to this node)`
      : listed
        ? `address ${address} is on it`
        : null;
  if (host !== want) return { state: 'failed', detail: `hostname is ${host || '(empty)'}, not ${want}: guests belong to the node of their name. Strata does not change it: reinstall, or set /etc/hostname and /etc/hosts, then run this step again` };
  if (addrNote === null) return { state: 'failed', detail: `hostname ${host}, but ${address} is not among its addresses (ip -br addr): set it as on the lost node, then run this step again` };
  return { state: 'done', detail: `hostname ${host}; ${addrNote}` };
}

export async function showNetwork(ctx: HostStepContext): Promise<StepOutcome & { compare?: SideBySide }> {
  const links = (await ctx.onNode({ argv: ['ip', '-j', 'link'] })).stdout;
  let names: string[] = [];
  try {
    names = (JSON.parse(links) as { ifname: string; link_type?: string }[]).filter((l) => l.link_type !== 'loopback').map((l) => l.ifname);
  } catch {
    names = [];
  }
  const archivedPath = `${archiveDirOf(ctx.state().configDbPath)}/etc/network/interfaces`;
  const archived = await ctx.onNode({ argv: ['cat', archivedPath] });
  const current = await ctx.onNode({ argv: ['cat', '/etc/network/interfaces'] });
  const now = `NICs now: ${names.join(', ') || 'none read'}`;
  if (archived.exitCode !== 0) return { state: 'done', detail: `${now}; the archived interfaces file is not at ${archivedPath} (take it out of the archive to compare). Nothing applied.` };
  const used = [...new Set([...archived.stdout.matchAll(/(?:bridge-ports|bond-slaves)\s+([^\n]+)/g)].flatMap((m) => m[1]!.trim().split(/\s+/)).filter((n) => n !== 'none'))];
  const missing = used.filter((n) => !names.includes(n));
  const compare: SideBySide = {
    left: { title: `archived ${archivedPath}`, lines: archived.stdout.replace(/\n$/, '').split('\n') },
    right: { title: current.exitCode === 0 ? '/etc/network/interfaces now' : `/etc/network/interfaces not read (exit ${current.exitCode})`, lines: current.exitCode === 0 ? current.stdout.replace(/\n$/, '').split('\n') : [] },
    missing,
  };
  return { state: 'done', compare, detail: `${now}; the archived file uses ${used.join(', ') || 'no bridge port'}${missing.length > 0 ? `; ${missing.join(', ')} does not exist here: rename it in the old file or pin the names before ifreload -a` : ''}. Nothing applied.` };
}

export async function hostConfigBack(ctx: HostStepContext): Promise<{ done: boolean; detail: string }> {
  const r = await ctx.onNode(storageConfigCommand());
  const parsed = parseStorageConfig(r.stdout, r.stderr, r.exitCode);
  if (!parsed.ok) return { done: false, detail: `storage configuration not read: ${parsed.error.message}` };
  const others = parsed.value.filter((e) => e.id !== 'local').map((e) => e.id);
  return others.length > 0 ? { done: true, detail: `the node's configuration already holds the lost node's storages (${others.join(', ')})` } : { done: false, detail: 'only the installer\'s local storage: the configuration is not back yet' };
}

export function restoreHostConfig(ctx: HostStepContext, route: HostConfigRoute, opts: StepRunOptions): Promise<StepOutcome> {
return route === 'files' ? copySelectedFiles(ctx, opts) : swapConfigDb(ctx, opts);
}

/** The `files` route: pve-cluster stays up; only the chosen files of the archived /etc/pve go onto it, each by itself. */
async function copySelectedFiles(ctx: HostStepContext, opts: StepRunOptions): Promise<StepOutcome> {
  const dir = archiveDirOf(ctx.state().configDbPath);
  const listed = await ctx.onNode(stagedFilesCommand(dir));
  const files = listed.exitCode === 0 ? selectedConfigFiles(listed.stdout.split('\n').filter(Boolean), ctx.state().lost.node) : [];
  if (!files.includes('storage.cfg')) {
    return { state: 'blocked', detail: `no storage.cfg under ${dir}/etc/pve on the new node: take the /etc/pve files out of the newest off-site config archive there (the commands shown), then run this step again` };
  }
  const commands = selectedFilesCommands(dir, files).map((command) => ({ command, description: describeCommand(command) }));
  const out = await ctx.execute('selected files of the archived /etc/pve', commands, opts);
  if (out.state !== 'ok') return { state: 'failed', detail: `${out.summary}: the files before the failing one are in place; fix it and run this step again (copying a file twice changes nothing)` };
  const back = await hostConfigBack(ctx);
  return back.done ? { state: 'done', detail: `copied ${files.join(', ')} from ${dir}/etc/pve; pve-cluster kept running: ${back.detail.replace(/^the node's configuration already holds/, 'it holds')}` } : { state: 'failed', detail: back.detail };
}

/** The documented `config-db` route: pve-cluster stopped, the archived database in place (0600), started. */
async function swapConfigDb(ctx: HostStepContext, opts: StepRunOptions): Promise<StepOutcome> {
  const path = ctx.state().configDbPath;
  const there = await ctx.onNode({ argv: ['stat', '-c', '%s', path] });
  if (there.exitCode !== 0 || Number(there.stdout.trim()) === 0) {
    return { state: 'blocked', detail: `no config.db at ${path} on the new node: take it from the newest off-site config archive (the commands shown), then run this step again` };
  }
  const out = await ctx.execute('the config.db route', configDbCommands(path).map((command) => ({ command, description: describeCommand(command) })), opts);
  if (out.state !== 'ok') return { state: 'failed', detail: `${out.summary}. pve-cluster may be stopped: systemctl start pve-cluster after fixing` };
  const mode = (await ctx.onNode({ argv: ['stat', '-c', '%a', CONFIG_DB] })).stdout.trim();
  const back = await hostConfigBack(ctx);
  if (mode !== '600') return { state: 'failed', detail: `config.db has mode ${mode}, not 600` };
  return back.done ? { state: 'done', detail: `config.db from ${path} in place (0600), pve-cluster running: ${back.detail.replace(/^the node's configuration already holds/, 'it holds')}` } : { state: 'failed', detail: back.detail };
}
