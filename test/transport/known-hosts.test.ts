import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkKnownHosts,
  checkPinned,
  fingerprintSha256,
  knownHostsName,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
} from '../../src/transport/known-hosts.js';
import { keygenFingerprint, makeKeyPair, sshKeygen } from '../helpers/sshd.js';
import { describeWithTools } from '../helpers/tools.js';

describeWithTools(['ssh'], 'known_hosts checks, against keys and files made by ssh-keygen', () => {
  let dir: string;
  let key: { type: string; b64: string; blob: Buffer; fp: string };
  let other: { type: string; b64: string; blob: Buffer };

  const load = (path: string) => {
    const [type, b64] = readFileSync(path, 'utf8').trim().split(' ') as [string, string];
    return { type, b64, blob: Buffer.from(b64, 'base64') };
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-kh-'));
    const k = makeKeyPair(join(dir, 'host'));
    key = { ...load(`${k}.pub`), fp: keygenFingerprint(`${k}.pub`) };
    other = load(`${makeKeyPair(join(dir, 'other'))}.pub`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const check = (lines: string[], name: string, blob = key.blob) => checkKnownHosts(parseKnownHosts(lines.join('\n'), 'kh'), name, blob);

  it('computes the fingerprint ssh-keygen -lf prints', () => {
    expect(fingerprintSha256(key.blob)).toBe(key.fp);
  });

  it('looks hosts up as OpenSSH names them', () => {
    expect(knownHostsName('Pve1.Example', 22)).toBe('pve1.example');
    expect(knownHostsName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
  });

  it('accepts a plain entry, a comma list and a wildcard, and nothing on another port', () => {
    expect(check([`pve1 ${key.type} ${key.b64}`], 'pve1')).toEqual({ ok: true });
    expect(check([`a,pve1,b ${key.type} ${key.b64}`], 'pve1')).toEqual({ ok: true });
    expect(check([`*.lan ${key.type} ${key.b64}`], 'pve1.lan')).toEqual({ ok: true });
    expect(check([`[pve1]:2222 ${key.type} ${key.b64}`], '[pve1]:2222')).toEqual({ ok: true });
    expect(check([`[pve1]:2222 ${key.type} ${key.b64}`], 'pve1')).toMatchObject({ ok: false, kind: 'unknown-host-key' });
    expect(check([`pve1 ${key.type} ${key.b64}`], '[pve1]:2222')).toMatchObject({ ok: false, kind: 'unknown-host-key' });
  });

  it('honours negated patterns', () => {
    expect(check([`*.lan,!pve1.lan ${key.type} ${key.b64}`], 'pve1.lan')).toMatchObject({ kind: 'unknown-host-key' });
  });

  it('reads hashed entries written by ssh-keygen -H', () => {
    const file = join(dir, 'hashed');
    writeFileSync(file, `pve1,[10.1.2.3]:2222 ${key.type} ${key.b64}\nbackup ${other.type} ${other.b64}\n`);
    sshKeygen(['-H', '-f', file]);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.every((l) => l.startsWith('|1|'))).toBe(true);
    expect(check(lines, 'pve1')).toEqual({ ok: true });
    expect(check(lines, '[10.1.2.3]:2222')).toEqual({ ok: true });
    expect(check(lines, 'backup')).toMatchObject({ ok: false, kind: 'host-key-changed' });
    expect(check(lines, 'pve2')).toMatchObject({ ok: false, kind: 'unknown-host-key' });
  });

  it('calls another key under the same name a changed key, naming the line', () => {
    expect(check(['# comment', '', `pve1 ${other.type} ${other.b64}`], 'pve1')).toEqual({
      ok: false,
      kind: 'host-key-changed',
      detail: 'kh:3 holds another key for pve1',
    });
  });

  it('refuses a @revoked key and ignores @cert-authority lines', () => {
    expect(check([`pve1 ${key.type} ${key.b64}`, `@revoked * ${key.type} ${key.b64}`], 'pve1')).toMatchObject({
      ok: false,
      kind: 'host-key-changed',
    });
    expect(check([`@cert-authority pve1 ${key.type} ${key.b64}`], 'pve1')).toMatchObject({ kind: 'unknown-host-key' });
  });

  it('checks a pinned fingerprint, with or without base64 padding', () => {
    expect(checkPinned(key.fp, key.blob)).toEqual({ ok: true });
    expect(checkPinned(`${key.fp}=`, key.blob)).toEqual({ ok: true });
    expect(checkPinned(fingerprintSha256(other.blob), key.blob)).toMatchObject({ ok: false, kind: 'host-key-changed' });
  });

  it('asks first for the host key types it knows for the host', () => {
    const entries = parseKnownHosts(`pve1 ssh-rsa AAAAB3NzaC1yc2E=\nother ${key.type} ${key.b64}`, 'kh');
    expect(preferredHostKeyAlgorithms(entries, 'pve1')).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(preferredHostKeyAlgorithms(entries, 'nobody')).toEqual([]);
  });
});

describe('known_hosts parsing', () => {
  it('skips malformed lines instead of failing', () => {
    expect(parseKnownHosts('garbage\n@unknown-marker h t AAAA\nh ssh-ed25519 not*base64\n', 'kh')).toEqual([]);
  });
});
