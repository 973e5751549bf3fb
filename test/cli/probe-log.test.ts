/**
 * Every command Strata runs on a host is on record: the probes of a status
 * read go to the probe log (the journal proper keeps the actions), and
 * `strata journal --probes` shows them. Against the demo lab, over SSH.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { ProbeLog } from '../../src/services/journal/index.js';

describe('the probe log of a status read', () => {
  it('records every probe on every host (host, command with secret names only, exit code, duration, operator), and journal --probes shows them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-probe-state-'));
    const status = memoryIo('', { STRATA_STATE_DIR: root, USER: 'alice' });
    expect(await main(['demo', '--status', '--json', '--scenario', 'degraded'], status)).toBe(2);
    expect(status.stderr).not.toContain('probe log');
    // The demo keeps its state apart, in demo/: its simulated hosts never mix with the real record.
    expect(readdirSync(root)).toEqual(['demo']);
    const state = join(root, 'demo');
    const env = { STRATA_STATE_DIR: state, USER: 'alice' };

    const { entries, problems } = await new ProbeLog(join(state, 'probes.jsonl')).read();
    expect(problems).toEqual([]);
    const commands = entries.flatMap((e) => (e.type === 'command' ? [e] : []));
    expect(commands.length).toBe(entries.length);
    expect(new Set(commands.map((c) => c.host))).toEqual(new Set(['pve1', 'pbs1', 'pbs2', 'docker1', 'nas1']));
    for (const c of commands) {
      expect(c).toMatchObject({ probe: true, operator: 'alice' });
      expect(c.durationMs).toBeGreaterThanOrEqual(0);
      expect(c.exitCode === null ? c.error : c.exitCode).toBeDefined();
    }
    const on = (host: string) => commands.filter((c) => c.host === host).map((c) => c.command);
    expect(on('pve1')).toContain('pvesh get /cluster/resources --type vm --output-format json');
    expect(on('nas1')).toContain('zpool status -x');
    // The degraded lab's wrong restic password: the failure and restic's words are on record.
    const restic = commands.find((c) => c.host === 'docker1' && c.command.includes('/mnt/usb/restic') && c.command.endsWith('restic snapshots --json'));
    expect(restic).toMatchObject({ exitCode: expect.any(Number), stderrTail: expect.stringMatching(/password/i) });
    expect(restic!.exitCode).not.toBe(0);
    // Secrets a host reads from a file or a command appear as their source, never as a value.
    expect(on('docker1').join('\n')).toContain("AWS_SECRET_ACCESS_KEY=<secret from command 'pass show s3/strata'>");
    // None of this is in the journal of actions.
    expect(readFileSync(join(state, 'probes.jsonl'), 'utf8')).not.toBe('');
    const plain = memoryIo('', env);
    expect(await main(['journal'], plain)).toBe(0);
    expect(plain.stdout).toContain('has not run an action yet');

    const shown = memoryIo('', env);
    expect(await main(['journal', '--probes'], shown)).toBe(0);
    expect(shown.stdout).toContain('pve1 (probe)$ pvesh get /cluster/resources --type vm --output-format json  → exit 0');
    const json = memoryIo('', env);
    expect(await main(['journal', '--probes', '--json'], json)).toBe(0);
    const doc = JSON.parse(json.stdout) as { entries: unknown[]; probeLog: string[] };
    expect(doc.entries).toHaveLength(entries.length);
    expect(doc.probeLog).toEqual([join(state, 'probes.1.jsonl'), join(state, 'probes.jsonl')]);
  });
});
