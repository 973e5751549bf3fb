/**
 * `strata config check [--config FILE]`: validates the inventory and prints
 * every problem (exit 78) or a summary of hosts, layers and tiers (exit 0).
 * Nothing is written and nothing is run on any host.
 */
import { parseArgs } from 'node:util';
import { formatDuration } from '../domain/duration.js';
import type { Inventory } from '../domain/inventory.js';
import { problemCount, problemLines } from '../domain/inventory-problems.js';
import { formatKeepOptions } from '../domain/retention/keep-options.js';
import { oneLine } from '../domain/show-value.js';
import { loadInventory, resolveConfigPath } from '../services/inventory-loader.js';
import { EXIT, type CliIo } from './io.js';

const USAGE = 'usage: strata config check [--config FILE]';
/** A file name is shown whole unless it is absurd (it can hold a newline too). */
const PATH_SHOWN = 300;

export async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (e) {
    io.err(`strata config: ${(e as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.out(`${USAGE}\n\nValidates the inventory (default: the conf location, or STRATA_CONFIG) without touching any host.`);
    return EXIT.ok;
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'check') {
    io.err(`strata config: unknown subcommand ${JSON.stringify(parsed.positionals.join(' '))}\n${USAGE}`);
    return EXIT.usage;
  }
  const path = resolveConfigPath({ ...(parsed.values.config === undefined ? {} : { configFlag: parsed.values.config }), env: io.env });
  const loaded = await loadInventory(path);
  if (!loaded.ok) {
    io.err([`${oneLine(path, PATH_SHOWN)}: ${problemCount(loaded.problems, loaded.stopped)}; nothing was written or run`, ...problemLines(loaded.problems, loaded.stopped)].join('\n'));
    return EXIT.config;
  }
  io.out(summary(path, loaded.inventory));
  return EXIT.ok;
}

function summary(path: string, inv: Inventory): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const lines = [`${path} is valid: ${count(inv.hosts.length, 'host')}, ${count(inv.layers.length, 'layer')}, ${count(inv.tiers.length, 'tier')}`];
  const pad = (xs: string[]) => Math.max(0, ...xs.map((x) => x.length));

  lines.push('', 'Hosts:');
  const hw = pad(inv.hosts.map((h) => h.name));
  for (const h of inv.hosts) {
    const where =
      h.transport === 'local'
        ? 'local'
        : `ssh ${h.user ? `${h.user}@` : ''}${h.address ?? h.name}${h.port && h.port !== 22 ? `:${h.port}` : ''}`;
    lines.push(`  ${h.name.padEnd(hw)}  ${where}${h.node ? `, node ${h.node}` : ''}`);
  }

  lines.push('', 'Layers:');
  const lw = pad(inv.layers.map((l) => l.id));
  for (const l of inv.layers) {
    const facts = [
      `${l.kind} on ${l.host}`,
      l.media ? `media ${l.media}` : null,
      l.offsite ? 'off-site' : null,
      l.rpoSeconds !== null ? `RPO ${formatDuration(l.rpoSeconds)}` : null,
      l.copyOf?.length ? `copy of ${l.copyOf.join(', ')}` : null,
    ].filter((x) => x !== null);
    lines.push(`  ${l.id.padEnd(lw)}  ${facts.join(', ')}`);
  }

  lines.push('', 'Tiers:');
  const tw = pad(inv.tiers.map((t) => t.name));
  for (const t of inv.tiers) {
    const keep = t.keep ? `, retention ${formatKeepOptions(t.keep)}` : '';
    const rto = t.rtoSeconds !== null ? `, RTO ${formatDuration(t.rtoSeconds)}` : '';
    lines.push(`  ${t.name.padEnd(tw)}  RPO ${formatDuration(t.rpoSeconds)}${rto}, ${t.copies} copies / ${t.media} media / ${t.offsite} off-site${keep}`);
    lines.push(`  ${''.padEnd(tw)}  ${t.assets.length ? t.assets.join(', ') : '(no assets)'}`);
  }
  const d = inv.defaultTier;
  lines.push(`  ${'(default)'.padEnd(tw)}  ${d.copies} copies / ${d.media} media / ${d.offsite} off-site, fresh within each layer's RPO`);
  return lines.join('\n');
}
