/**
 * Sending one message to one target, its secrets read first (once per run,
 * on this machine). Every error is said without the secrets: whatever a
 * server or a library puts in an error is scrubbed of their values.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { HealthchecksTargetFile, NotifyTargetFile, SecretRef } from '../../../domain/inventory-file.js';
import type { NotifyMessage } from '../../../domain/notify/messages.js';
import { errorText } from '../../../domain/error-text.js';
import type { Runner } from '../../../transport/index.js';
import { readLocalSecret, type SecretDeps } from '../local-secret.js';
import { emailMessage, sendmailArgv } from './email-message.js';
import { gotifyRequest, healthchecksRequest, ntfyRequest, telegramRequest, webhookRequest, type HttpRequest, type PingKind } from './http-requests.js';
import { sendSmtp } from './smtp-client.js';

export interface SendDeps extends SecretDeps {
  readonly fetch: typeof fetch;
  /** One attempt's limit. */
  readonly timeoutMs: number;
  readonly now: () => Date;
  /** Runs sendmail (and `{command}` secrets): a LocalRunner. */
  readonly runner: Runner;
}

export type MessageTarget = Exclude<NotifyTargetFile, HealthchecksTargetFile>;

/** A target with its secrets read: by field name (`token`, `password`, `secretHeaders.Authorization`). */
export interface ReadyTarget<T extends NotifyTargetFile = NotifyTargetFile> {
  readonly target: T;
  readonly secrets: Readonly<Record<string, string>>;
}

export class SendError extends Error {}

/** The secret references of a target, by the name its sender asks for. */
function secretRefs(t: NotifyTargetFile): Record<string, SecretRef> {
  switch (t.kind) {
    case 'ntfy':
      return t.token ? { token: t.token } : {};
    case 'gotify':
      return { token: t.token };
    case 'telegram':
      return { botToken: t.botToken };
    case 'webhook':
      return Object.fromEntries(Object.entries(t.secretHeaders ?? {}).map(([h, ref]) => [`secretHeaders.${h}`, ref]));
    case 'smtp':
      return t.password ? { password: t.password } : {};
    case 'healthchecks':
      return { check: t.check };
    case 'sendmail':
      return {};
  }
}

export async function readyTarget<T extends NotifyTargetFile>(t: T, deps: SecretDeps): Promise<ReadyTarget<T> | { error: string }> {
  const secrets: Record<string, string> = {};
  for (const [field, ref] of Object.entries(secretRefs(t))) {
    const r = await readLocalSecret(ref, deps);
    if ('error' in r) return { error: `${field}: ${r.error}` };
    secrets[field] = r.value;
  }
  return { target: t, secrets };
}

/** Any secret value in `text` replaced by a mark (a URL path with the bot token, an echoed header). */
export function scrub(text: string, secrets: Readonly<Record<string, string>>): string {
  let out = text;
  for (const v of Object.values(secrets)) if (v.length >= 4) out = out.split(v).join('[secret]');
  for (const v of Object.values(secrets)) {
    const encoded = encodeURIComponent(v);
    if (encoded !== v && encoded.length >= 4) out = out.split(encoded).join('[secret]');
  }
  return out;
}

export async function sendMessage(ready: ReadyTarget<MessageTarget>, m: NotifyMessage, deps: SendDeps): Promise<void> {
  try {
    await deliver(ready, m, deps);
  } catch (e) {
    throw new SendError(scrub(errorText(e), ready.secrets));
  }
}

async function deliver({ target: t, secrets }: ReadyTarget<MessageTarget>, m: NotifyMessage, deps: SendDeps): Promise<void> {
  switch (t.kind) {
    case 'ntfy':
      return post(ntfyRequest(t, m, secrets.token), deps);
    case 'gotify':
      return post(gotifyRequest(t, m, secrets.token!), deps);
    case 'telegram':
      return post(telegramRequest(t, m, secrets.botToken!), deps);
    case 'webhook': {
      const headers = Object.fromEntries(Object.keys(t.secretHeaders ?? {}).map((h) => [h, secrets[`secretHeaders.${h}`]!]));
      return post(webhookRequest(t, m, headers), deps);
    }
    case 'sendmail': {
      const mail = emailMessage(m, { from: t.from, to: t.to }, { date: deps.now(), messageId: `${randomUUID()}@strata` });
      const r = await deps.runner.run({ argv: sendmailArgv(t.command ?? '/usr/sbin/sendmail', { from: t.from, to: t.to }), stdin: mail, timeoutMs: deps.timeoutMs });
      if (r.exitCode !== 0) throw new SendError(`${t.command ?? '/usr/sbin/sendmail'} exited with ${r.exitCode}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-2).join(' ')}` : ''}`);
      return;
    }
    case 'smtp': {
      const tls = t.tls ?? 'starttls';
      const ca = t.caFile !== undefined ? await readFile(t.caFile, 'utf8') : undefined;
      const mail = emailMessage(m, { from: t.from, to: t.to }, { date: deps.now(), messageId: `${randomUUID()}@strata` });
      return sendSmtp(
        {
          host: t.host,
          port: t.port ?? (tls === 'tls' ? 465 : tls === 'starttls' ? 587 : 25),
          tls,
          ...(t.user !== undefined ? { user: t.user } : {}),
          ...(secrets.password !== undefined ? { password: secrets.password } : {}),
          from: t.from,
          to: t.to,
          ...(ca !== undefined ? { ca } : {}),
          timeoutMs: deps.timeoutMs,
        },
        mail,
      );
    }
  }
}

export async function ping(ready: ReadyTarget<HealthchecksTargetFile>, kind: PingKind, body: string, deps: SendDeps): Promise<void> {
  try {
    await post(healthchecksRequest(ready.target, ready.secrets.check!, kind, body), deps);
  } catch (e) {
    throw new SendError(scrub(errorText(e), ready.secrets));
  }
}

async function post(req: HttpRequest, deps: SendDeps): Promise<void> {
  let res: Response;
  try {
    res = await deps.fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(deps.timeoutMs), redirect: 'error' });
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    throw new SendError(`${new URL(req.url).host}: ${cause ? errorText(cause) : errorText(e)}`);
  }
  if (!res.ok) {
    const text = (await res.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 200);
    throw new SendError(`${new URL(req.url).host} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${text ? `: ${text}` : ''}`);
  }
  await res.body?.cancel().catch(() => undefined);
}
