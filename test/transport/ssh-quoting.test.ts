import { afterAll, beforeAll, expect, it } from 'vitest';
import { SshRunner } from '../../src/transport/index.js';
import { nastyStrings } from '../helpers/nasty-strings.js';
import { startSshd, type SshdHost } from '../helpers/sshd.js';
import { describeWithTools } from '../helpers/tools.js';

const split = (stdout: string) => stdout.split('\0').slice(0, -1);

describeWithTools(['sshd'], 'quoting through a real sshd and a real sh', () => {
  let sshd: SshdHost;
  let runner: SshRunner;
  const args = nastyStrings(1200, 2024);

  beforeAll(async () => {
    sshd = await startSshd();
    runner = new SshRunner(sshd.sshTarget());
  });
  afterAll(async () => {
    await runner?.close();
    await sshd?.stop();
  });

  it('1200 generated arguments come back byte for byte on the worker path', async () => {
    const r = await runner.run({ argv: ['printf', '%s\\0', ...args] });
    expect(r.exitCode).toBe(0);
    expect(split(r.stdout)).toEqual(args);
  });

  it('1200 generated arguments come back byte for byte on the exec (stdin) path', async () => {
    const r = await runner.run({ argv: ['printf', '%s\\0', ...args], stdin: '' });
    expect(r.exitCode).toBe(0);
    expect(split(r.stdout)).toEqual(args);
  });

  it('each argument alone, as program arguments, env values and secrets, on both paths at once', async () => {
    const sample = args.slice(0, 40);
    const results = await Promise.all(
      sample.flatMap((s, i) => {
        const cmd = {
          argv: ['sh', '-c', 'printf "%s\\0%s\\0%s\\0" "$1" "$V" "$S"', 'sh', s],
          env: { V: s },
          // A secret is one line: it cannot hold a newline.
          secrets: { S: s.replace(/[\n\r]/g, '') },
        };
        return [runner.run(cmd), runner.run({ ...cmd, stdin: `stdin ${i}` })];
      }),
    );
    results.forEach((r, k) => {
      const s = sample[Math.floor(k / 2)]!;
      expect(split(r.stdout)).toEqual([s, s, s.replace(/[\n\r]/g, '')]);
    });
  });

  it('stdin data comes back byte for byte', async () => {
    const data = args.join('\n');
    const r = await runner.run({ argv: ['cat'], stdin: data });
    expect(r.stdout).toBe(data);
  });
});
