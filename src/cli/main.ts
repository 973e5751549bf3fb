/**
 * Entry point: `strata [command] [options]`. Each command lives in its own file
 * and is loaded only when used, so `strata --help` and the TUI start fast.
 */
import { EXIT, type CliIo } from './io.js';

interface CommandEntry {
  summary: string;
  load: () => Promise<{ run: (args: string[], io: CliIo) => Promise<number> }>;
}

/** The command table. Add a line here when a command lands. */
const COMMANDS: Record<string, CommandEntry> = {
  config: { summary: 'config check: validate the inventory file', load: () => import('./config-check.js') },
  demo: { summary: 'start a simulated homelab and open Strata on it', load: () => import('./demo.js') },
  status: { summary: 'read every layer and print its health (--json for monitoring)', load: () => import('./status.js') },
  commands: { summary: 'list the commands Strata may run on each host', load: () => import('./commands-list.js') },
  retention: { summary: 'show what a prune keeps (PBS, PVE or restic rules)', load: () => import('./retention.js') },
  metrics: { summary: 'the status for Prometheus: printed, as a textfile, or served on /metrics', load: () => import('./metrics.js') },
  notify: { summary: 'send what changed to the notification targets (--dry-run prints it)', load: () => import('./notify.js') },
  journal: { summary: 'print the journal of actions and the commands they ran (--json)', load: () => import('./journal.js') },
  restore: { summary: 'restore a guest: ranked sources and the exact plan; runs with --yes', load: () => import('./restore.js') },
  drill: { summary: 'restore drill: a scratch copy, links down, started, checked, destroyed; journaled', load: () => import('./drill.js') },
  dr: { summary: 'disaster recovery: dr plan, dr run (the resumable rebuild), dr report, dr card', load: () => import('./dr.js') },
};

export function helpText(): string {
  const width = Math.max(8, ...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'strata: a control panel for layered 3-2-1 backups on Proxmox',
    '',
    'Usage: strata [command] [options]   (no command: the control panel; --read-only)',
    '',
    'Commands:',
    ...(lines.length > 0 ? lines : ['  (none yet)']),
    '',
    'Options:',
    '  --config FILE   inventory file (or STRATA_CONFIG)',
    '  -h, --help      this help',
    '',
    'Exit codes: 0 ok, 1 warn, 2 crit, 3 unknown, 64 usage error, 78 bad config.',
  ].join('\n');
}

/** `strata --config F status` means `strata status --config F`: global flags may come first. */
export function hoistGlobalFlags(argv: string[]): string[] {
  const front: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('--config')) {
    const takesNext = argv[i] === '--config';
    front.push(...argv.slice(i, i + (takesNext ? 2 : 1)));
    i += takesNext ? 2 : 1;
  }
  return front.length > 0 && i < argv.length ? [argv[i]!, ...argv.slice(i + 1), ...front] : argv;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = hoistGlobalFlags(argv);
  // No command, only options (--config F, --read-only): the control panel.
  if (name === undefined || (name.startsWith('-') && name !== '-h' && name !== '--help')) {
    const panel = await import('./panel.js');
    return panel.run(argv, io);
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    io.out(helpText());
    return EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`strata: unknown command "${name}"\n\n${helpText()}`);
    return EXIT.usage;
  }
  const mod = await entry.load();
  return mod.run(rest, io);
}
