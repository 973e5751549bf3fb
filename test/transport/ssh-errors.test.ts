import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runChecked, SshRunner, TransportError, type SshTarget, type TransportErrorKind } from '../../src/transport/index.js';
import { freePort, makeKeyPair, processArgs, sshKeygen, startSshd, type SshdHost } from '../helpers/sshd.js';
import { describeWithTools } from '../helpers/tools.js';
import { readFileSync } from 'node:fs';

/** Runs `true` with a fresh runner for `target` and returns the TransportError it fails with. */
async function failure(target: SshTarget): Promise<TransportError> {
  const runner = new SshRunner(target);
  try {
    await runner.run({ argv: ['true'] });
  } catch (e) {
    if (e instanceof TransportError) return e;
    throw e;
  } finally {
    await runner.close();
  }
  throw new Error('the command succeeded');
}

function expectKind(e: TransportError, kind: TransportErrorKind): void {
  expect({ kind: e.kind, message: e.message }).toMatchObject({ kind });
}

describeWithTools(['sshd', 'ssh'], 'SshRunner errors, each produced for real', () => {
  let sshd: SshdHost;
  /** A key sshd does not know, and its public key line. */
  let strangerKey: string;
  let strangerPub: string[];

  beforeAll(async () => {
    sshd = await startSshd();
    strangerKey = makeKeyPair(join(sshd.dir, 'stranger'));
    strangerPub = readFileSync(`${strangerKey}.pub`, 'utf8').trim().split(' ');
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  const knownHosts = (name: string, lines: string[]) => {
    const f = join(sshd.dir, name);
    writeFileSync(f, `${lines.join('\n')}\n`);
    return f;
  };
  const hostName = () => `[${sshd.host}]:${sshd.port}`;

  it('connects with the right key and a matching known_hosts entry (the baseline)', async () => {
    const runner = new SshRunner(sshd.sshTarget());
    expect((await runner.run({ argv: ['echo', 'ok'] })).stdout).toBe('ok\n');
    await runner.close();
  });

  it('auth-failed: a key the host does not accept', async () => {
    const e = await failure(sshd.sshTarget({ identityFile: strangerKey }));
    expectKind(e, 'auth-failed');
    expect(e.message).toContain(strangerKey);
  });

  it('auth-failed: no agent and an identity file that does not exist', async () => {
    const e = await failure(sshd.sshTarget({ identityFile: join(sshd.dir, 'missing-key') }));
    expectKind(e, 'auth-failed');
    expect(e.message).toContain('missing-key');
  });

  it('unknown-host-key: an empty known_hosts, with the offered fingerprint in the message', async () => {
    const e = await failure(sshd.sshTarget({ knownHostsFile: knownHosts('empty', []) }));
    expectKind(e, 'unknown-host-key');
    expect(e.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect(e.message).toContain(sshd.hostKeyFingerprint);
  });

  it('unknown-host-key: an entry for the same address on another port does not count', async () => {
    const line = sshd.knownHostsLine.replace(hostName(), `[${sshd.host}]:${sshd.port + 1}`);
    const e = await failure(sshd.sshTarget({ knownHostsFile: knownHosts('other-port', [line]) }));
    expectKind(e, 'unknown-host-key');
  });

  it('unknown-host-key: a @cert-authority line holding the host key is not a host key', async () => {
    const e = await failure(sshd.sshTarget({ knownHostsFile: knownHosts('ca', [`@cert-authority ${sshd.knownHostsLine}`]) }));
    expectKind(e, 'unknown-host-key');
  });

  it('host-key-changed: a plain entry for the host with another key', async () => {
    const f = knownHosts('changed', [`${hostName()} ${strangerPub[0]} ${strangerPub[1]}`]);
    const e = await failure(sshd.sshTarget({ knownHostsFile: f }));
    expectKind(e, 'host-key-changed');
    expect(e.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect(e.message).toContain(sshd.hostKeyFingerprint);
    expect(e.message).toContain(`${f}:1`);
  });

  it('host-key-changed: a hashed entry (ssh-keygen -H) with another key; the right key hashed is accepted', async () => {
    const wrong = knownHosts('hashed-wrong', [`${sshd.host},${hostName()} ${strangerPub[0]} ${strangerPub[1]}`]);
    const right = knownHosts('hashed-right', [sshd.knownHostsLine]);
    sshKeygen(['-H', '-f', wrong]);
    sshKeygen(['-H', '-f', right]);
    expect(readFileSync(wrong, 'utf8')).toMatch(/^\|1\|/);
    expect(readFileSync(right, 'utf8')).toMatch(/^\|1\|/);
    const e = await failure(sshd.sshTarget({ knownHostsFile: wrong }));
    expectKind(e, 'host-key-changed');
    expect(e.message).toContain(sshd.hostKeyFingerprint);
    const runner = new SshRunner(sshd.sshTarget({ knownHostsFile: right }));
    expect((await runner.run({ argv: ['echo', 'hashed ok'] })).stdout).toBe('hashed ok\n');
    await runner.close();
  });

  it('host-key-changed: the host key marked @revoked is refused even next to a matching entry', async () => {
    const [, type, b64] = sshd.knownHostsLine.split(' ');
    const e = await failure(sshd.sshTarget({ knownHostsFile: knownHosts('revoked', [sshd.knownHostsLine, `@revoked * ${type} ${b64}`]) }));
    expectKind(e, 'host-key-changed');
    expect(e.message).toContain('@revoked');
  });

  it('host-key-changed: a wrong pinned fingerprint; the right one is accepted without any known_hosts', async () => {
    const wrongPin = 'SHA256:' + 'A'.repeat(43);
    const e = await failure(sshd.sshTarget({ hostKeyFingerprint: wrongPin, knownHostsFile: join(sshd.dir, 'none') }));
    expectKind(e, 'host-key-changed');
    expect(e.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect(e.message).toContain(sshd.hostKeyFingerprint);
    const runner = new SshRunner(sshd.sshTarget({ hostKeyFingerprint: sshd.hostKeyFingerprint, knownHostsFile: join(sshd.dir, 'none') }));
    expect((await runner.run({ argv: ['echo', 'pinned ok'] })).stdout).toBe('pinned ok\n');
    await runner.close();
  });

  it('unreachable: a closed port', async () => {
    const port = await freePort();
    const e = await failure(sshd.sshTarget({ port }));
    expectKind(e, 'unreachable');
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('unreachable: a port that accepts but never speaks SSH, after the connect timeout', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const e = await failure(sshd.sshTarget({ port, connectTimeoutMs: 500 }));
      expectKind(e, 'unreachable');
      expect(e.message).toContain('500 ms');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      silent.close();
    }
  });

  it('fails fast with the last error while backing off after a failed connect, then tries again', async () => {
    const runner = new SshRunner(sshd.sshTarget({ port: await freePort() }));
    try {
      await expect(runner.run({ argv: ['true'] })).rejects.toMatchObject({ kind: 'unreachable' });
      expect(runner.connectCount).toBe(1);
      const started = Date.now();
      await expect(runner.run({ argv: ['true'] })).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringContaining('next attempt') });
      // Well inside the 0.5 s backoff: no connect was tried (connectCount) and nothing waited for one.
      expect(Date.now() - started).toBeLessThan(400);
      expect(runner.connectCount).toBe(1);
      await new Promise((r) => setTimeout(r, 600));
      await expect(runner.run({ argv: ['true'] })).rejects.toMatchObject({ kind: 'unreachable' });
      expect(runner.connectCount).toBe(2);
      // The backoff doubled to 1 s: 600 ms later the runner still fails fast.
      await new Promise((r) => setTimeout(r, 600));
      await expect(runner.run({ argv: ['true'] })).rejects.toMatchObject({ message: expect.stringContaining('next attempt') });
      expect(runner.connectCount).toBe(2);
    } finally {
      await runner.close();
    }
  });

  it('command-not-found: exit 127 through runChecked, on the worker path and the stdin path', async () => {
    const runner = new SshRunner(sshd.sshTarget());
    try {
      const viaWorker = runChecked(runner, { argv: ['strata-no-such-command'] });
      await expect(viaWorker).rejects.toMatchObject({ kind: 'command-not-found', exitCode: 127 });
      await expect(viaWorker).rejects.toThrow(/strata-no-such-command/);
      await expect(runChecked(runner, { argv: ['strata-no-such-command'], stdin: 'x' })).rejects.toMatchObject({
        kind: 'command-not-found',
        exitCode: 127,
      });
      await expect(runChecked(runner, { argv: ['sh', '-c', 'echo bad >&2; exit 3'] })).rejects.toMatchObject({
        kind: 'non-zero-exit',
        exitCode: 3,
        message: expect.stringContaining('bad'),
      });
      // run itself resolves with any exit code.
      expect((await runner.run({ argv: ['strata-no-such-command'] })).exitCode).toBe(127);
    } finally {
      await runner.close();
    }
  });

  it('timeout: rejects after timeoutMs and ends the remote process', async () => {
    const runner = new SshRunner(sshd.sshTarget());
    const tag = `31.${process.pid}${Date.now() % 100000}`;
    try {
      const started = Date.now();
      await expect(runner.run({ argv: ['sleep', tag], timeoutMs: 500 })).rejects.toMatchObject({ kind: 'timeout' });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(processArgs().filter((a) => a.includes(`sleep ${tag}`))).toEqual([]);
      // The worker is usable again.
      expect((await runner.run({ argv: ['echo', 'after'] })).stdout).toBe('after\n');
    } finally {
      await runner.close();
    }
  });
});
