/**
 * The exact HTTP request each target gets for a message, with its secrets
 * already read: what the tests compare byte for byte. Pure.
 */
import type { GotifyTargetFile, HealthchecksTargetFile, JsonValue, NtfyTargetFile, TelegramTargetFile, WebhookTargetFile } from '../../../domain/inventory-file.js';
import { isoTime } from '../../../domain/format.js';
import type { NotifyMessage } from '../../../domain/notify/messages.js';
import type { Health } from '../../../domain/types.js';

export interface HttpRequest {
  readonly method: 'POST';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** A header value that may hold any text: RFC 2047 encoded when it is not plain ASCII (ntfy decodes it). */
export function headerText(text: string): string {
  const line = text.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(line) ? line : `=?UTF-8?B?${Buffer.from(line, 'utf8').toString('base64')}?=`;
}

const NTFY_PRIORITY: Record<Health, string> = { crit: '5', unknown: '4', warn: '4', ok: '3' };
const NTFY_TAG: Record<Health, string> = { crit: 'rotating_light', unknown: 'question', warn: 'warning', ok: 'white_check_mark' };

export function ntfyRequest(t: NtfyTargetFile, m: NotifyMessage, token: string | undefined): HttpRequest {
  return {
    method: 'POST',
    url: `${trimSlash(t.url)}/${encodeURIComponent(t.topic)}`,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      Title: headerText(m.title),
      Priority: NTFY_PRIORITY[m.health],
      Tags: `${NTFY_TAG[m.health]},strata`,
      ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: m.text,
  };
}

const GOTIFY_PRIORITY: Record<Health, number> = { crit: 8, unknown: 5, warn: 5, ok: 2 };

export function gotifyRequest(t: GotifyTargetFile, m: NotifyMessage, token: string): HttpRequest {
  return {
    method: 'POST',
    url: `${trimSlash(t.url)}/message`,
    headers: { 'Content-Type': 'application/json', 'X-Gotify-Key': token },
    body: JSON.stringify({ title: m.title, message: m.text, priority: GOTIFY_PRIORITY[m.health] }),
  };
}

export const TELEGRAM_API = 'https://api.telegram.org';
/** sendMessage takes at most 4096 characters. */
const TELEGRAM_MAX = 4096;

export function telegramRequest(t: TelegramTargetFile, m: NotifyMessage, botToken: string): HttpRequest {
  const full = `${m.title}\n\n${m.text}`;
  const text = full.length > TELEGRAM_MAX ? `${full.slice(0, TELEGRAM_MAX - 1)}…` : full;
  return {
    method: 'POST',
    url: `${trimSlash(t.apiUrl ?? TELEGRAM_API)}/bot${botToken}/sendMessage`,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ chat_id: t.chatId, text, disable_web_page_preview: true }),
  };
}

/** The placeholders of a webhook's template, and the default body. */
export function webhookFields(m: NotifyMessage): Record<string, string> {
  return { title: m.title, text: m.text, health: m.health, event: m.event, root: m.root, key: m.key, at: isoTime(m.atSec) };
}

/** Replaces `{{name}}` in every string of the template (keys stay); JSON.stringify escapes what was put in. */
export function fillTemplate(template: JsonValue, fields: Readonly<Record<string, string>>): JsonValue {
  if (typeof template === 'string') return template.replace(/\{\{(\w+)\}\}/g, (all, name: string) => (Object.hasOwn(fields, name) ? fields[name]! : all));
  if (Array.isArray(template)) return template.map((v: JsonValue) => fillTemplate(v, fields));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, fields)]));
  }
  return template;
}

export function webhookRequest(t: WebhookTargetFile, m: NotifyMessage, secretHeaders: Readonly<Record<string, string>>): HttpRequest {
  const fields = webhookFields(m);
  return {
    method: 'POST',
    url: t.url,
    headers: { 'Content-Type': 'application/json', ...t.headers, ...secretHeaders },
    body: JSON.stringify(t.template === undefined ? fields : fillTemplate(t.template, fields)),
  };
}

export const HEALTHCHECKS_URL = 'https://hc-ping.com';
/** Healthchecks keeps the first 100 kB of a ping's body; a status fits well below. */
const PING_BODY_MAX = 10_000;

export type PingKind = 'start' | 'success' | 'fail';

export function healthchecksRequest(t: HealthchecksTargetFile, check: string, kind: PingKind, body: string): HttpRequest {
  const base = `${trimSlash(t.url ?? HEALTHCHECKS_URL)}/${check}`;
  const bytes = Buffer.from(body, 'utf8');
  return {
    method: 'POST',
    url: kind === 'success' ? base : `${base}/${kind}`,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    body: bytes.length > PING_BODY_MAX ? `${bytes.subarray(0, PING_BODY_MAX).toString('utf8')}…` : body,
  };
}
