import { readFileSync } from 'node:fs';
import { createTransport, type Transporter } from 'nodemailer';
import { z } from 'zod';
import { EmailAddress } from '../../domain';

/**
 * The mail relay the central store answers email inquiries through (issue 12): an SMTP server the
 * operator names in config.json (`mailRelay`). Its credentials stay in the central store's data
 * directory (`passwordFile`, read at start); no desk ever holds them or talks SMTP.
 */
export const MailRelayConfig = z.strictObject({
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65_535),
  /** TLS from the first byte (port 465); otherwise STARTTLS, required unless `requireTLS` is false (a relay on loopback) */
  secure: z.boolean().default(false),
  requireTLS: z.boolean().default(true),
  /** the relay's CA certificate (PEM), when it is not one the system trusts */
  caFile: z.string().optional(),
  user: z.string().max(255).optional(),
  passwordFile: z.string().optional(),
  /** the service address replies come from */
  from: EmailAddress,
  /** the name shown with it */
  fromName: z.string().min(1).max(100).default('Customer Care'),
});
export type MailRelayConfig = z.infer<typeof MailRelayConfig>;

/** One reply as the relay sends it: the headers named here and nothing else (no Bcc, no internal id). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  inReplyTo: string;
  references: string;
}

export interface MailRelay {
  /** the service address */
  readonly from: string;
  /** sends one message; resolves with its Message-ID once the relay accepted it */
  send(mail: OutgoingMail): Promise<string>;
  close(): void;
}

/** A relay over SMTP with nodemailer; files named in the config are resolved with `resolve`. */
export function smtpRelay(config: MailRelayConfig, resolve: (path: string) => string): MailRelay {
  const transport: Transporter = createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: !config.secure && config.requireTLS,
    ignoreTLS: !config.secure && !config.requireTLS,
    ...(config.caFile ? { tls: { ca: readFileSync(resolve(config.caFile), 'utf8') } } : {}),
    ...(config.user ? { auth: { user: config.user, pass: config.passwordFile ? readFileSync(resolve(config.passwordFile), 'utf8').trim() : '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  const domain = config.from.split('@')[1]!;
  return {
    from: config.from,
    async send(mail) {
      const info = await transport.sendMail({
        from: { name: config.fromName, address: config.from },
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        // a Message-ID of the service's own domain, saying nothing of CareDesk's ids
        messageId: `<${crypto.randomUUID()}@${domain}>`,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      return String(info.messageId);
    },
    close() {
      transport.close();
    },
  };
}
