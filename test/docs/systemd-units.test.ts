/**
 * examples/systemd: every unit passes `systemd-analyze verify` (no error and
 * no warning), with ExecStart pointed at this checkout's bin/strata.js (verify
 * checks that the program exists); the crontab runs the same commands.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithTools } from '../helpers/tools.js';

const EXAMPLES = resolve('examples/systemd');
const INSTALLED = '/usr/local/bin/strata';
/** What `systemctl enable --now` would start: the drill template as one tier's instance. */
const UNITS = ['strata-notify.service', 'strata-notify.timer', 'strata-metrics.service', 'strata-metrics.timer', 'strata-drill@tier1.service', 'strata-drill@tier1.timer'];

function execStarts(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(EXAMPLES).filter((n) => n.endsWith('.service'))) {
    const line = readFileSync(join(EXAMPLES, f), 'utf8').split('\n').find((l) => l.startsWith('ExecStart='));
    out[f] = line!.slice('ExecStart='.length);
  }
  return out;
}

describeWithTools(['systemd-analyze'], 'the example systemd units', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-systemd-'));
    cpSync(EXAMPLES, dir, { recursive: true });
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.service'))) {
      const p = join(dir, f);
      writeFileSync(p, readFileSync(p, 'utf8').replaceAll(INSTALLED, resolve('bin/strata.js')));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const verify = (units: string[]) => spawnSync('systemd-analyze', ['verify', ...units.map((u) => join(dir, u))], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });

  it('pass systemd-analyze verify without an error or a warning', () => {
    const r = verify(UNITS);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.trim()).toBe('');
  });

  it('would fail it on a misspelt key or a missing program (the check can fail)', () => {
    const bad = join(dir, 'strata-notify.service');
    const good = readFileSync(bad, 'utf8');
    try {
      writeFileSync(bad, good.replace('TimeoutStartSec=', 'TimeoutStartSecs='));
      expect(verify(['strata-notify.service']).stderr).toContain("Unknown key 'TimeoutStartSecs'");
      writeFileSync(bad, good.replace(resolve('bin/strata.js'), '/nonexistent/strata'));
      const r = verify(['strata-notify.service']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('/nonexistent/strata');
    } finally {
      writeFileSync(bad, good);
    }
  });
});

describe('the example units and crontab', () => {
  it('run strata notify, metrics --textfile and drill --rotate from the installed path', () => {
    expect(execStarts()).toEqual({
      'strata-notify.service': `${INSTALLED} notify`,
      'strata-metrics.service': `${INSTALLED} metrics --textfile /var/lib/prometheus/node-exporter`,
      'strata-drill@.service': `${INSTALLED} drill --rotate %i`,
    });
  });

  it('the crontab runs the same commands as the timers, at the same times', () => {
    const lines = readFileSync(join(EXAMPLES, 'crontab'), 'utf8').split('\n').filter((l) => /^[*\d]/.test(l));
    const commands = lines.map((l) => l.split(/\s+/).slice(6).join(' ').replace(/^flock -n \S+ /, ''));
    const fromUnits = Object.values(execStarts()).map((c) => c.replace(`${INSTALLED} `, 'strata ').replace('%i', 'tier1'));
    expect(commands).toEqual(['strata notify', 'strata metrics --textfile /var/lib/prometheus/node-exporter', 'strata drill --rotate tier1']);
    expect([...commands].sort()).toEqual([...fromUnits].sort());
    const schedule = (l: string) => l.split(/\s+/).slice(0, 5).join(' ');
    const timer = (f: string) => readFileSync(join(EXAMPLES, f), 'utf8').match(/^OnCalendar=(.*)$/m)![1];
    expect([timer('strata-notify.timer'), schedule(lines[0]!)]).toEqual(['*:0/5', '*/5 * * * *']);
    expect([timer('strata-metrics.timer'), schedule(lines[1]!)]).toEqual(['*:0/2', '*/2 * * * *']);
    expect([timer('strata-drill@.timer'), schedule(lines[2]!)]).toEqual(['Sun *-*-* 04:00:00', '0 4 * * 0']);
  });
});
