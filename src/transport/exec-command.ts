/**
 * A command with stdin runs on its own SSH exec channel (execLine in
 * shell-script.ts): the secrets, then the data, then EOF.
 */
import { constants } from 'node:os';
import type { Client, ClientChannel } from 'ssh2';
import type { Command } from './command.js';
import { TransportError } from './errors.js';
import { MarkerScanner } from './marker-scanner.js';
import { execLine, newNonce } from './shell-script.js';
import { openChannel, recordedExit, type CommandIo } from './worker-shell.js';

export function signalExitCode(signal: string | undefined): number {
  const n = signal ? constants.signals[(signal.startsWith('SIG') ? signal : `SIG${signal}`) as keyof typeof constants.signals] : undefined;
  return 128 + (n ?? 0);
}

export interface ExecHandle {
  readonly done: Promise<number>;
  destroy(): void;
}

export async function startExec(client: Client, cmd: Command, host: string, io: CommandIo): Promise<ExecHandle> {
  const nonce = newNonce();
  const { line, stdinPrefix } = execLine(cmd, nonce);
  const channel: ClientChannel = await openChannel(client, line, host);
  const err = new MarkerScanner(nonce);
  const done = new Promise<number>((resolve, reject) => {
    channel.on('data', (d: Buffer) => io.stdout.push(d));
    channel.stderr.on('data', (d: Buffer) => {
      const { data, events } = err.feed(d);
      io.stderr.push(data);
      for (const e of events) if (e.kind === 'pid') io.onPid(e.pid);
    });
    channel.on('error', () => channel.destroy());
    channel.on('close', () => {
      io.stderr.push(err.flush());
      const exit = recordedExit(channel);
      const code = exit ? (exit.code ?? signalExitCode(exit.signal)) : undefined;
      if (code === undefined) reject(new TransportError('connection-lost', { host, detail: 'the channel closed without an exit status' }));
      else resolve(code);
    });
  });
  if (stdinPrefix !== '') channel.write(stdinPrefix);
  if (cmd.stdin !== undefined && cmd.stdin.length > 0) channel.write(typeof cmd.stdin === 'string' ? cmd.stdin : Buffer.from(cmd.stdin));
  channel.end();
  return { done, destroy: () => channel.destroy() };
}
