/**
 * The DR card as Markdown (for a file beside the single-file Strata) and as
 * plain text of at most 80 columns (for paper and a console): the same
 * sections, in the order an operator needs them in a disaster.
 */
import type { CardPbs, CardRclone, DrCard, Reading } from '../domain/dr-card.js';

export const CARD_COLUMNS = 80;

const shown = <T>(r: Reading<T>, f: (v: T) => string) => (r.ok ? f(r.value) : `not read: ${r.reason}`);

function fingerprintLines(p: CardPbs): string[] {
  return [
    `fingerprint in the inventory: ${p.inventoryFingerprint ?? 'none pinned'}`,
    `fingerprint read now from ${p.host}: ${shown(p.liveFingerprint, (f) => f)}${p.comparison ? ` (${p.comparison})` : ''}`,
    `datastore ${p.datastore}${p.namespace ? `, namespace ${p.namespace}` : ''}: ${shown(p.datastorePath, (path) => `path ${path}`)}`,
  ];
}

const md = (s: string) => s.replace(/\|/g, '\\|');

/** Where the copy is: its remote and the bucket and path in it (never a key). */
const rcloneWhere = (r: CardRclone) => (r.remoteName === '' ? `local path ${r.path}` : `remote ${r.remoteName}, bucket and path ${r.path || "(the remote's root)"}`);
const rcloneAt = (r: CardRclone) => `${r.layerId} on ${r.host}${r.offsite ? ' (off-site)' : ''}`;

/** The remote's settings read now, its storage class and thaw, where its secrets live, and whether its config outlives the disaster. */
function rcloneLines(r: CardRclone): string[] {
  const out: string[] = [];
  if (r.settings) {
    const s = r.settings;
    // The config says how objects are written; a bucket's lifecycle rule may archive them later, which no config shows.
    const later = 'unless a bucket lifecycle rule archives objects later';
    const cls = s.ok ? (s.value.storageClass ? `storage class ${s.value.storageClass}${r.thaw ? `: cold, a restore needs ${r.thaw} first` : ` (read at once, ${later})`}` : `no storage class set (the backend's default, ${later})`) : '';
    out.push(s.ok ? `read now from ${r.host}: ${[s.value.type, s.value.provider, s.value.region].filter(Boolean).join(', ')}; ${cls}` : `settings not read: ${s.reason}`);
  }
  for (const x of r.secrets) out.push(`${x.purpose}: ${x.lives}`);
  out.push(`after the disaster: ${r.afterDisaster}`);
  return out;
}

export function cardMarkdown(card: DrCard): string {
  const out: string[] = [];
  out.push(`# Strata DR card`, '');
  out.push(`Printed ${card.generatedAt} from \`${card.configPath}\`. No secret is on this card: only where each one lives.`, '');
  if (card.unread.length > 0) {
    out.push('**Not read when printed** (the rest of the card comes from the inventory):', '');
    for (const u of card.unread) out.push(`- ${u}`);
    out.push('');
  }
  out.push('## Hosts and roles', '', '| host | reached by | roles | layers |', '|---|---|---|---|');
  for (const h of card.hosts) out.push(`| ${h.name} | ${md(h.reach)} | ${h.roles.join(', ')} | ${md(h.layers.join(', ')) || '-'} |`);
  const pinned = card.hosts.filter((h) => h.hostKeyFingerprint);
  if (pinned.length > 0) {
    out.push('', 'Host keys pinned in the inventory (a reinstalled host has a new one):', '');
    for (const h of pinned) out.push(`- ${h.name}: \`${h.hostKeyFingerprint}\``);
  }
  out.push('', '## PBS servers', '');
  if (card.pbs.length === 0) out.push('None in the inventory.');
  for (const p of card.pbs) {
    out.push(`- **${p.layerId}** on ${p.host}${p.offsite ? ' (off-site)' : ''}: server \`${p.server}\`, repository \`${p.repository}\``);
    for (const l of fingerprintLines(p)) out.push(`  - ${l}`);
  }
  out.push('', '## Repositories and buckets', '', '| layer | kind | host | where | what |', '|---|---|---|---|---|');
  for (const r of card.repositories) out.push(`| ${r.layerId} | ${r.kind}${r.offsite ? ', off-site' : ''} | ${r.host} | \`${md(r.location)}\` | ${md(r.detail)} |`);
  out.push('', '## rclone copies', '');
  if (card.rclone.length === 0) out.push('None in the inventory.');
  for (const r of card.rclone) {
    out.push(`- **${rcloneAt(r)}**: ${rcloneWhere(r)}`);
    for (const l of rcloneLines(r)) out.push(`  - ${l}`);
  }
  out.push('', '## Encryption keys', '');
  if (card.keys.length === 0) out.push('No PVE node in the inventory.');
  for (const k of card.keys) {
    if (!k.reading.ok) out.push(`- ${k.host}: not read: ${k.reading.reason}`);
    else if (k.reading.value.length === 0) out.push(`- ${k.host}: no PBS encryption key under /etc/pve/priv/storage`);
    else for (const key of k.reading.value) out.push(`- ${k.host}: \`${key.path}\` (kdf ${key.kdf}), fingerprint \`${key.fingerprint}\``);
  }
  out.push('', 'A key lost with its node is gone unless a copy is kept elsewhere (`proxmox-backup-client key paperkey`).');
  out.push('', '## Where each secret lives', '', '| layer | host | secret | where it lives |', '|---|---|---|---|');
  for (const s of card.secrets) out.push(`| ${s.layerId} | ${s.host} | ${md(s.purpose)} | ${md(s.lives)} |`);
  if (card.noSecrets.length > 0) out.push('', `No secret of their own: ${card.noSecrets.join(', ')}.`);
  out.push('', '## Rebuild, in this order', '');
  card.steps.forEach((s, i) => {
    out.push(`${i + 1}. **${s.title}.** ${s.why}`, '', '   ```sh', ...s.commands.map((c) => `   ${c}`), '   ```', '');
  });
  out.push('## Starting Strata from the single file', '');
  for (const l of card.singleFile) out.push(l.startsWith('./') ? `    ${l}` : l);
  return `${out.join('\n')}\n`;
}

