/**
 * Each target's exact payload, received on loopback: ntfy, Gotify, Telegram,
 * a webhook's template and the Healthchecks pings by a node http server;
 * sendmail by a stand-in program that records its argv and input; SMTP by a
 * real SMTP server library (Python's aiosmtpd) with STARTTLS and AUTH.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotifyMessage } from '../../../src/domain/notify/messages.js';
import type { HealthchecksTargetFile, NotifyTargetFile, SmtpTargetFile } from '../../../src/domain/inventory-file.js';
import { ping, readyTarget, sendMessage, type MessageTarget, type ReadyTarget, type SendDeps } from '../../../src/services/notify/targets/send.js';
import { LocalRunner } from '../../../src/transport/index.js';
import { startReceiver, type Receiver } from '../../helpers/outputs/receiver.js';
import { describeWithTools } from '../../helpers/tools.js';

const AT = Date.parse('2026-01-31T02:00:00Z') / 1000;
const message: NotifyMessage = {
  event: 'problem',
  key: 'host:pve1',
  root: 'host pve1',
  health: 'crit',
  title: 'CRIT: host pve1',
  text: 'not reachable: "Connection refused"\nFailing with it: 3 layers (snaps, dumps, zsnap); 12 workloads (vm/100 and 11 more).\nSince 2026-01-31T01:00:00Z.',
  atSec: AT,
};
const env: Record<string, string> = { NTFY_TOKEN: 'tk_ntfy123', GOTIFY_TOKEN: 'AbCdEf.gotify', BOT: '123456:ABC-bot-token', HC: 'c0ffee00-1111-2222-3333-444455556666', AUTH: 'Bearer s3cret-hook' };
const deps: SendDeps = { fetch, timeoutMs: 5000, now: () => new Date(AT * 1000), runner: new LocalRunner('local'), lookupEnv: (n) => env[n] };

async function ready<T extends NotifyTargetFile>(t: T): Promise<ReadyTarget<T>> {
  const r = await readyTarget(t, deps);
  if ('error' in r) throw new Error(r.error);
  return r;
}
const send = async (t: MessageTarget, m = message) => sendMessage(await ready(t), m, deps);

describe('HTTP targets, received on loopback', () => {
  let rx: Receiver;
  beforeEach(async () => {
    rx = await startReceiver();
  });
  afterEach(() => rx.close());

  it('ntfy: the text to url/topic, title, priority, tags and the token as Bearer', async () => {
    await send({ kind: 'ntfy', name: 'phone', url: `${rx.url}/`, topic: 'strata-homelab', token: { env: 'NTFY_TOKEN' } });
    const [r] = rx.received;
    expect(r).toMatchObject({ method: 'POST', url: '/strata-homelab', body: message.text });
    expect(r!.headers).toMatchObject({ title: 'CRIT: host pve1', priority: '5', tags: 'rotating_light,strata', authorization: 'Bearer tk_ntfy123', 'content-type': 'text/plain; charset=utf-8' });
  });

  it('ntfy: a title that is not ASCII travels RFC 2047 encoded; a recovery is priority 3', async () => {
    await send({ kind: 'ntfy', name: 'phone', url: rx.url, topic: 't' }, { ...message, event: 'recovery', health: 'ok', title: 'Recovered: host «pve1»' });
    expect(rx.received[0]!.headers).toMatchObject({ title: `=?UTF-8?B?${Buffer.from('Recovered: host «pve1»').toString('base64')}?=`, priority: '3', tags: 'white_check_mark,strata' });
    expect(rx.received[0]!.headers.authorization).toBeUndefined();
  });

  it('Gotify: title, message and priority as JSON to /message with X-Gotify-Key', async () => {
    await send({ kind: 'gotify', name: 'g', url: rx.url, token: { env: 'GOTIFY_TOKEN' } });
    const [r] = rx.received;
    expect(r).toMatchObject({ method: 'POST', url: '/message', body: JSON.stringify({ title: message.title, message: message.text, priority: 8 }) });
    expect(r!.headers).toMatchObject({ 'x-gotify-key': 'AbCdEf.gotify', 'content-type': 'application/json' });
  });

  it('Telegram: sendMessage under the bot token with the chat id and the text; an error never shows the token', async () => {
    const t: MessageTarget = { kind: 'telegram', name: 'tg', botToken: { env: 'BOT' }, chatId: '-1001234567890', apiUrl: rx.url };
    await send(t);
    const [r] = rx.received;
    expect(r).toMatchObject({ method: 'POST', url: '/bot123456:ABC-bot-token/sendMessage' });
    expect(JSON.parse(r!.body)).toEqual({ chat_id: '-1001234567890', text: `${message.title}\n\n${message.text}`, disable_web_page_preview: true });
    rx.failAll(401);
    const error = await send(t).then(() => '', (e: Error) => e.message);
    expect(error).toMatch(/^127\.0\.0\.1:\d+ answered HTTP 401 Unauthorized/);
    expect(error).not.toContain('ABC-bot-token');
  });

  it('webhook: the template with every placeholder filled and JSON-escaped, headers and secret headers', async () => {
    await send({
      kind: 'webhook',
      name: 'chat',
      url: `${rx.url}/hooks/strata?x=1`,
      headers: { 'X-Source': 'strata' },
      secretHeaders: { Authorization: { env: 'AUTH' } },
      template: { content: '{{title}}\n{{text}}', meta: { health: '{{health}}', event: '{{event}}', root: '{{root}}', key: '{{key}}', at: '{{at}}', other: '{{nope}}' }, n: 1, list: ['{{health}}', true, null] },
    });
    const [r] = rx.received;
    expect(r).toMatchObject({ method: 'POST', url: '/hooks/strata?x=1' });
    expect(r!.headers).toMatchObject({ 'content-type': 'application/json', 'x-source': 'strata', authorization: 'Bearer s3cret-hook' });
    expect(r!.body).toBe(
      JSON.stringify({
        content: `${message.title}\n${message.text}`,
        meta: { health: 'crit', event: 'problem', root: 'host pve1', key: 'host:pve1', at: '2026-01-31T02:00:00Z', other: '{{nope}}' },
        n: 1,
        list: ['crit', true, null],
      }),
    );
  });

  it('webhook: without a template, an object of the fields', async () => {
    await send({ kind: 'webhook', name: 'w', url: rx.url });
    expect(JSON.parse(rx.received[0]!.body)).toEqual({ title: message.title, text: message.text, health: 'crit', event: 'problem', root: 'host pve1', key: 'host:pve1', at: '2026-01-31T02:00:00Z' });
  });

  it('Healthchecks: start, success and fail pings under the check with the status as body', async () => {
    const t = await ready<HealthchecksTargetFile>({ kind: 'healthchecks', name: 'hc', url: `${rx.url}/ping/`, check: { env: 'HC' } });
    await ping(t, 'start', 'strata notify started', deps);
    await ping(t, 'success', 'OK (read 2026-01-31T02:00:00Z)\nno problems', deps);
    await ping(t, 'fail', 'CRIT (read 2026-01-31T02:00:00Z)\nCRIT host pve1', deps);
    expect(rx.received.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', `/ping/${env.HC}/start`, 'strata notify started'],
      ['POST', `/ping/${env.HC}`, 'OK (read 2026-01-31T02:00:00Z)\nno problems'],
      ['POST', `/ping/${env.HC}/fail`, 'CRIT (read 2026-01-31T02:00:00Z)\nCRIT host pve1'],
    ]);
  });

  it('a receiver that is not there: the error names the address, not a secret', async () => {
    const port = await freePort();
    const error = await send({ kind: 'telegram', name: 'tg', botToken: { env: 'BOT' }, chatId: '1', apiUrl: `http://127.0.0.1:${port}` }).then(() => '', (e: Error) => e.message);
    expect(error).toContain(`127.0.0.1:${port}`);
    expect(error).toContain('ECONNREFUSED');
    expect(error).not.toContain('ABC-bot-token');
  });
});

describe('sendmail, through a stand-in program', () => {
  it('runs sendmail -oi -f FROM -- TO... with the e-mail on its input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-sendmail-'));
    const program = join(dir, 'sendmail');
    writeFileSync(program, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/argv"\ncat > "${dir}/stdin"\n`);
    chmodSync(program, 0o755);
    await send({ kind: 'sendmail', name: 'mail', to: ['ops@example.com', 'oncall@example.com'], from: 'strata@backup.example.com', command: program });
    expect(readFileSync(join(dir, 'argv'), 'utf8').trim().split('\n')).toEqual(['-oi', '-f', 'strata@backup.example.com', '--', 'ops@example.com', 'oncall@example.com']);
    const mail = readFileSync(join(dir, 'stdin'), 'utf8');
    expect(mail.replace(/^Message-ID: <[0-9a-f-]+@strata>$/m, 'Message-ID: <ID>')).toBe(
      [
        'From: Strata <strata@backup.example.com>',
        'To: ops@example.com, oncall@example.com',
        'Subject: [strata] CRIT: host pve1',
        'Date: Sat, 31 Jan 2026 02:00:00 +0000',
        'Message-ID: <ID>',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 7bit',
        'X-Strata-Event: problem',
        'X-Strata-Health: crit',
        '',
        ...message.text.split('\n'),
        '',
      ].join('\r\n'),
    );
  });

  it('a sendmail that fails is an error with its exit code and last words', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-sendmail-'));
    const program = join(dir, 'sendmail');
    writeFileSync(program, '#!/bin/sh\ncat >/dev/null\necho "sendmail: fatal: no route to mail.example.com" >&2\nexit 75\n');
    chmodSync(program, 0o755);
    await expect(send({ kind: 'sendmail', name: 'mail', to: ['ops@example.com'], command: program })).rejects.toThrow(`${program} exited with 75: sendmail: fatal: no route to mail.example.com`);
  });
});

describeWithTools(['aiosmtpd'], 'SMTP against a real SMTP server library (aiosmtpd) on loopback', () => {
  let dir: string;
  let cert: string;
  const servers: ChildProcess[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-smtp-'));
    cert = join(dir, 'cert.pem');
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  });
  afterAll(() => {
    for (const s of servers) s.kill();
  });

  async function server(...flags: string[]): Promise<{ port: number; out: string }> {
    const port = await freePort();
    const out = join(dir, `received-${port}.jsonl`);
    const child = spawn('/usr/bin/python3', [resolve('test/helpers/outputs/smtp-server.py'), String(port), cert, join(dir, 'key.pem'), 'strata@example.com', 'pa:ss w0rd', out, ...flags], { stdio: ['ignore', 'pipe', 'ignore'] });
    servers.push(child);
    await new Promise<void>((ok, fail) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('READY') && ok());
      child.on('exit', (code) => fail(new Error(`the SMTP server exited with ${code}`)));
    });
    return { port, out };
  }
  const received = (out: string) => (existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { from: string; to: string[]; tls: boolean; login: string | null; data: string }) : []);
  const smtp = (port: number, over: Partial<SmtpTargetFile> = {}): SmtpTargetFile => ({
    kind: 'smtp',
    name: 'mail',
    host: '127.0.0.1',
    port,
    user: 'strata@example.com',
    password: { env: 'SMTP_PASS' },
    from: 'strata@example.com',
    to: ['ops@example.com', 'oncall@example.com'],
    caFile: cert,
    ...over,
  });
  env.SMTP_PASS = 'pa:ss w0rd';

  it('STARTTLS, AUTH PLAIN, the envelope and the message as sent, a leading dot kept', async () => {
    const { port, out } = await server();
    await send(smtp(port), { ...message, text: `${message.text}\n.\n..two dots` });
    const [m] = received(out);
    expect(m).toMatchObject({ from: 'strata@example.com', to: ['ops@example.com', 'oncall@example.com'], tls: true, login: 'strata@example.com' });
    expect(m!.data).toContain('Subject: [strata] CRIT: host pve1\r\n');
    expect(m!.data.split('\r\n\r\n')[1]).toBe(`${message.text}\n.\n..two dots`.split('\n').join('\r\n') + '\r\n');
  }, 30_000);

  it('TLS from the first byte (port 465 style)', async () => {
    const { port, out } = await server('--implicit-tls');
    await send(smtp(port, { tls: 'tls' }));
    expect(received(out)).toMatchObject([{ tls: true, login: 'strata@example.com', to: ['ops@example.com', 'oncall@example.com'] }]);
  }, 30_000);

  it('AUTH LOGIN when the server offers only that', async () => {
    const { port, out } = await server('--login-only');
    await send(smtp(port));
    expect(received(out)).toMatchObject([{ tls: true, login: 'strata@example.com' }]);
  }, 30_000);

  it('a wrong password is refused with the server reply, never the password', async () => {
    const { port, out } = await server();
    env.WRONG = 'not-the-password';
    const error = await send(smtp(port, { password: { env: 'WRONG' } })).then(() => '', (e: Error) => e.message);
    expect(error).toMatch(/^AUTH PLAIN \(credentials not shown\): the server answered 535/);
    expect(error).not.toContain('not-the-password');
    expect(error).not.toContain(Buffer.from('\0strata@example.com\0not-the-password').toString('base64'));
    expect(received(out)).toEqual([]);
  }, 30_000);

  it('a certificate that is not trusted stops before AUTH', async () => {
    const { port, out } = await server();
    const error = await send(smtp(port, { caFile: undefined as never })).then(() => '', (e: Error) => e.message);
    expect(error).toMatch(/self[- ]signed/);
    expect(received(out)).toEqual([]);
  }, 30_000);

  it('refuses to go on without STARTTLS, and never sends a password without TLS', async () => {
    const { port, out } = await server('--no-starttls');
    await expect(send(smtp(port))).rejects.toThrow('the server does not offer STARTTLS');
    await expect(send(smtp(port, { tls: 'none' }))).rejects.toThrow('a password is never sent without TLS');
    await send(smtp(port, { tls: 'none', user: undefined as never, password: undefined as never }));
    expect(received(out)).toMatchObject([{ tls: false, login: null }]);
  }, 30_000);
});

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => ok(port));
    });
  });
}
