/** Keys the lab generates are always ones SSH clients can read, and pinned as `ssh-keygen -lf` prints them. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import ssh2 from 'ssh2';
import { fingerprintOf, generateKeyPair } from '../../src/lab/keys.js';
import { describeWithTools } from '../helpers/tools.js';

describe('lab keys', () => {
  it('are parseable, however often ssh2 would write a malformed one', () => {
    for (let i = 0; i < 600; i++) {
      const k = generateKeyPair(`root@pve${i}`);
      expect(ssh2.utils.parseKey(k.privateKey)).not.toBeInstanceOf(Error);
      expect(k.publicKey).toMatch(/^ssh-ed25519 AAAA[A-Za-z0-9+/]+=* root@pve\d+$/);
    }
  });
});

describeWithTools(['ssh'], 'lab keys and OpenSSH', () => {
  it('have the fingerprint ssh-keygen -lf prints, and a private key ssh-keygen accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-keys-'));
    const k = generateKeyPair('strata@lab');
    writeFileSync(join(dir, 'id'), k.privateKey, { mode: 0o600 });
    writeFileSync(join(dir, 'id.pub'), `${k.publicKey}\n`);
    const lf = spawnSync('ssh-keygen', ['-lf', join(dir, 'id.pub')], { encoding: 'utf8' });
    expect(lf.stdout.split(' ')[1]).toBe(fingerprintOf(k.publicKey));
    const y = spawnSync('ssh-keygen', ['-y', '-f', join(dir, 'id')], { encoding: 'utf8' });
    expect(y.status).toBe(0);
    expect(y.stdout.trim().split(' ').slice(0, 2)).toEqual(k.publicKey.split(' ').slice(0, 2));
  });
});
