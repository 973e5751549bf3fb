import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/transport/command.js';
import {
  describeCommand,
  execLine,
  newNonce,
  parseExecLine,
  parseWorkerScript,
  shellQuote,
  splitWords,
  workerHello,
  workerScript,
} from '../../src/transport/shell-script.js';
import { nastyStrings } from '../helpers/nasty-strings.js';

describe('shell quoting', () => {
  it('reads back every nasty string as the same single word', () => {
    for (const s of nastyStrings(2000, 7)) {
      expect(splitWords(shellQuote(s))).toEqual([s]);
    }
  });

  it('leaves plain words bare and quotes the rest', () => {
    expect(shellQuote('zfs')).toBe('zfs');
    expect(shellQuote('rpool/data@snap')).toBe('rpool/data@snap');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('$(id)')).toBe(`'$(id)'`);
  });
});

describe('exec lines', () => {
  it('round-trips argv, env, cwd and secret names; secret values go to stdin only', () => {
    const args = nastyStrings(300, 3);
    const cmd: Command = {
      argv: ['printf', '%s\\0', ...args],
      env: { RESTIC_REPOSITORY: '/srv/restic repo', X: "a'b" },
      secrets: { RESTIC_PASSWORD: 'hunter2 $(rm -rf /)' },
      secretsFrom: { PBS_PASSWORD: { file: "/root/.pbs pw'(x)" }, TOKEN: { command: 'cat /root/t | head -1' } },
      cwd: '/tmp/a dir',
    };
    const nonce = newNonce();
    const { line, stdinPrefix } = execLine(cmd, nonce);
    expect(line).not.toContain('hunter2');
    expect(stdinPrefix).toBe('hunter2 $(rm -rf /)\n');
    const parsed = parseExecLine(line);
    expect(parsed).toEqual({
      cmd: { argv: cmd.argv, env: cmd.env, secretsFrom: cmd.secretsFrom, cwd: cmd.cwd },
      secretNames: ['RESTIC_PASSWORD'],
      nonce,
    });
  });

  it('reads a bare exec line', () => {
    expect(parseExecLine(execLine({ argv: ['kill', '-TERM', '--', '-123'] }).line)).toEqual({
      cmd: { argv: ['kill', '-TERM', '--', '-123'] },
      secretNames: [],
    });
  });

  it('refuses a secret with a newline, which could not be read as one line', () => {
    expect(() => execLine({ argv: ['x'], secrets: { P: 'a\nb' } })).toThrow(/newline/);
  });
});

describe('worker scripts', () => {
  it('round-trips every part of a command, secrets included', () => {
    const nonce = newNonce();
    for (let i = 0; i < 20; i++) {
      const args = nastyStrings(50, 100 + i);
      const cmd: Command = {
        argv: ['restic', ...args],
        env: { A: args[3] ?? '' },
        secrets: { RESTIC_PASSWORD: `pw ${args[4] ?? ''}`.replace(/\n/g, ''), TOKEN: "t'k" },
        secretsFrom: { PBS_PASSWORD: { file: `/root/${args[5] ?? ''})` }, AWS_SECRET_ACCESS_KEY: { command: `pass show "s3" | head -1 ${args[6] ?? ''}` } },
        cwd: `/d ${i}`,
      };
      const text = workerScript(cmd, nonce);
      const parsed = parseWorkerScript(text);
      expect(parsed).toEqual({ kind: 'command', nonce, cmd, consumed: text.length });
    }
  });

  it('is incomplete until the trailer arrives, and reads scripts one after another', () => {
    const n1 = newNonce();
    const n2 = newNonce();
    const a = workerScript({ argv: ['date', '+%s'] }, n1);
    const b = workerScript({ argv: ['hostname'] }, n2);
    expect(parseWorkerScript(a.slice(0, a.length - 5)).kind).toBe('incomplete');
    const first = parseWorkerScript(a + b);
    expect(first).toMatchObject({ kind: 'command', nonce: n1, cmd: { argv: ['date', '+%s'] } });
    expect(parseWorkerScript((a + b).slice(first.consumed))).toMatchObject({ kind: 'command', nonce: n2 });
  });

  it('is not fooled by an argument that looks like the trailer', () => {
    const nonce = newNonce();
    const fake = `printf '%s\\n' ${nonce}:E"$__C"\n`;
    const cmd: Command = { argv: ['echo', fake] };
    const text = workerScript(cmd, nonce);
    expect(parseWorkerScript(text)).toMatchObject({ kind: 'command', cmd });
  });

  it('recognises the hello', () => {
    const nonce = newNonce();
    expect(parseWorkerScript(workerHello(nonce))).toMatchObject({ kind: 'hello', nonce });
  });
});

describe('scripts run by a real POSIX sh', () => {
  it('deliver argv byte for byte and secrets into the environment only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-sh-'));
    writeFileSync(join(dir, "pw file'1"), 'from-file\n');
    const args = nastyStrings(200, 11);
    const n = newNonce();
    const script =
      workerHello(n) +
      workerScript({ argv: ['printf', '%s\\0', ...args] }, n) +
      workerScript(
        {
          argv: ['sh', '-c', 'printf "%s|%s|%s" "$A" "$B" "$C"'],
          secrets: { A: "x'y $(z)" },
          secretsFrom: { B: { file: join(dir, "pw file'1") }, C: { command: 'echo from-command' } },
        },
        n,
      );
    const r = spawnSync('sh', [], { input: script });
    const out = r.stdout.toString();
    const body = out.split(`${n}:READY\n`)[1]!;
    const [first, second] = body.split(`${n}:E0\n`);
    expect(first!.split('\0').slice(0, -1)).toEqual(args);
    expect(second).toBe("x'y $(z)|from-file|from-command");
  });
});

describe('describeCommand', () => {
  it('names secrets without their values', () => {
    const d = describeCommand({ argv: ['restic', 'snapshots'], secrets: { RESTIC_PASSWORD: 'hunter2' } });
    expect(d).toBe('RESTIC_PASSWORD=<secret> restic snapshots');
  });
});
