/**
 * docs/monitoring.md and the README's Monitoring section say what the code
 * and the examples hold: every metric family, every alert, every unit file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const doc = readFileSync('docs/monitoring.md', 'utf8');
const readme = readFileSync('README.md', 'utf8');
const names = (text: string, re: RegExp) => [...new Set([...text.matchAll(re)].map((m) => m[1]!))].sort();

describe('docs/monitoring.md', () => {
  it('has the Metrics, Reports, Timers and Notifications headings', () => {
    expect(names(doc, /^## (.+)$/gm)).toEqual(['Metrics', 'Notifications', 'Reports', 'Timers']);
  });

  it('lists every metric family the exporter writes, and no other', () => {
    const source = readFileSync('src/services/metrics/status-metrics.ts', 'utf8');
    expect(names(doc, /`(strata_[a-z_]+)`/g)).toEqual(names(source, /'(strata_[a-z_]+)'/g));
  });

  it('lists every alert of the example rules, and no other', () => {
    const rules = readFileSync('examples/prometheus/strata-rules.yml', 'utf8');
    expect(names(doc, /^\| `(Strata[A-Za-z]+)` \|/gm)).toEqual(names(rules, /- alert: (\S+)/g));
  });
});

describe("the README's Monitoring section", () => {
  const section = readme.slice(readme.indexOf('## Monitoring\n'), readme.indexOf('\n## ', readme.indexOf('## Monitoring\n') + 1));

  it('points to docs/monitoring.md and names metrics, the textfile, listen, the rules, notify, reports and timers', () => {
    for (const s of ['docs/monitoring.md', '--textfile', '--listen', 'strata-rules.yml', 'strata notify', 'strata journal --markdown', 'strata report', 'examples/systemd/', '/etc/cron.d/strata']) expect(section).toContain(s);
  });

  it('installs units and a timer instance that exist in examples/systemd', () => {
    for (const [, unit] of section.matchAll(/\b(strata-[a-z]+@?[a-z0-9]*\.timer)\b/g)) {
      const file = unit!.replace(/@[a-z0-9]+\./, '@.');
      expect(existsSync(`examples/systemd/${file}`), file).toBe(true);
    }
    expect(existsSync('examples/systemd/crontab')).toBe(true);
  });
});
