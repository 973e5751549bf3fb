/**
 * The lab's rclone answers what the DR chain asks of it, in rclone's forms:
 * `config dump` prints the config file's remotes as Go's json.MarshalIndent
 * does (a value from RCLONE_CONFIG_<NAME>_<KEY> overriding the file's); a
 * host without the remote in any file reaches it when its settings come as
 * those variables (the remote's name upper-cased as it is: rclone keeps a
 * `-`); `rclone copy REMOTE:dir DIR` writes the objects into the host's files
 * with their content, refuses objects of a cold class not thawed ("Object in
 * GLACIER, restore first") and ends with the one-line stats at the level
 * asked.
 */
import { describe, expect, it } from 'vitest';
import { configDumpCommand, parseConfigDump, remoteConfigEnv } from '../../src/adapters/rclone/config-dump.js';
import type { Lab } from '../../src/lab/index.js';
import { useLab, type LabRunners } from '../helpers/lab/lab-runner.js';

let lab: Lab;
let runners: LabRunners;
useLab({ scenario: 'healthy', timeScale: 0.05 }, (l, r) => ((lab = l), (runners = r)));

const CONF = '/root/.config/rclone/rclone.conf';
const COPY = (from: string, to: string) => ['rclone', 'copy', from, to, '--stats', '10s', '--stats-one-line', '--stats-log-level', 'NOTICE'];

describe("the lab's rclone for the chain", () => {
  it('config dump: the file\'s remotes as rclone prints them, a variable overriding a key', async () => {
    const r = await runners.get('nas1').run({ argv: ['rclone', 'config', 'dump'] });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('{\n    "glacier": {\n        "env_auth": "true",\n        "provider": "AWS",\n        "region": "eu-central-1",\n        "storage_class": "GLACIER",\n        "type": "s3"\n    }\n}');
    const over = await runners.get('nas1').run({ ...configDumpCommand({ configFile: CONF }), secrets: { RCLONE_CONFIG_GLACIER_REGION: 'us-east-1' } });
    const dump = parseConfigDump(over.stdout, over.stderr, over.exitCode);
    expect(dump.ok && dump.value.glacier).toMatchObject({ region: 'us-east-1', storage_class: 'GLACIER' });
    const none = await runners.get('docker1').run({ argv: ['rclone', 'config', 'dump'] });
    expect([none.exitCode, none.stdout]).toEqual([0, '{}']);
  });

  it('a remote docker1 has in no file is reached through RCLONE_CONFIG_*; a frozen object is refused, a thawed one copied with its content', async () => {
    const dumped = await runners.get('nas1').run(configDumpCommand({ configFile: CONF }));
    const dump = parseConfigDump(dumped.stdout, dumped.stderr, dumped.exitCode);
    if (!dump.ok) throw new Error(dump.error.message);
    const env = remoteConfigEnv(dump.value, 'glacier');
    if (!env.ok) throw new Error(env.error.message);
    const docker1 = runners.get('docker1');

    const without = await docker1.run({ argv: COPY('glacier:strata-nas/data', '/restore/nas') });
    expect(without.exitCode).toBe(1);
    expect(without.stderr).toContain('Failed to create file system for "glacier:strata-nas/data": didn\'t find section in config file');

    const bucket = lab.state.cloud.buckets['strata-nas']!;
    const keys = Object.keys(bucket).filter((k) => k.startsWith('data/'));
    const frozen = await docker1.run({ argv: COPY('glacier:strata-nas/data', '/restore/nas'), secrets: env.value });
    expect(frozen.exitCode).toBe(1);
    expect(frozen.stderr).toMatch(/ERROR : [^\n]+: Failed to copy: failed to open source object: Object in GLACIER, restore first: bucket="strata-nas", key="data\//);
    expect(Object.keys(lab.state.hosts.docker1!.fs.files).some((p) => p.startsWith('/restore/nas/'))).toBe(false);

    // Thawed (as `backend restore` leaves them once done), with a content the copy must carry.
    const now = Date.now() / 1000;
    for (const k of keys) Object.assign(bucket[k]!, { restoreReadyAt: now - 60, restoredUntil: now + 86_400 });
    bucket[keys[0]!]!.content = 'what the object holds';
    const copied = await docker1.run({ argv: COPY('glacier:strata-nas/data', '/restore/nas'), secrets: env.value });
    expect(copied.exitCode, copied.stderr).toBe(0);
    expect(copied.stderr).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d NOTICE: +\d+\.\d{3} [KMGT]iB \/ \d+\.\d{3} [KMGT]iB, 100%, [\d.]+ [KMGT]?i?B\/s, ETA 0s\n$/);
    const files = lab.state.hosts.docker1!.fs.files;
    expect(Object.keys(files).filter((p) => p.startsWith('/restore/nas/')).length).toBe(keys.length);
    expect(files[`/restore/nas/${keys[0]!.slice('data/'.length)}`]).toMatchObject({ size: bucket[keys[0]!]!.size, content: 'what the object holds' });
  });

  it("a remote's name keeps its `-` in the variables, as rclone's ConfigToEnv makes them", async () => {
    const bad = await runners.get('docker1').run({ argv: ['rclone', 'lsjson', 'my-glacier:strata-nas/data'], secrets: { RCLONE_CONFIG_MY_GLACIER_TYPE: 's3' } });
    expect(bad.stderr).toContain("didn't find section in config file");
  });
});
