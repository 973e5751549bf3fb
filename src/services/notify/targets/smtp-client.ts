/**
 * A small SMTP client for one message: EHLO, STARTTLS (or TLS from the
 * start), AUTH PLAIN or LOGIN as the server offers, MAIL/RCPT/DATA, QUIT.
 * The server's certificate and name are always checked. A password is never
 * sent without TLS. Errors carry the server's reply, never the password.
 */
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { connect as tlsConnect, rootCertificates, type TLSSocket } from 'node:tls';

export interface SmtpOptions {
  readonly host: string;
  readonly port: number;
  readonly tls: 'starttls' | 'tls' | 'none';
  readonly user?: string;
  readonly password?: string;
  readonly from: string;
  readonly to: readonly string[];
  /** PEM certificates to trust beside the system's. */
  readonly ca?: string;
  readonly timeoutMs: number;
}

interface Reply {
  readonly code: number;
  readonly lines: string[];
}

class SmtpError extends Error {}

/** Reads replies line by line from whichever socket is current (plain, then TLS). */
class Conversation {
  private buffer = '';
  private replyLines: string[] = [];
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;
  private replies: Reply[] = [];
  private failure: Error | undefined;

  constructor(
    public socket: Socket | TLSSocket,
    private readonly timeoutMs: number,
  ) {
    this.attach(socket);
  }

  attach(socket: Socket | TLSSocket): void {
    this.socket = socket;
    socket.setTimeout(this.timeoutMs);
    socket.on('data', (d: Buffer) => this.onData(d.toString('utf8')));
    socket.on('timeout', () => this.fail(new SmtpError(`no answer within ${this.timeoutMs} ms`)));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new SmtpError('the server closed the connection')));
  }

  /** The plain socket stops being read once TLS takes it over. */
  detach(): void {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('timeout');
    this.socket.removeAllListeners('close');
    this.socket.removeAllListeners('error');
    this.socket.on('error', () => undefined);
  }

  private onData(text: string): void {
    this.buffer += text;
    let i: number;
    while ((i = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, i).replace(/\r$/, '');
      this.buffer = this.buffer.slice(i + 1);
      this.replyLines.push(line);
      if (!/^\d{3}-/.test(line)) {
        const reply = { code: Number(line.slice(0, 3)) || 0, lines: this.replyLines.map((l) => l.slice(4)) };
        this.replyLines = [];
        this.deliver(reply);
      }
    }
  }

  private deliver(reply: Reply): void {
    const w = this.waiting;
    if (w) {
      this.waiting = undefined;
      w.resolve(reply);
    } else this.replies.push(reply);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(this.failure);
  }

  read(): Promise<Reply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** Sends a line and expects a reply of class `expect` (2 or 3); `shown` stands for the line in an error. */
  async command(line: string, expect: 2 | 3, shown = line): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.expect(expect, shown);
  }

  async expect(expect: 2 | 3, what: string): Promise<Reply> {
    const r = await this.read();
    if (Math.floor(r.code / 100) !== expect) throw new SmtpError(`${what}: the server answered ${r.code} ${r.lines.join(' ')}`.trim());
    return r;
  }
}

function opened(socket: Socket | TLSSocket, event: 'connect' | 'secureConnect', timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SmtpError(`could not connect within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(event, () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

const ehloName = () => hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'localhost';

/** Dot-stuffing (RFC 5321 4.5.2) and CRLF line ends; ends with the lone dot. */
export function dataSection(message: string): string {
  const body = message.replace(/\r?\n/g, '\r\n').replace(/\r\n$/, '');
  return `${body.replace(/^\./gm, '..')}\r\n.`;
}

export async function sendSmtp(o: SmtpOptions, message: string): Promise<void> {
  if (o.password !== undefined && o.tls === 'none') throw new SmtpError('a password is never sent without TLS: set tls to starttls or tls');
  // RFC 6066 names no IP address as a server name; the address is still checked against the certificate.
  const tlsOptions = { host: o.host, ...(isIP(o.host) ? {} : { servername: o.host }), ...(o.ca !== undefined ? { ca: [...rootCertificates, o.ca] } : {}) };
  let socket: Socket | TLSSocket =
    o.tls === 'tls' ? tlsConnect({ port: o.port, ...tlsOptions }) : netConnect({ host: o.host, port: o.port });
  await opened(socket, o.tls === 'tls' ? 'secureConnect' : 'connect', o.timeoutMs);
  const c = new Conversation(socket, o.timeoutMs);
  try {
    await c.expect(2, 'greeting');
    let ehlo = await c.command(`EHLO ${ehloName()}`, 2, 'EHLO');
    if (o.tls === 'starttls') {
      if (!ehlo.lines.some((l) => /^STARTTLS\b/i.test(l))) throw new SmtpError('the server does not offer STARTTLS');
      await c.command('STARTTLS', 2);
      c.detach();
      const secured = tlsConnect({ socket, ...tlsOptions });
      await opened(secured, 'secureConnect', o.timeoutMs);
      socket = secured;
      c.attach(secured);
      ehlo = await c.command(`EHLO ${ehloName()}`, 2, 'EHLO after STARTTLS');
    }
    if (o.user !== undefined && o.password !== undefined) await authenticate(c, ehlo, o.user, o.password);
    await c.command(`MAIL FROM:<${o.from}>`, 2);
    for (const to of o.to) await c.command(`RCPT TO:<${to}>`, 2);
    await c.command('DATA', 3);
    await c.command(dataSection(message), 2, 'the message');
    await c.command('QUIT', 2).catch(() => undefined);
  } finally {
    socket.destroy();
  }
}

async function authenticate(c: Conversation, ehlo: Reply, user: string, password: string): Promise<void> {
  const auth = ehlo.lines.find((l) => /^AUTH[ =]/i.test(l));
  const mechanisms = auth ? auth.slice(5).toUpperCase().split(/\s+/) : [];
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  if (mechanisms.includes('PLAIN')) {
    await c.command(`AUTH PLAIN ${b64(`\0${user}\0${password}`)}`, 2, 'AUTH PLAIN (credentials not shown)');
  } else if (mechanisms.includes('LOGIN')) {
    await c.command('AUTH LOGIN', 3);
    await c.command(b64(user), 3, 'AUTH LOGIN user');
    await c.command(b64(password), 2, 'AUTH LOGIN password (not shown)');
  } else {
    throw new SmtpError(`the server offers no AUTH PLAIN or LOGIN${mechanisms.length > 0 ? ` (it offers ${mechanisms.join(' ')})` : ''}`);
  }
}
