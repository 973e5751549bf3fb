/**
 * A remote's settings as RCLONE_CONFIG_<NAME>_<KEY> variables from `rclone
 * config dump`: upper case with a key's `-` as `_` (a remote's name kept as
 * it is, as rclone does), a wrapped remote (crypt) brought
 * along, other remotes left out, a remote the dump lacks said so.
 */
import { describe, expect, it } from 'vitest';
import { configEnvName, parseConfigDump, remoteConfigEnv } from '../../src/adapters/rclone/config-dump.js';

const DUMP = JSON.stringify({
  'glacier_s3': { type: 's3', provider: 'AWS', access_key_id: 'AKIA', secret_access_key: 'k', region: 'eu-central-1' },
  vault: { type: 'crypt', remote: 'glacier_s3:strata/crypt', password: 'obscured' },
  home: { type: 'local' },
});

describe('rclone config dump', () => {
  it('carries a crypt remote and the remote it wraps, nothing else', () => {
    const dump = parseConfigDump(DUMP, '', 0);
    if (!dump.ok) throw new Error(dump.error.message);
    const env = remoteConfigEnv(dump.value, 'vault');
    expect(env).toEqual({
      ok: true,
      value: {
        RCLONE_CONFIG_VAULT_TYPE: 'crypt',
        RCLONE_CONFIG_VAULT_REMOTE: 'glacier_s3:strata/crypt',
        RCLONE_CONFIG_VAULT_PASSWORD: 'obscured',
        RCLONE_CONFIG_GLACIER_S3_TYPE: 's3',
        RCLONE_CONFIG_GLACIER_S3_PROVIDER: 'AWS',
        RCLONE_CONFIG_GLACIER_S3_ACCESS_KEY_ID: 'AKIA',
        RCLONE_CONFIG_GLACIER_S3_SECRET_ACCESS_KEY: 'k',
        RCLONE_CONFIG_GLACIER_S3_REGION: 'eu-central-1',
      },
    });
    expect(configEnvName('my_remote', 'secret_access_key')).toBe('RCLONE_CONFIG_MY_REMOTE_SECRET_ACCESS_KEY');
  });

  it("keeps a remote's `-` as rclone's fs.ConfigToEnv does (only the key's becomes `_`): such a remote cannot be carried, and says so", () => {
    expect(configEnvName('my-remote', 'ignore-size')).toBe('RCLONE_CONFIG_MY-REMOTE_IGNORE_SIZE');
    const dump = parseConfigDump(JSON.stringify({ 'glacier-s3': { type: 's3' }, vault: { type: 'crypt', remote: 'glacier-s3:x' } }), '', 0);
    if (!dump.ok) throw new Error(dump.error.message);
    for (const name of ['glacier-s3', 'vault']) {
      expect(remoteConfigEnv(dump.value, name)).toMatchObject({ ok: false, error: { message: 'remote glacier-s3: rclone reads it from RCLONE_CONFIG_GLACIER-S3_* variables, and no environment can carry that name: rename the remote (letters, digits, _)' } });
    }
  });

  it('a remote the dump lacks, and output that is not a dump, are errors (never a throw)', () => {
    const dump = parseConfigDump(DUMP, '', 0);
    if (!dump.ok) throw new Error(dump.error.message);
    expect(remoteConfigEnv(dump.value, 'nope')).toMatchObject({ ok: false, error: { message: 'the rclone configuration has no remote nope' } });
    expect(parseConfigDump('[1,2]', '', 0)).toMatchObject({ ok: false });
    expect(parseConfigDump('', 'Failed to load config file "/x": open /x: no such file or directory', 1)).toMatchObject({ ok: false });
  });
});
