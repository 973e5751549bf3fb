/**
 * `strata commands [--config F] [--json]`: for each host, the exact commands
 * Strata may run there, so an operator can review them and restrict Strata's
 * key or account. Secrets show as names, never values.
 */
import { probeCommands } from '../kinds/read.js';
import { CLOCK_COMMAND, HOSTNAME_COMMAND } from '../adapters/host/commands.js';
import type { Command, SecretSource } from '../transport/command.js';
import { describeCommand, WORKER_SHELL_LINE } from '../transport/shell-script.js';
import { commandFlags, configFlag } from './args.js';
import { EXIT, type CliIo } from './io.js';
import { printProblems } from './session.js';
import { loadInventory, resolveConfigPath } from '../services/inventory-loader.js';
import type { Inventory } from '../domain/inventory.js';
import { infoOf } from '../domain/layer-kinds/index.js';

/** What an operator restricting Strata's key must know about how these reach the host. */
export const HOW_COMMANDS_ARRIVE = `How they arrive: over one SSH connection per host, through long-lived
shells Strata starts with \`${WORKER_SHELL_LINE}\` (a command with input gets its own
\`exec\` channel; a cancel sends \`kill\`). A forced command in authorized_keys
therefore cannot pin these lines: restrict the account instead (a dedicated
user whose PATH, sudo rules and file permissions allow only these tools).
Runs and verifies started from the screen are not listed here: each shows its
exact commands and host before it runs, and the journal records them.`;

export const USAGE = `Usage: strata commands [--config FILE] [--json]

Lists, per host, every command Strata may run there to read its layers, so
its SSH key or account can be restricted to them. Secrets show as names only.
{vmid} stands for each guest found on the node, {node} for the node name that
\`hostname\` prints (set "node" in the inventory to pin it), {upid} for a
failed vzdump task whose log says which storage it was bound for.

${HOW_COMMANDS_ARRIVE}`;

export interface ListedCommand {
  readonly layer: string | null;
  readonly purpose: string;
  /** The command as the host's shell sees it; secrets as names only. */
  readonly command: string;
  /** `{vmid}` stands for each guest found, `{node}` for the node name `hostname` prints. */
  readonly argv: readonly string[];
  /** Non-secret environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Variables whose secret values Strata sends over the channel (names only). */
  readonly secrets: readonly string[];
  /** Variables the host fills from one of its files or commands. */
  readonly secretsFrom: Readonly<Record<string, SecretSource>>;
}

export interface HostCommands {
  readonly host: string;
  readonly commands: ListedCommand[];
}

/**
 * A node name the pvesh builders accept, standing in for the one `hostname`
 * prints at run time; shown as `{node}`.
 */
const NODE_STANDIN = 'strata-node-placeholder';

const unstandIn = (s: string) => s.split(`/nodes/${NODE_STANDIN}/`).join('/nodes/{node}/');

export function commandsByHost(inventory: Inventory): HostCommands[] {
  return inventory.hosts.map((h) => {
    const seen = new Set<string>();
    const list: HostCommands['commands'][number][] = [];
    const add = (layer: string | null, purpose: string, built: Command) => {
      const cmd = { ...built, argv: built.argv.map(unstandIn) };
      const text = describeCommand(cmd);
      if (seen.has(text)) return;
      seen.add(text);
      list.push({
        layer,
        purpose,
        command: text,
        argv: cmd.argv,
        env: { ...cmd.env },
        secrets: Object.keys(cmd.secrets ?? {}),
        secretsFrom: { ...cmd.secretsFrom },
      });
    };
    add(null, 'host clock and time zone', CLOCK_COMMAND);
    const node = h.node ?? NODE_STANDIN;
    if (!h.node && inventory.layers.some((l) => l.host === h.name && infoOf(l).onPveNode)) {
      add(null, 'PVE node name', HOSTNAME_COMMAND);
    }
    for (const layer of inventory.layers) {
      for (const c of probeCommands(layer, { node })) {
        if (c.host === h.name) add(layer.id, `read ${layer.kind}`, c);
      }
    }
    return { host: h.name, commands: list };
  });
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = commandFlags(args, { json: { type: 'boolean' } }, { io, name: 'strata commands', usage: USAGE });
  if ('exit' in parsed) return parsed.exit;
  const flags = parsed.values;
  const cf = configFlag(flags, io.env);
  const path = resolveConfigPath({ ...(cf ? { configFlag: cf } : {}), env: io.env });
  const loaded = await loadInventory(path);
  if (!loaded.ok) {
    printProblems(io, path, loaded.problems, loaded.stopped);
    return EXIT.config;
  }
  const byHost = commandsByHost(loaded.inventory);
  if (flags.json) {
    io.out(JSON.stringify(byHost));
    return EXIT.ok;
  }
  const lines: string[] = [];
  for (const h of byHost) {
    lines.push(`${h.host}:`);
    for (const c of h.commands) lines.push(`  ${c.command}`, `      # ${c.purpose}${c.layer ? ` (${c.layer})` : ''}`);
    lines.push('');
  }
  lines.push(HOW_COMMANDS_ARRIVE);
  io.out(lines.join('\n'));
  return EXIT.ok;
}
