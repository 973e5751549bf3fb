/**
 * What the file browser shows, as a pure function of its state and the
 * space it has: a directory of 100,000 entries yields the same 20 rows as
 * one of 20 (the filtered view is cached in the store's model; only the
 * window around the cursor becomes text).
 */
import type { BrowserRow, FileBrowserView } from '../../components/FileBrowser.js';
import { windowStart } from '../../components/DataTable.js';
import { formatBytes } from '../../src/domain/format.js';
import { currentListing, cursorOf, selectionMark, selectionSummary, visibleEntries, type Browser, type BrowseEntry } from '../../src/store/index.js';

const SIZE_W = 9;
const TIME_W = 17;
const MARK = { selected: '[x]', covered: '[+]', none: '[ ]' } as const;
const SUFFIX: Partial<Record<BrowseEntry['kind'], string>> = { dir: '/', image: '/', symlink: '@', fifo: '|', socket: '=' };
const n = (x: number) => x.toLocaleString('en-US');

/** `2026-11-30 14:02Z`: the listing's times in UTC, like every time on screen. */
function entryTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
}

function entrySize(e: BrowseEntry): string {
  if (e.kind === 'dir') return 'dir';
  if (e.sizeBytes === undefined || !Number.isFinite(e.sizeBytes)) return '-';
  return formatBytes(e.sizeBytes);
}

/** Cut to `width` columns, with … when cut (not padded: the row's columns are placed by layout). */
function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** A row in two parts, and the spaces between them on a whole line. */
export interface EntryParts {
  /** Cursor mark, choice, and the name cut to its column. */
  readonly lead: string;
  /** Size and (from 60 columns) time, ending at the row's right edge; the size is right-aligned by where it ends. */
  readonly columns: string;
  readonly padding: number;
}

/**
 * One row in two parts: the lead and the columns. The spaces between them
 * are not text the row draws (the cursor's, in inverse video, does): Ink
 * makes a cell of every character it is given on every frame, and a row's
 * padding was most of them.
 */
export function entryParts(e: BrowseEntry, mark: keyof typeof MARK, isCursor: boolean, width: number): EntryParts {
  const showTime = width >= 60;
  const columns = ` ${entrySize(e)}${showTime ? ` ${entryTime(e.mtimeMs)}` : ''}`;
  // The name's column ends where the widest size would start; a size wider than that (1023.9 KiB) takes from the name.
  const room = Math.max(columns.length, SIZE_W + 1 + (showTime ? TIME_W + 1 : 0));
  const lead = `${isCursor ? '› ' : '  '}${MARK[mark]} ${cut(`${e.name}${SUFFIX[e.kind] ?? ''}`, Math.max(4, width - 6 - room))}`;
  return { lead, columns, padding: Math.max(0, width - [...lead].length - columns.length) };
}

/** One row as a whole line, `width` columns: the lead, padding, the columns. */
export function entryLine(e: BrowseEntry, mark: keyof typeof MARK, isCursor: boolean, width: number): string {
  const { lead, columns, padding } = entryParts(e, mark, isCursor, width);
  return lead + ' '.repeat(padding) + columns;
}

function headerText(b: Browser, shown: number): string {
  const l = currentListing(b);
  if (l?.state !== 'ready') return `${b.dir} · ${b.title}`;
  const filter = b.filters[b.dir] ?? '';
  const all = l.value.entries.length;
  const total = l.value.totalEntries;
  const cut = total !== undefined && total > all ? ` (of ${n(total)}: the listing stops there)` : '';
  const count = filter === '' ? `${n(all)} entr${all === 1 ? 'y' : 'ies'}${cut}` : `${n(shown)} of ${n(all)} match "${filter}"`;
  return `${b.dir} · ${count} · ${b.title}`;
}

function selectionText(b: Browser): string {
  const s = selectionSummary(b);
  if (s.count === 0) return 'Nothing chosen yet: Space chooses the entry under the cursor (a directory with all it holds).';
  const parts: string[] = [];
  if (s.files > 0) parts.push(`${s.files} file${s.files === 1 ? '' : 's'} (${formatBytes(s.bytes)})`);
  if (s.dirs > 0) parts.push(`${s.dirs} director${s.dirs === 1 ? 'y' : 'ies'} (size when restored)`);
  return `Chosen: ${parts.join(' + ')}`;
}

export function browserView(b: Browser, width: number, height: number): FileBrowserView {
  const entries = visibleEntries(b);
  const listing = currentListing(b);
  const filter = b.filters[b.dir] ?? '';
  const hasFilter = b.isFiltering || filter !== '';
  const base = {
    header: headerText(b, entries.length),
    selection: selectionText(b),
    hasSelection: selectionSummary(b).count > 0,
    filter: hasFilter ? (b.isFiltering ? `/${filter}▏ (Enter keeps it, Esc clears it)` : `filter: ${filter} (/ changes it)`) : null,
  };
  if (!listing || listing.state === 'loading') return { ...base, body: { kind: 'loading', text: `  reading ${b.dir} …` } };
  if (listing.state === 'failed') return { ...base, body: { kind: 'failed', text: `  ✖ cannot read ${b.dir}: ${listing.reason}`, hint: '  Enter reads it again; Backspace goes up.' } };
  if (entries.length === 0) return { ...base, body: { kind: 'empty', text: filter === '' ? '  (empty directory)' : `  nothing here matches "${filter}"` } };
  // The header, the chosen line and the filter line; the rest is rows (and a position line when they do not all fit).
  const rowsHeight = Math.max(1, height - 2 - (hasFilter ? 1 : 0));
  const visible = entries.length > rowsHeight ? Math.max(1, rowsHeight - 1) : rowsHeight;
  const cursor = cursorOf(b);
  const start = windowStart(cursor, entries.length, visible);
  const rows: BrowserRow[] = entries.slice(start, start + visible).map((e, i) => {
    const mark = selectionMark(b, e.path);
    const isCursor = start + i === cursor;
    // Keyed by line, not by entry: a move or a filter changes the text of the lines on screen, it does not take them down and build new ones.
    return { key: String(i), ...entryParts(e, mark, isCursor, width), isCursor, mark };
  });
  const position = entries.length > visible ? `  ${n(start + 1)}-${n(start + rows.length)} of ${n(entries.length)}` : null;
  return { ...base, body: { kind: 'rows', rows, position } };
}
