/**
 * A worker channel: the exec of `exec sh` that then reads one script per
 * command from its stdin (src/transport/shell-script.ts). Answers as the real
 * sh would: the hello's READY marker, then per command the PID marker on
 * stderr, the program's output, and the end marker on stderr and stdout.
 * One command at a time; scripts that arrive meanwhile wait in the buffer.
 */
import { StringDecoder } from 'node:string_decoder';
import type { ServerChannel } from 'ssh2';
import type { Command } from '../../transport/command.js';
import { markers, parseWorkerScript } from '../../transport/shell-script.js';
import type { SpawnSpec } from '../runtime.js';
import type { Launcher } from '../shell/types.js';
import { answerDelay, runOnChannel, type ChannelHost } from './run-on-channel.js';

export function commandToSpec(cmd: Command, launcher: Launcher): SpawnSpec {
  return {
    argv: cmd.argv,
    launcher,
    env: { ...(cmd.env ?? {}), ...(cmd.secrets ?? {}) },
    ...(cmd.cwd !== undefined ? { cwd: cmd.cwd } : {}),
    ...(cmd.secretsFrom ? { secretsFrom: cmd.secretsFrom } : {}),
  };
}

export function serveWorker(ch: ChannelHost, stream: ServerChannel): void {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  let eof = false;
  let busy = false;
  let closed = false;
  const out = (d: string | Buffer) => {
    if (!closed) stream.write(d);
  };
  const err = (d: string | Buffer) => {
    if (!closed) stream.stderr.write(d);
  };
  stream.on('data', (d: Buffer) => {
    buf += decoder.write(d);
    void pump();
  });
  stream.on('end', () => {
    eof = true;
    void pump();
  });
  stream.on('close', () => {
    closed = true;
  });
  stream.on('error', () => {
    closed = true;
  });

  async function pump(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      for (;;) {
        if (closed) return;
        const p = parseWorkerScript(buf);
        if (p.kind === 'incomplete') break;
        buf = buf.slice(p.consumed);
        if (p.kind === 'hello') {
          await answerDelay(ch);
          out(`${markers(p.nonce).ready}\n`);
        } else if (p.kind === 'error') {
          err(`sh: 1: Syntax error: ${p.error}\n`);
        } else {
          const m = markers(p.nonce);
          const r = await runOnChannel(ch, commandToSpec(p.cmd, 'setsid'), { out, err }, (pid) => err(`${m.pid}${pid}\n`));
          if (r === 'dropped') return;
          err(`${m.end}${r.code}\n`);
          out(`${m.end}${r.code}\n`);
        }
      }
      if (eof && !closed) {
        closed = true;
        stream.exit(0);
        stream.end();
      }
    } finally {
      busy = false;
    }
  }
}
