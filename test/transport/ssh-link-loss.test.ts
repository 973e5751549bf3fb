import { afterAll, beforeAll, expect, it } from 'vitest';
import { SshRunner } from '../../src/transport/index.js';
import { createNetns, type Netns } from '../helpers/netns.js';
import { startSshd, waitForSsh, type SshdHost } from '../helpers/sshd.js';
import { describeWithTools } from '../helpers/tools.js';

describeWithTools(['sshd', 'netns'], 'a host whose network link is cut', () => {
  let ns: Netns | undefined;
  let sshd: SshdHost | undefined;
  let runner: SshRunner | undefined;

  beforeAll(async () => {
    ns = createNetns();
    sshd = await startSshd({ netns: ns, name: 'isolated' });
    runner = new SshRunner(sshd.sshTarget({ connectTimeoutMs: 3000 }));
  });
  afterAll(async () => {
    ns?.restore();
    await runner?.close();
    await sshd?.stop();
    ns?.destroy();
  });

  it('fails a running command with connection-lost within 6 s, and the next command after the link returns succeeds on a new connection', async () => {
    expect((await runner!.run({ argv: ['echo', 'before'] })).stdout).toBe('before\n');
    expect(runner!.connectCount).toBe(1);

    const lines: string[] = [];
    const running = runner!.stream({ argv: ['sh', '-c', 'echo started; sleep 30'] }, { onStdout: (l) => lines.push(l) });
    const queued = runner!.run({ argv: ['sleep', '30'], stdin: '' });
    const outcome = Promise.allSettled([running, queued]);
    await expect.poll(() => lines, { timeout: 5000, interval: 20 }).toEqual(['started']);

    const cutAt = Date.now();
    ns!.cut();
    const [r1, r2] = await outcome;
    const noticedAfter = Date.now() - cutAt;
    expect(r1).toMatchObject({ status: 'rejected', reason: { kind: 'connection-lost' } });
    expect(r2).toMatchObject({ status: 'rejected', reason: { kind: 'connection-lost' } });
    expect(noticedAfter).toBeLessThan(6000);

    ns!.restore();
    await waitForSsh(sshd!.host, sshd!.port, 10_000);
    const after = await runner!.run({ argv: ['echo', 'after'] });
    expect(after.stdout).toBe('after\n');
    expect(runner!.connectCount).toBe(2);
    expect(sshd!.connectionCount()).toBe(2);
  });
});
