import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSshSettings } from '../../src/transport/ssh-settings.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-sshcfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const configFile = (text: string) => {
  const f = join(dir, `config-${Math.random().toString(36).slice(2)}`);
  writeFileSync(f, text);
  return f;
};

describe('SSH settings: inventory, then ssh config, then OpenSSH defaults', () => {
  it('falls back to OpenSSH defaults without a config file', () => {
    const s = resolveSshSettings({ name: 'pve1', sshConfigFile: join(dir, 'missing') }, {});
    expect(s).toMatchObject({
      hostname: 'pve1',
      port: 22,
      user: userInfo().username,
      agentSocket: undefined,
      maxConcurrent: 8,
      connectTimeoutMs: 10_000,
      keepaliveIntervalMs: 1000,
    });
    expect(s.identityFiles.map((f) => f.path)).toContain(join(homedir(), '.ssh', 'id_ed25519'));
    expect(s.identityFiles.every((f) => !f.explicit)).toBe(true);
    expect(s.knownHostsFiles[0]).toBe(join(homedir(), '.ssh', 'known_hosts'));
  });

  it('reads HostName, User, Port, IdentityFile (~ and %-tokens) and UserKnownHostsFile for the alias, first value winning', () => {
    const sshConfigFile = configFile(
      [
        'Host pve1',
        '  HostName %h.lab.example',
        '  User backup',
        '  Port 2222',
        '  IdentityFile ~/.ssh/pve_%r',
        '  IdentityFile %d/second_key',
        '  UserKnownHostsFile /etc/strata/known_hosts ~/.ssh/known_hosts_lab',
        'Host *',
        '  User fallback',
        '  Port 22',
      ].join('\n'),
    );
    const s = resolveSshSettings({ name: 'pve1', sshConfigFile }, {});
    expect(s).toMatchObject({ hostname: 'pve1.lab.example', user: 'backup', port: 2222 });
    expect(s.identityFiles).toEqual([
      { path: join(homedir(), '.ssh', 'pve_backup'), explicit: true },
      { path: join(homedir(), 'second_key'), explicit: true },
    ]);
    expect(s.knownHostsFiles).toEqual(['/etc/strata/known_hosts', join(homedir(), '.ssh', 'known_hosts_lab')]);
  });

  it('lets the inventory win and looks the alias up by address', () => {
    const sshConfigFile = configFile('Host backup-box\n  HostName 192.0.2.7\n  User other\n  Port 2200\n  IdentityFile /k\n');
    const s = resolveSshSettings(
      { name: 'pbs', address: 'backup-box', user: 'root', port: 22, identityFile: '/inv/key', knownHostsFile: '/inv/kh', sshConfigFile },
      {},
    );
    expect(s).toMatchObject({ name: 'pbs', hostname: '192.0.2.7', user: 'root', port: 22 });
    expect(s.identityFiles).toEqual([{ path: '/inv/key', explicit: true }]);
    expect(s.knownHostsFiles).toEqual(['/inv/kh']);
  });

  it('uses SSH_AUTH_SOCK unless the target names a socket or turns the agent off', () => {
    const base = { name: 'h', sshConfigFile: join(dir, 'missing') };
    expect(resolveSshSettings(base, { SSH_AUTH_SOCK: '/run/agent' }).agentSocket).toBe('/run/agent');
    expect(resolveSshSettings({ ...base, agentSocket: '/other' }, { SSH_AUTH_SOCK: '/run/agent' }).agentSocket).toBe('/other');
    expect(resolveSshSettings({ ...base, agentSocket: false }, { SSH_AUTH_SOCK: '/run/agent' }).agentSocket).toBeUndefined();
  });

  it('does not run Match exec commands while reading the config', () => {
    const marker = join(dir, 'match-exec-ran');
    const sshConfigFile = configFile(`Match exec "touch ${marker}"\n  User matched\n`);
    expect(resolveSshSettings({ name: 'h', sshConfigFile }, {}).user).not.toBe('matched');
    expect(existsSync(marker)).toBe(false);
  });
});
