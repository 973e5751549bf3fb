import { describe, expect, it } from 'vitest';
import { alignLines, sideBySideLines } from '../../src/domain/side-by-side.js';

const net = {
  left: { title: 'archived interfaces', lines: ['auto vmbr0', 'iface vmbr0 inet static', '\tbridge-ports eno1', '\tbridge-stp off'] },
  right: { title: 'now', lines: ['auto vmbr0', '\tbridge-ports enp5s0'] },
  missing: ['eno1'],
};

describe('two texts side by side', () => {
  it('puts line i of each text on row i under their titles, tabs as two spaces', () => {
    const rows = sideBySideLines(net, 80);
    expect(rows[0]).toMatch(/^ {2}archived interfaces +│ now$/);
    expect(rows[2]).toMatch(/^ {2}auto vmbr0 +│ auto vmbr0$/);
    expect(rows[3]).toMatch(/^ {2}iface vmbr0 inet static +│ {3}bridge-ports enp5s0$/);
    expect(rows.every((r) => r.length <= 80)).toBe(true);
    // Both columns start at the same place on every row.
    expect(new Set(rows.slice(0, -1).map((r) => r.indexOf('│') >= 0 ? r.indexOf('│') : r.indexOf('┼'))).size).toBe(1);
  });

  it('marks the lines that use a missing name, not lines where it is part of another name', () => {
    const rows = sideBySideLines({ ...net, left: { ...net.left, lines: [...net.left.lines, 'iface eno12 inet manual'] } }, 80);
    expect(rows.filter((r) => r.startsWith('▲ '))).toEqual([expect.stringContaining('bridge-ports eno1'), '▲ eno1: not on this node']);
  });

  it('cuts long lines with an ellipsis at narrow widths and marks nothing when nothing is missing', () => {
    const rows = sideBySideLines({ ...net, missing: [], left: { title: 't', lines: ['x'.repeat(100)] } }, 40);
    expect(rows[2]!.length).toBeLessThanOrEqual(40);
    expect(rows[2]).toContain('…');
    expect(rows.some((r) => r.startsWith('▲'))).toBe(false);
  });
});

describe('aligning the two texts', () => {
  it('keeps shared lines on one row and pairs the changed ones, as diff -y does', () => {
    const archived = ['auto lo', 'iface lo inet loopback', '', 'auto vmbr0', 'iface vmbr0 inet static', '\taddress 192.0.2.10/24', '\tbridge-ports eno1', '\tbridge-fd 0'];
    const now = ['auto lo', 'iface lo inet loopback', '', 'iface enp5s0 inet manual', '', 'auto vmbr0', 'iface vmbr0 inet static', '\taddress 192.0.2.10/24', '\tbridge-ports enp5s0', '\tbridge-fd 0'];
    const rows = alignLines(archived, now);
    expect(rows).toContainEqual(['\tbridge-ports eno1', '\tbridge-ports enp5s0']);
    expect(rows).toContainEqual(['auto vmbr0', 'auto vmbr0']);
    expect(rows).toContainEqual([null, 'iface enp5s0 inet manual']);
    // Nothing lost, nothing invented: each side reads back in order.
    expect(rows.map((r) => r[0]).filter((x) => x !== null)).toEqual(archived);
    expect(rows.map((r) => r[1]).filter((x) => x !== null)).toEqual(now);
  });
});
