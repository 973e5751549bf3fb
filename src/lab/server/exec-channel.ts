/**
 * A plain exec request: a line made by `execLine` (secrets are the first
 * lines of stdin, then the command's own input), a `kill` sent to cancel, or
 * any other command line (`ssh host zpool status`), run by the lab's shell.
 * A process ended by a signal reports it as the channel's exit signal, as
 * sshd does.
 */
import { StringDecoder } from 'node:string_decoder';
import type { ServerChannel } from 'ssh2';
import { markers, parseExecLine } from '../../transport/shell-script.js';
import type { SpawnSpec } from '../runtime.js';
import { runOnChannel, type ChannelHost } from './run-on-channel.js';
import { commandToSpec } from './worker-channel.js';

export function serveExec(ch: ChannelHost, stream: ServerChannel, line: string): void {
  const parsed = parseExecLine(line);
  const secretNames = 'error' in parsed ? [] : [...parsed.secretNames];
  const nonce = 'error' in parsed ? undefined : parsed.nonce;
  // sshd runs the line with root's login shell, bash; Strata's own line ends in `exec`.
  const base: SpawnSpec = 'error' in parsed ? { argv: ['bash', '-c', line] } : commandToSpec(parsed.cmd, 'bash-exec');

  const decoder = new StringDecoder('utf8');
  let pending = '';
  let secretsRead = secretNames.length === 0;
  const secrets: Record<string, string> = {};
  let stdinData = '';
  let closed = false;
  let started = false;
  let resolveStdin: (s: string) => void = () => undefined;
  const stdinDone = new Promise<string>((r) => (resolveStdin = r));

  const out = (d: string | Buffer) => {
    if (!closed) stream.write(d);
  };
  const err = (d: string | Buffer) => {
    if (!closed) stream.stderr.write(d);
  };

  const takeSecrets = () => {
    while (!secretsRead) {
      const nl = pending.indexOf('\n');
      if (nl < 0) return;
      secrets[secretNames[Object.keys(secrets).length]!] = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (Object.keys(secrets).length === secretNames.length) secretsRead = true;
    }
  };

  const start = () => {
    if (started || !secretsRead) return;
    started = true;
    const spec: SpawnSpec = { ...base, env: { ...(base.env ?? {}), ...secrets }, stdin: () => stdinDone };
    void runOnChannel(ch, spec, { out, err }, (pid) => {
      if (nonce) err(`${markers(nonce).pid}${pid}\n`);
    }).then((r) => {
      if (r === 'dropped' || closed) return;
      closed = true;
      if (r.signal) stream.exit(r.signal, false, '');
      else stream.exit(r.code);
      stream.end();
    });
  };

  stream.on('data', (d: Buffer) => {
    const text = decoder.write(d);
    if (secretsRead) stdinData += text;
    else {
      pending += text;
      takeSecrets();
      if (secretsRead) {
        stdinData += pending;
        pending = '';
      }
    }
    start();
  });
  stream.on('end', () => {
    stdinData += decoder.end();
    // A shell whose `read` meets the end of input gets empty values.
    if (!secretsRead) {
      for (const name of secretNames) secrets[name] ??= '';
      secretsRead = true;
    }
    resolveStdin(stdinData);
    start();
  });
  stream.on('close', () => {
    closed = true;
    resolveStdin(stdinData);
  });
  stream.on('error', () => {
    closed = true;
  });
  start();
}
