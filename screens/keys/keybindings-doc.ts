/**
 * docs/keybindings.md, generated from the same binding tables as the help
 * overlay and the dispatcher. test/tui/keybindings-doc.test.ts fails when the
 * file differs from this output.
 */
import { GROUP_ORDER, type Binding } from './binding.js';
import { GLOBAL_BINDINGS } from './global-bindings.js';
import { overlaySections, keysText, type HelpRow } from './help-sections.js';
import { SCREENS } from '../registry.js';
import { ROUTE_KINDS } from '../../src/store/index.js';

export const REGENERATE = 'npx tsx scripts/keybindings-doc.ts > docs/keybindings.md';

const cell = (s: string) => s.replace(/\|/g, '\\|');

function table(rows: readonly HelpRow[]): string[] {
  return [
    '| Keys | Command | What it does |',
    '| --- | --- | --- |',
    ...rows.map((r) => `| ${cell(r.keys.split(' ').map((k) => `\`${k}\``).join(' '))} | \`${r.command}\` | ${cell(r.description)}${r.dangerous ? ' **(changes a host: not in --read-only)**' : ''} |`),
  ];
}

const rowsOf = (bindings: readonly Binding[]): HelpRow[] =>
  bindings.map((b) => ({ keys: keysText(b.keys), description: b.description, command: b.command, dangerous: b.dangerous ?? false, disabledReason: null }));

export function keybindingsMarkdown(): string {
  const out: string[] = [
    '# Strata key bindings',
    '',
    '<!-- Generated from the binding tables in screens/ (screens/keys/*.ts and each screen\'s `bindings`). Do not edit:',
    `     run \`${REGENERATE}\`. test/tui/keybindings-doc.test.ts fails when this file is stale. -->`,
    '',
    'One root dispatcher routes every key: a plan waiting for y/N first, then an open overlay, then the',
    "screen's open text field (the restore wizard's VMID, storage and typed confirmation take printable",
    "keys and Backspace), then the screen's own bindings, then the global ones. `?` shows the same tables",
    'in the TUI, with the reason a key is disabled at that moment. With `--read-only`, every binding that',
    'changes a host is gone.',
    '',
    '## Every screen',
  ];
  for (const group of GROUP_ORDER) {
    const rows = GLOBAL_BINDINGS.filter((b) => b.group === group);
    if (rows.length === 0) continue;
    out.push('', `### ${group}`, '', ...table(rowsOf(rows)));
  }
  for (const kind of ROUTE_KINDS) {
    const spec = SCREENS[kind];
    out.push('', `## ${spec.name}`, '', spec.summary);
    if (spec.bindings.length > 0) out.push('', ...table(rowsOf(spec.bindings)));
    else out.push('', 'Only the keys of every screen.');
  }
  out.push('', '## Overlays');
  for (const section of overlaySections()) out.push('', `### ${section.title}`, '', ...table(section.rows));
  return `${out.join('\n')}\n`;
}