/** Lines of at most `width` columns; continuation lines start with `hang` (by default the first line's indent). */
export function wrap(text: string, width: number, indent = '', hang = indent): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const prefix = lines.length === 0 ? indent : hang;
    const candidate = line === '' ? `${prefix}${word}` : `${line} ${word}`;
    if (candidate.length <= width || line === '') {
      line = candidate;
      continue;
    }
    lines.push(line);
    line = `${hang}${word}`;
  }
  if (line !== '') lines.push(line);
  // A single word longer than the page (a long URL) is cut, not allowed to overflow.
  return lines.flatMap((l) => (l.length <= width ? [l] : chunk(l, width, hang)));
}

function chunk(line: string, width: number, hang: string): string[] {
  const out = [line.slice(0, width)];
  for (let i = width; i < line.length; i += width - hang.length) out.push(`${hang}${line.slice(i, i + width - hang.length)}`);
  return out;
}

export function cardText(card: DrCard, width = CARD_COLUMNS): string {
  const out: string[] = [];
  const para = (t: string, indent = '', hang = indent) => out.push(...wrap(t, width, indent, hang));
  const heading = (t: string) => out.push('', t.toUpperCase(), '='.repeat(Math.min(t.length, width)));
  out.push('STRATA DR CARD');
  para(`Printed ${card.generatedAt} from ${card.configPath}. No secret is on this card: only where each one lives.`);
  if (card.unread.length > 0) {
    heading('Not read when printed');
    for (const u of card.unread) para(`- ${u}`, '  ');
  }
  heading('Hosts and roles');
  for (const h of card.hosts) {
    para(`${h.name}: ${h.roles.join(', ')}; ${h.reach}`);
    if (h.layers.length) para(`layers: ${h.layers.join(', ')}`, '    ');
    if (h.hostKeyFingerprint) para(`pinned host key: ${h.hostKeyFingerprint}`, '    ');
  }
  heading('PBS servers');
  if (card.pbs.length === 0) para('None in the inventory.');
  for (const p of card.pbs) {
    para(`${p.layerId} on ${p.host}${p.offsite ? ' (off-site)' : ''}: server ${p.server}, repository ${p.repository}`);
    for (const l of fingerprintLines(p)) para(l, '    ');
  }
  heading('Repositories and buckets');
  for (const r of card.repositories) para(`${r.layerId} (${r.kind}${r.offsite ? ', off-site' : ''}, on ${r.host}): ${r.location}; ${r.detail}`);
  heading('rclone copies');
  if (card.rclone.length === 0) para('None in the inventory.');
  for (const r of card.rclone) {
    para(`${rcloneAt(r)}: ${rcloneWhere(r)}`);
    for (const l of rcloneLines(r)) para(`- ${l}`, '    ', '      ');
  }
  heading('Encryption keys');
  if (card.keys.length === 0) para('No PVE node in the inventory.');
  for (const k of card.keys) {
    if (!k.reading.ok) para(`${k.host}: not read: ${k.reading.reason}`);
    else if (k.reading.value.length === 0) para(`${k.host}: no PBS encryption key under /etc/pve/priv/storage`);
    else for (const key of k.reading.value) para(`${k.host}: ${key.path} (kdf ${key.kdf}), fingerprint ${key.fingerprint}`);
  }
  para('A key lost with its node is gone unless a copy is kept elsewhere (proxmox-backup-client key paperkey).');
  heading('Where each secret lives');
  for (const s of card.secrets) para(`${s.layerId} (${s.host}): ${s.purpose}: ${s.lives}`);
  if (card.noSecrets.length > 0) para(`No secret of their own: ${card.noSecrets.join(', ')}.`);
  heading('Rebuild, in this order');
  card.steps.forEach((s, i) => {
    para(`${i + 1}. ${s.title}. ${s.why}`);
    // A command that does not fit goes on under itself, deeper than the next command's `$`.
    for (const c of s.commands) para(`$ ${c}`, '    ', '        ');
  });
  heading('Starting Strata from the single file');
  for (const l of card.singleFile) para(l, l.startsWith('./') ? '    ' : '');
  return `${out.join('\n')}\n`;
}
