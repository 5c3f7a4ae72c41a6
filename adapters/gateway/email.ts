import nodemailer, { type Transporter } from 'nodemailer';
import { isCheckpoint } from '../../src/audit/checkpoint';
import type { Prompts } from '../../src/conversation/prompts';
import type { RecordEnvelope } from '../../src/domain/record-envelope';
import { isLoopback } from '../../src/outbox/settings';
import { type DeliveryResult, destinations, type Transport } from '../../src/outbox/transport';
import { isRoleChangeNotice } from '../../src/people/admin-types';
import { renderCheckpoint, renderRecord, renderRoleChange } from './render';

export interface MailerOptions {
  /** GATEWAY_SMTP_URL: smtps://… or smtp://… (STARTTLS is then required unless the host is loopback). */
  url: string;
  /** SMTP connections kept open (nodemailer's pool). */
  maxConnections?: number;
}

/**
 * One pooled SMTP client for every email destination. The options are built here from the URL:
 * nodemailer ignores every other option when it is given `url` (so `requireTLS` and `pool` would be
 * silently dropped). Timeouts are short so that a hung server fails the attempt (and the worker
 * retries) well within the worker's lease.
 */
export function createMailer({ url, maxConnections = 5 }: MailerOptions): Transporter {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const secure = parsed.protocol === 'smtps:';
  return nodemailer.createTransport({
    host,
    ...(parsed.port && { port: Number(parsed.port) }),
    secure,
    ...(parsed.username && {
      auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) },
    }),
    ...(parsed.searchParams.get('name') && { name: parsed.searchParams.get('name') }),
    pool: true,
    maxConnections,
    // smtp:// must upgrade with STARTTLS or the send fails; smtps:// is TLS from the start.
    requireTLS: !secure && !isLoopback(host),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as nodemailer.TransportOptions);
}

export interface EmailTransportOptions {
  mailer: Transporter;
  from: string;
  to: string[];
  prompts: Prompts;
  /** The outbox destination this transport serves (the gateway mailbox, the MET coordinator). */
  destination: string;
}

/** Message-ID from the record's UUID: a resend is recognisably the same message. */
export function messageIdOf(recordId: string, destination: string): string {
  return destination === destinations.gatewayEmail
    ? `<${recordId}@metbot>`
    : `<${recordId}.${destination}@metbot>`;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** Sends a record as the readable form, with the record itself attached as JSON. */
export function createEmailTransport({
  mailer,
  from,
  to,
  prompts,
  destination,
}: EmailTransportOptions): Transport {
  return {
    async send(message) {
      if (isRoleChangeNotice(message.payload)) {
        const notice = message.payload;
        return sendMail(() =>
          mailer.sendMail({
            from,
            to,
            ...renderRoleChange(notice),
            messageId: messageIdOf(notice.id, destination),
            date: new Date(notice.changedAt),
            headers: { 'X-Metbot-Idempotency-Key': message.idempotencyKey },
            disableFileAccess: true,
            disableUrlAccess: true,
          }),
        );
      }
      if (isCheckpoint(message.payload)) {
        const checkpoint = message.payload;
        return sendMail(() =>
          mailer.sendMail({
            from,
            to,
            ...renderCheckpoint(checkpoint),
            messageId: messageIdOf(`audit-checkpoint-${checkpoint.seq}-${checkpoint.madeAt}`, destination),
            date: new Date(checkpoint.madeAt),
            headers: { 'X-Metbot-Idempotency-Key': message.idempotencyKey },
            attachments: [
              {
                filename: `audit-checkpoint-${checkpoint.seq}.json`,
                content: `${JSON.stringify(checkpoint, null, 2)}\n`,
                contentType: 'application/json',
              },
            ],
            disableFileAccess: true,
            disableUrlAccess: true,
          }),
        );
      }
      const envelope = message.payload as RecordEnvelope;
      const { subject, text, html } = renderRecord(envelope, prompts);
      return sendMail(() =>
        mailer.sendMail({
          from,
          to,
          subject,
          text,
          html,
          messageId: messageIdOf(envelope.id, destination),
          date: new Date(envelope.submittedAt),
          priority: envelope.answers.immediateDanger === true ? 'high' : 'normal',
          headers: {
            'X-Metbot-Reference': envelope.reference,
            'X-Metbot-Record-Id': envelope.id,
            'X-Metbot-Idempotency-Key': message.idempotencyKey,
          },
          attachments: [
            {
              filename: `${envelope.reference}.json`,
              content: `${JSON.stringify(envelope, null, 2)}\n`,
              contentType: 'application/json',
            },
          ],
          disableFileAccess: true,
          disableUrlAccess: true,
        }),
      );
    },
  };
}

/** Sends once; a 5xx reply (other than a refused password) is final, anything else is retried. */
async function sendMail(send: () => Promise<unknown>): Promise<DeliveryResult> {
  try {
    await send();
    return { ok: true };
  } catch (caught) {
    const error = caught as SmtpError;
    const detail = error.response ?? error.message ?? String(caught);
    // A 5xx reply is the server's final word (no such mailbox, refused content); a wrong
    // password is fixable by an admin, so it is retried like a server that is down.
    const permanent =
      error.responseCode !== undefined &&
      error.responseCode >= 500 &&
      error.responseCode < 600 &&
      error.code !== 'EAUTH';
    return { ok: false, retry: !permanent, error: `SMTP ${error.code ?? 'error'}: ${detail}` };
  }
}
