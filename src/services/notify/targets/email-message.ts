/**
 * A notification as an e-mail (RFC 5322), the same for sendmail and SMTP:
 * CRLF line ends, a subject RFC 2047 encoded when it is not ASCII, the body
 * as 7bit when ASCII and base64 otherwise (no server needs 8BITMIME). Pure
 * but for the date and the id, which the caller passes.
 */
import type { NotifyMessage } from '../../../domain/notify/messages.js';
import { headerText } from './http-requests.js';

export interface EmailEnvelope {
  readonly from: string | undefined;
  readonly to: readonly string[];
}

export function emailMessage(m: NotifyMessage, env: EmailEnvelope, opts: { readonly date: Date; readonly messageId: string }): string {
  const ascii = /^[\t\n\r\x20-\x7e]*$/.test(m.text);
  const body = ascii ? wrapLines(m.text) : (Buffer.from(m.text.replace(/\r?\n/g, '\r\n'), 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
  const headers = [
    ...(env.from !== undefined ? [`From: Strata <${env.from}>`] : []),
    `To: ${env.to.join(', ')}`,
    `Subject: ${headerText(`[strata] ${m.title}`)}`,
    `Date: ${opts.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${opts.messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${ascii ? '7bit' : 'base64'}`,
    `X-Strata-Event: ${m.event}`,
    `X-Strata-Health: ${m.health}`,
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}\r\n`;
}

/** 7bit lines stay under SMTP's 998 characters. */
function wrapLines(text: string): string {
  return text
    .split(/\r?\n/)
    .flatMap((line) => (line.length <= 900 ? [line] : (line.match(/.{1,900}/g) ?? [])))
    .join('\r\n');
}

/** `sendmail -oi -f FROM -- TO...`: -oi so a line of one dot does not end the message early. */
export function sendmailArgv(command: string, env: EmailEnvelope): string[] {
  return [command, '-oi', ...(env.from !== undefined ? ['-f', env.from] : []), '--', ...env.to];
}
