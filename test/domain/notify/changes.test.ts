/** Health changes only: new, worse or better, a reminder after the interval, a recovery; never every run. */
import { describe, expect, it } from 'vitest';
import { notifyMessages } from '../../../src/domain/notify/messages.js';
import { asset, host, layer, report } from '../../helpers/outputs/reports.js';

const inv = { layers: [] };
const DAY = 86_400;
const T0 = Date.parse('2026-01-31T02:00:00Z') / 1000;
const bad = (health: 'warn' | 'crit' = 'crit') => report({ layers: [layer('repo', { health, reasons: ['newest point 40 h old'] })] });
const good = () => report({ layers: [layer('repo')] });

describe('what to tell after each reading', () => {
  it('tells a new problem once, and nothing while it stays the same', () => {
    const first = notifyMessages(bad(), inv, {}, T0, DAY);
    expect(first.messages.map((m) => m.event)).toEqual(['problem']);
    expect(first.messages[0]!.title).toBe('CRIT: repository repo (h1)');
    const again = notifyMessages(bad(), inv, first.told, T0 + 600, DAY);
    expect(again.messages).toEqual([]);
  });

  it('says since when to the second, whatever the fraction of the clock', () => {
    expect(notifyMessages(bad(), inv, {}, T0 + 0.785, DAY).messages[0]!.text).toContain('Since 2026-01-31T02:00:00Z.');
  });

  it('tells a change of health with what it was', () => {
    const first = notifyMessages(bad('warn'), inv, {}, T0, DAY);
    const worse = notifyMessages(bad('crit'), inv, first.told, T0 + 60, DAY);
    expect(worse.messages.map((m) => [m.event, m.title, m.previous])).toEqual([['problem', 'CRIT (was WARN): repository repo (h1)', 'warn']]);
    expect(worse.told['layer:repo']!.sinceSec).toBe(T0);
  });

  it('reminds after remindEvery for what stays bad, then waits again', () => {
    const first = notifyMessages(bad(), inv, {}, T0, DAY);
    expect(notifyMessages(bad(), inv, first.told, T0 + DAY - 1, DAY).messages).toEqual([]);
    const reminder = notifyMessages(bad(), inv, first.told, T0 + DAY, DAY);
    expect(reminder.messages.map((m) => [m.event, m.title])).toEqual([['reminder', 'Still CRIT: repository repo (h1)']]);
    expect(reminder.messages[0]!.text).toContain('A problem for 24 h (since ');
    expect(notifyMessages(bad(), inv, reminder.told, T0 + DAY + 60, DAY).messages).toEqual([]);
  });

  it('tells a recovery once, then nothing', () => {
    const first = notifyMessages(bad(), inv, {}, T0, DAY);
    const rec = notifyMessages(good(), inv, first.told, T0 + 7200, DAY);
    expect(rec.messages.map((m) => [m.event, m.health, m.title])).toEqual([['recovery', 'ok', 'Recovered: repository repo (h1)']]);
    expect(rec.messages[0]!.text).toBe('repository repo (h1) is OK now, after 2 h CRIT (since 2026-01-31T02:00:00Z).');
    expect(rec.told).toEqual({});
    expect(notifyMessages(good(), inv, rec.told, T0 + 9000, DAY).messages).toEqual([]);
  });

  it('a layer problem that its host going down now covers is not told as recovered', () => {
    const first = notifyMessages(report({ hosts: [host('h1')], layers: [layer('repo', { health: 'crit' })] }), inv, {}, T0, DAY);
    const down = report({
      hosts: [host('h1', { reachable: false, health: 'unknown', reasons: ['not reachable'] })],
      layers: [layer('repo', { health: 'unknown' })],
      assets: [asset('files/h1:/srv', { host: 'h1', health: 'unknown', seenOn: ['repo'] })],
    });
    const next = notifyMessages(down, inv, first.told, T0 + 60, DAY);
    expect(next.messages.map((m) => [m.event, m.key])).toEqual([['problem', 'host:h1']]);
  });
});
