import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SshRunner, type SshTarget } from '../../src/transport/index.js';
import { startSshd, type SshdHost } from '../helpers/sshd.js';
import { describeWithTools } from '../helpers/tools.js';

async function runOnce(target: SshTarget): Promise<string> {
  const runner = new SshRunner(target);
  try {
    return (await runner.run({ argv: ['sh', '-c', 'printf "%s@%s" "$(id -un)" "$SSH_CONNECTION"'] })).stdout;
  } finally {
    await runner.close();
  }
}

describeWithTools(['sshd', 'ssh'], 'ssh config and ssh-agent', () => {
  let sshd: SshdHost;
  let agent: ChildProcess | undefined;
  let agentSocket: string;

  beforeAll(async () => {
    sshd = await startSshd();
    agentSocket = join(sshd.dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
    const deadline = Date.now() + 5000;
    while (!existsSync(agentSocket) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  });
  afterAll(async () => {
    agent?.kill();
    await sshd?.stop();
  });

  const config = (name: string, lines: string[]) => {
    const f = join(sshd.dir, name);
    writeFileSync(f, `${lines.join('\n')}\n`);
    return f;
  };

  it('honours HostName, User, Port and IdentityFile from the ssh config for an alias', async () => {
    const sshConfigFile = config('config-alias', [
      'Host strata-test-alias',
      `  HostName ${sshd.host}`,
      `  User ${sshd.user}`,
      `  Port ${sshd.port}`,
      `  IdentityFile ${sshd.clientKeyPath}`,
      'Host *',
      '  User nobody-else',
    ]);
    const out = await runOnce({
      name: 'aliased',
      address: 'strata-test-alias',
      sshConfigFile,
      knownHostsFile: sshd.knownHostsFile,
      agentSocket: false,
    });
    expect(out).toMatch(new RegExp(`^${sshd.user}@127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${sshd.port}$`));
  });

  it('lets inventory fields win over the ssh config', async () => {
    const sshConfigFile = config('config-wrong', [
      `Host ${sshd.host}`,
      '  Port 1',
      '  User strata-no-such-user',
      `  IdentityFile ${join(sshd.dir, 'no-such-key')}`,
    ]);
    const out = await runOnce(sshd.sshTarget({ sshConfigFile }));
    expect(out.startsWith(`${sshd.user}@`)).toBe(true);
    // Without the inventory's port, the config's Port 1 is used: proof the file was read.
    await expect(runOnce(sshd.sshTarget({ sshConfigFile, port: undefined }))).rejects.toMatchObject({ kind: 'unreachable' });
  });

  it('authenticates with a key held by ssh-agent, without any identity file', async () => {
    const env = { ...process.env, SSH_AUTH_SOCK: agentSocket };
    const target = sshd.sshTarget({ identityFile: undefined, agentSocket });
    await expect(runOnce(target)).rejects.toMatchObject({ kind: 'auth-failed', message: expect.stringContaining(agentSocket) });
    expect(spawnSync('ssh-add', [sshd.clientKeyPath], { env }).status).toBe(0);
    expect((await runOnce(target)).startsWith(`${sshd.user}@`)).toBe(true);
    spawnSync('ssh-add', ['-D'], { env });
  });

  it('uses SSH_AUTH_SOCK when no agent socket is given', async () => {
    const env = { ...process.env, SSH_AUTH_SOCK: agentSocket };
    expect(spawnSync('ssh-add', [sshd.clientKeyPath], { env }).status).toBe(0);
    const saved = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = agentSocket;
    try {
      expect((await runOnce(sshd.sshTarget({ identityFile: undefined, agentSocket: undefined }))).startsWith(`${sshd.user}@`)).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      spawnSync('ssh-add', ['-D'], { env });
    }
  });
});
