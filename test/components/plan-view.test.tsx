import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { PlanView, planLines, wrapText } from '../../components/PlanView.js';

const longCommand =
  "vzdump --all 1 --exclude 111,120,121,122 --storage local-backup --compress zstd --mode snapshot --notes-template '{{guestname}} nightly' --prune-backups keep-daily=7,keep-weekly=4";

describe('the plan shown before anything changes a host', () => {
  it('shows every command whole, wrapped at the screen width, never cut', () => {
    const { lastFrame } = render(
      <PlanView title="Run vzdump" steps={[{ host: 'pve1', description: 'job nightly', command: longCommand }]} changesHost width={80} height={24} isColor={false} />,
    );
    const frame = lastFrame() ?? '';
    expect(frame).not.toContain('…');
    const lines = planLines({ title: 'Run vzdump', steps: [{ host: 'pve1', description: 'job nightly', command: longCommand }], changesHost: true }, 80);
    const first = lines.findIndex((l) => l.text.startsWith('   $ '));
    const continued = lines.slice(first + 1).filter((l) => l.text.startsWith('     '));
    expect(continued.length).toBeGreaterThan(0);
    // Put back together without the continuation indent, the lines are the exact command.
    expect(lines[first]!.text + continued.map((l) => l.text.slice(5)).join('')).toBe(`   $ ${longCommand}`);
    for (const l of lines) expect(frame).toContain(l.text.trimEnd());
    expect(lines.every((l) => [...l.text].length <= 80)).toBe(true);
    expect(frame).toContain('▲ CHANGES HOST pve1');
    expect(frame).toContain('Run this? [y/N]');
  });

  it('scrolls a plan longer than the screen instead of hiding its tail, the question always visible', () => {
    const steps = Array.from({ length: 12 }, (_, i) => ({ host: 'nas1', description: `step ${i + 1}`, command: `zfs snapshot tank/data${i}@strata` }));
    const props = { title: 'Snapshot', steps, changesHost: true, width: 80, height: 12, isColor: false } as const;
    const top = render(<PlanView {...props} scroll={0} />).lastFrame() ?? '';
    expect(top).toContain('j/k scroll');
    expect(top).toContain('Run this? [y/N]');
    expect(top).not.toContain('tank/data11@strata');
    const total = planLines(props, 80).length;
    const bottom = render(<PlanView {...props} scroll={total} />).lastFrame() ?? '';
    expect(bottom).toContain('zfs snapshot tank/data11@strata');
    expect(bottom).toContain(`of ${total}`);
    expect(bottom).toContain('Run this? [y/N]');
  });

  it('wraps by columns with an indent on continuation lines', () => {
    expect(wrapText('abcdefghij', 4, '  ')).toEqual(['abcd', '  ef', '  gh', '  ij']);
    expect(wrapText('', 10)).toEqual(['']);
  });
});
