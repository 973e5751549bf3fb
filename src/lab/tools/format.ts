/** Output conventions shared by the simulated tools. */

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/** Perl JSON with `canonical => 1` and serde_json's default map: keys sorted, one line. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** The `json-pretty` forms: sorted keys, indented. */
export function prettyJson(value: unknown, indent = 2): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

/** `1.5 GiB`, `512.0 MiB`: binary units with one decimal (PVE's render_bytes and vzdump). */
export function binaryUnits(bytes: number, decimals = 1): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : decimals)} ${units[i]}`;
}

/** restic and rclone's `1.234 GiB`. */
export function goBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(3)} ${units[i]}`;
}

/** zfs/zpool without -p: `1.50G`, `512M`, `96K`, three significant digits. */
export function zfsNicenum(bytes: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P', 'E'];
  if (bytes < 1024) return `${bytes}B`;
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const s = v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${s}${units[i]}`;
}

/** Left-aligned columns separated by two spaces (zfs/zpool listings without -H). */
export function alignColumns(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number> = new Set()): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => {
          if (i === r.length - 1 && !rightAligned.has(i)) return c;
          return rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!);
        })
        .join('  '),
    )
    .join('\n');
}

/** PVE's bordered text table (`--output-format text`). */
export function pveTable(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  if (rows.length === 0) return '';
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))].sort();
  const text = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'object' ? canonicalJson(v) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const border = `${widths.map((w) => `+-${'-'.repeat(w)}-`).join('')}+`;
  const line = (cells: string[]) => `${cells.map((c, i) => `| ${c.padEnd(widths[i]!)} `).join('')}|`;
  const out = [border, line([...cols]), border];
  for (const r of rows) out.push(line(cols.map((c) => text(r[c]))), border);
  return `${out.join('\n')}\n`;
}

/** `0:03` / `1:02:03`: restic's elapsed time. */
export function elapsed(seconds: number): string {
  const s = Math.floor(seconds % 60);
  const m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3600);
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

/** `00:01:05`: vzdump's duration. */
export function hms(seconds: number): string {
  const s = Math.floor(seconds);
  return [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
}
