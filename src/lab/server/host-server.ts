/**
 * The SSH server of one simulated host: a TCP listener on 127.0.0.1 handing
 * each connection to an ssh2 server with the host's key (or, under the
 * `host-key-changed` fault, another key). Only the lab's client key is
 * accepted. Exec requests are worker shells (`exec sh`) or single commands.
 */
import net from 'node:net';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ParsedKey, ServerChannel } from 'ssh2';
import { WORKER_SHELL_LINE } from '../../transport/shell-script.js';
import { generateKeyPair, type KeyPair } from '../keys.js';
import type { LabRuntime } from '../runtime.js';
import { serveExec } from './exec-channel.js';
import type { ChannelHost } from './run-on-channel.js';
import { serveWorker } from './worker-channel.js';

export interface HostServerOptions {
  readonly runtime: LabRuntime;
  readonly hostName: string;
  readonly hostKey: KeyPair;
  /** The one public key allowed to log in (`ssh-ed25519 AAAA...`). */
  readonly clientPublicKey: string;
}

export class HostServer implements ChannelHost {
  readonly runtime: LabRuntime;
  readonly hostName: string;
  readonly hostKey: KeyPair;
  port = 0;
  private readonly allowed: ParsedKey;
  private readonly ssh: ssh2.Server;
  private otherKeySsh: ssh2.Server | undefined;
  private listener: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(opts: HostServerOptions) {
    this.runtime = opts.runtime;
    this.hostName = opts.hostName;
    this.hostKey = opts.hostKey;
    const parsed = ssh2.utils.parseKey(opts.clientPublicKey);
    if (parsed instanceof Error) throw parsed;
    this.allowed = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
    this.ssh = this.makeSshServer(opts.hostKey.privateKey);
  }

  /** Listens on 127.0.0.1 (port 0: a free one). */
  async listen(port = this.port): Promise<number> {
    if (this.listener) return this.port;
    const listener = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, '127.0.0.1', () => {
        listener.off('error', reject);
        resolve();
      });
    });
    listener.on('error', () => undefined);
    this.listener = listener;
    this.port = (listener.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Stops listening (the port refuses connections) and cuts open connections. */
  async unlisten(): Promise<void> {
    const l = this.listener;
    this.listener = undefined;
    this.dropConnections();
    if (l) await new Promise<void>((resolve) => l.close(() => resolve()));
  }

  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    await this.unlisten();
  }

  private accept(socket: net.Socket): void {
    if (this.runtime.hasFault(this.hostName, 'unreachable')) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    // As sshd does for its sessions' small packets: no Nagle delay on answers.
    socket.setNoDelay(true);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const server = this.runtime.hasFault(this.hostName, 'host-key-changed') ? this.otherKeyServer() : this.ssh;
    server.injectSocket(socket);
  }

  private otherKeyServer(): ssh2.Server {
    this.otherKeySsh ??= this.makeSshServer(generateKeyPair(`root@${this.hostName}`).privateKey);
    return this.otherKeySsh;
  }

  private makeSshServer(privateKey: string): ssh2.Server {
    return new ssh2.Server({ hostKeys: [privateKey], ident: 'OpenSSH_9.2p1 Debian-2+deb12u3' }, (client: Connection) => {
      client.on('error', () => undefined);
      client.on('authentication', (ctx) => this.authenticate(ctx));
      client.on('ready', () => {
        client.on('session', (accept) => {
          const session = accept();
          session.on('env', (acceptEnv) => acceptEnv?.());
          session.on('pty', (_a, reject) => reject?.());
          session.on('shell', (_a, reject) => reject?.());
          session.on('subsystem', (_a, reject) => reject?.());
          session.on('exec', (acceptExec, _reject, info) => {
            const stream: ServerChannel = acceptExec();
            if (info.command === WORKER_SHELL_LINE) serveWorker(this, stream);
            else serveExec(this, stream, info.command);
          });
        });
      });
    });
  }

  private authenticate(ctx: AuthContext): void {
    if (this.runtime.hasFault(this.hostName, 'auth-failure') || ctx.method !== 'publickey') {
      ctx.reject(['publickey']);
      return;
    }
    const key = this.allowed;
    const same = ctx.key.algo === key.type && ctx.key.data.equals(key.getPublicSSH());
    if (!same || (ctx.signature && key.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) !== true)) {
      ctx.reject(['publickey']);
      return;
    }
    ctx.accept();
  }
}
