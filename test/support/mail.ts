import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { inProcessChangeFeed } from '../../central/sync/changeFeed';
import type { Harness } from '../central/harness';

/** An RFC 5322 message as a mail client writes it: header lines, a blank line, the body, CRLF throughout. */
export function eml(headers: Record<string, string>, body: string): Buffer {
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return Buffer.from(`${[...head, '', body].join('\r\n').replace(/\r?\n/g, '\r\n')}\r\n`);
}

/** A multipart/mixed message: a text part and one attachment of `size` bytes. */
export function withAttachment(headers: Record<string, string>, text: string, attachment: { filename: string; contentType: string; content: Buffer }): Buffer {
  const boundary = 'caredesk-test-boundary';
  const base64 = attachment.content.toString('base64').replace(/.{76}/g, '$&\n');
  const body = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    `--${boundary}`,
    `Content-Type: ${attachment.contentType}; name="${attachment.filename}"`,
    `Content-Disposition: attachment; filename="${attachment.filename}"`,
    'Content-Transfer-Encoding: base64',
    '',
    base64,
    `--${boundary}--`,
  ].join('\n');
  return eml({ ...headers, 'MIME-Version': '1.0', 'Content-Type': `multipart/mixed; boundary="${boundary}"` }, body);
}

/** What the ingester needs of the store under test: its database and clock, and a feed of its own. */
export function ingestContext(h: Harness) {
  return { db: h.store.db, clock: h.clock, feed: inProcessChangeFeed() };
}

/** What a local relay was given: the raw message, as parsed, and its envelope's recipients. */
export interface ReceivedMail {
  raw: string;
  mail: ParsedMail;
  rcpt: string[];
}
export interface LocalRelay {
  port: number;
  received: ReceivedMail[];
  close(): Promise<void>;
}

/** A real SMTP server on loopback (no TLS, no auth) that keeps what it is given, for the central store's `mailRelay`. */
export async function localRelay(): Promise<LocalRelay> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        void simpleParser(raw).then((mail) => {
          received.push({ raw, mail, rcpt: session.envelope.rcptTo.map((r) => r.address) });
          done();
        });
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
