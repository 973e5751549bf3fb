/**
 * What the DR card may print of an rclone remote, parsed from real rclone
 * 1.60's `config dump` through the real LocalRunner: the backend, provider,
 * region and storage class, and none of the keys the dump holds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { configDumpCommand, parseRemoteSettings } from '../../../src/adapters/rclone/config-dump.js';
import { LocalRunner } from '../../../src/transport/local-runner.js';
import { describeWithTools } from '../../helpers/tools.js';

const KEY_ID = 'AKIAREMOTESETTINGS01';
const SECRET = 'remote-settings-secret-key-3f9a1c';

describeWithTools(['rclone'], 'rclone remote settings from a real config dump', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-rclone-settings-'));
  const configFile = join(dir, 'rclone.conf');
  writeFileSync(
    configFile,
    `[deep]\ntype = s3\nprovider = AWS\naccess_key_id = ${KEY_ID}\nsecret_access_key = ${SECRET}\nregion = eu-central-1\nstorage_class = DEEP_ARCHIVE\n\n[plain]\ntype = local\n`,
    { mode: 0o600 },
  );
  const runner = new LocalRunner('here');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const settings = async (name: string, file = configFile) => {
    const r = await runner.run({ ...configDumpCommand({ configFile: file }), timeoutMs: 20_000 });
    // The dump itself holds the keys: that is why only the parsed settings leave the adapter.
    if (name === 'deep' && file === configFile) expect(r.stdout).toContain(SECRET);
    return parseRemoteSettings(r.stdout, r.stderr, r.exitCode, name);
  };

  it('keeps the backend, provider, region and storage class, and drops the keys', async () => {
    const r = await settings('deep');
    expect(r).toEqual({ ok: true, value: { type: 's3', provider: 'AWS', region: 'eu-central-1', storageClass: 'DEEP_ARCHIVE' } });
    expect(JSON.stringify(r)).not.toContain(KEY_ID);
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  it('reads a remote without a storage class, and says which remote the config lacks', async () => {
    expect(await settings('plain')).toEqual({ ok: true, value: { type: 'local' } });
    const missing = await settings('gone');
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.message).toBe('the rclone configuration has no remote gone');
    // rclone dumps a config file that is not there as no remotes at all.
    const noFile = await settings('deep', join(dir, 'absent.conf'));
    expect(noFile.ok).toBe(false);
    if (!noFile.ok) expect(noFile.error.message).toBe('the rclone configuration has no remote deep');
  });
});
