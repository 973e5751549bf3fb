import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Command } from '../../src/transport/command.js';
import { SshRunner } from '../../src/transport/index.js';
import { processArgs, startSshd, type SshdHost } from '../helpers/sshd.js';
import { describeWithTools } from '../helpers/tools.js';

describeWithTools(['sshd'], 'secrets reach the remote program but no argument list', () => {
  let sshd: SshdHost;
  let runner: SshRunner;

  beforeAll(async () => {
    sshd = await startSshd();
    runner = new SshRunner(sshd.sshTarget());
  });
  afterAll(async () => {
    await runner?.close();
    await sshd?.stop();
  });

  for (const path of ['worker', 'exec'] as const) {
    it(`on the ${path} path: secrets and secretsFrom (file, command) are in no process's arguments while it runs`, async () => {
      const id = randomBytes(6).toString('hex');
      const inline = `inline-${id} with 'quotes' $(and) spaces`;
      const fromFile = `file-${id}`;
      const fromCommand = `command-${id}`;
      const file = join(sshd.dir, `secret-${path}`);
      writeFileSync(file, `${fromFile}\n`);
      const commandFile = join(sshd.dir, `secret-for-command-${path}`);
      writeFileSync(commandFile, `${fromCommand}\n`);
      const tag = `tag-${id}`;
      const cmd: Command = {
        argv: ['sh', '-c', 'printf "%s|%s|%s\\n" "$S1" "$S2" "$S3"; sleep 2', tag],
        secrets: { S1: inline },
        secretsFrom: { S2: { file }, S3: { command: `cat ${commandFile}` } },
        ...(path === 'exec' ? { stdin: 'data' } : {}),
      };
      const secretValues = [inline, `inline-${id}`, fromFile, fromCommand];
      let snapshot: string[] = [];
      const r = await runner.stream(cmd, {
        onStdout: () => {
          snapshot = processArgs();
        },
      });
      expect(snapshot.some((a) => a.includes(tag))).toBe(true);
      for (const v of secretValues) expect(snapshot.filter((a) => a.includes(v))).toEqual([]);
      expect(r.stdout).toBe(`${inline}|${fromFile}|${fromCommand}\n`);
    });

    it(`on the ${path} path: a secret that cannot be read stops the command with exit 1 and the reader's error`, async () => {
      const missing = join(sshd.dir, `no-such-secret-${path}`);
      const marker = join(sshd.dir, `ran-${path}`);
      const r = await runner.run({
        argv: ['touch', marker],
        secretsFrom: { S: { file: missing } },
        ...(path === 'exec' ? { stdin: 'data' } : {}),
      });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain(`${missing}: No such file or directory`);
      expect(existsSync(marker)).toBe(false);
      const failing = await runner.run({ argv: ['touch', marker], secretsFrom: { S: { command: 'echo nope >&2; exit 3' } } });
      expect(failing.exitCode).toBe(1);
      expect(failing.stderr).toContain('nope');
      expect(existsSync(marker)).toBe(false);
    });
  }
});
