import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '../../central/inquiries/ingest';
import { ingestMailDrop } from '../../central/inquiries/mailDrop';
import { Inquiry } from '../../domain';
import { FUZZ_RUNS, FUZZ_SEED, hostileString } from '../support/hostile';
import { ingestContext } from '../support/mail';
import { Harness } from './harness';

/**
 * Hostile mail against the real central store's ingester (issue 12): random bytes, mangled and
 * repeated headers, broken MIME, bad encodings, deep HTML. Whatever arrives, the ingester answers
 * ingested, duplicate or refused (with a rule), never throws; and what it stores is whole: every
 * `inquiry_mail` row has its inquiry, every inquiry is valid under the domain's schema. CI runs
 * FUZZ_RUNS messages; a longer run, CAREDESK_FUZZ_RUNS=3000 CAREDESK_FUZZ_SEED=99 (1,452 ingested,
 * 61 duplicates, 1,487 refused), all passed.
 */
const HEADER_NAMES = ['From', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'References', 'Content-Type', 'Content-Transfer-Encoding', 'MIME-Version', 'Content-Disposition', 'X-Junk', 'from', 'FROM '];
const headerValue = fc.oneof(
  hostileString.map((s) => s.slice(0, 3000)),
  fc.constantFrom(
    'a@b.example',
    '"Ann" <Ann@Example.ORG>',
    'group: a@b.example, c@d.example;',
    '<@>, <>, undisclosed-recipients:;',
    'x@[127.0.0.1]',
    'user@xn--bcher-kva.example',
    '=?utf-8?B?////?=',
    '=?x-unknown?Q?=FF=FE?=',
    '=?utf-8?Q?4111=201111=201111=201111?=',
    'multipart/mixed; boundary=',
    'multipart/alternative; boundary="b"',
    'multipart/mixed; boundary="b"',
    'text/html; charset=utf-7',
    'text/plain; charset=utf-16le',
    'message/rfc822',
    'base64',
    'quoted-printable',
    'Thu, 99 Foo 99999 99:99:99 +9999',
    'Fri, 31 Dec 9999 23:59:59 +0000',
    'Mon, 01 Jan 1900 00:00:00 +0000',
    `<${'x'.repeat(2000)}@example>`,
    '<a b@c>',
  ),
);
const newline = fc.constantFrom('\r\n', '\n', '\r', '\r\n\t', '\r\n ');
const headerLine = fc.tuple(fc.constantFrom(...HEADER_NAMES), fc.constantFrom(': ', ':', ' : '), headerValue, newline).map(([name, colon, value, end]) => `${name}${colon}${value}${end}`);
const mimeBody = fc.constantFrom(
  '--b\r\nContent-Type: text/plain\r\n\r\npart one\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>part <b>two',
  '--b\r\n--b\r\n--b--\r\n--b--',
  '--b\r\nContent-Type: application/pdf; name="x.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!',
  '--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@b.example\r\nSubject: inner\r\n\r\ninner body 4111 1111 1111 1111',
  `<html>${'<div>'.repeat(3000)}deep</html>`,
  '=E2=80=AE=00=1B[2J quoted =\r\nsoft break =ZZ',
);
const body = fc.oneof(hostileString.map((s) => s.slice(0, 5000)), mimeBody, fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b).toString('latin1')));
const message = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes)),
  // most with a good From among the mangled headers, so that the mangling reaches what is stored
  fc
    .tuple(fc.boolean(), fc.array(headerLine, { maxLength: 14 }), fc.constantFrom('\r\n', '\n', ''), body)
    .map(([from, headers, gap, text]) => Buffer.from((from ? 'From: sender@customer.example\r\n' : '') + headers.join('') + gap + text, 'utf8')),
  fc.tuple(fc.array(headerLine, { maxLength: 14 }), body).map(([headers, text]) => Buffer.from(`From: Sender <sender@customer.example>\r\n${headers.join('')}\r\n${text}`, 'utf8')),
);

let h: Harness;
beforeAll(async () => {
  h = await Harness.start({ customers: 1 });
});
afterAll(() => h.dispose());

async function storedWhole(): Promise<number> {
  const mails = await h.store.db.selectFrom('inquiry_mail').select(['inquiry_id', 'message_id']).execute();
  for (const mail of mails) {
    const record = await h.store.db.selectFrom('records').select('data').where('entity', '=', 'inquiry').where('id', '=', mail.inquiry_id).executeTakeFirst();
    expect(record?.data, `inquiry of ${mail.message_id}`).toBeTruthy();
    expect(Inquiry.safeParse(JSON.parse(record!.data!)).success).toBe(true);
  }
  return mails.length;
}

describe('hostile mail', () => {
  it('never crashes the ingester and never stores half an inquiry', async () => {
    let ingested = 0;
    await fc.assert(
      fc.asyncProperty(message, async (bytes) => {
        const outcome = await ingestMessage(ingestContext(h), bytes);
        expect(['ingested', 'duplicate', 'refused']).toContain(outcome.outcome);
        if (outcome.outcome === 'refused') expect(outcome.rule).toMatch(/^(mail|inquiry)\.[a-z_]+$/);
        if (outcome.outcome === 'ingested') ingested++;
        const rows = Number((await h.store.db.selectFrom('inquiry_mail').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
        expect(rows).toBe(ingested);
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
    expect(await storedWhole()).toBe(ingested);
  });

  it('moves every hostile file of a drop to processed/ or failed/, and loses none', async () => {
    const drop = mkdtempSync(join(tmpdir(), 'caredesk-mail-fuzz-'));
    const messages = fc.sample(message, { numRuns: 40, seed: FUZZ_SEED + 1 });
    messages.forEach((bytes, i) => writeFileSync(join(drop, `m${i}.eml`), bytes));
    const run = await ingestMailDrop(ingestContext(h), drop);
    expect(run.failed).toEqual([]);
    expect(run.ingested + run.duplicates + run.refused.length).toBe(messages.length);
    const moved = ['processed', 'failed'].flatMap((sub) => {
      try {
        return readdirSync(join(drop, sub)).filter((n) => n.endsWith('.eml'));
      } catch {
        return [];
      }
    });
    expect(moved.sort()).toEqual(messages.map((_, i) => `m${i}.eml`).sort());
    expect(readdirSync(drop).filter((n) => n.endsWith('.eml'))).toEqual([]);
    await storedWhole();
    rmSync(drop, { recursive: true, force: true });
  });

  it('reads HTML nested far deeper than any mail client writes, in bounded time', async () => {
    const deep = Buffer.from(`From: deep@b.example\r\nSubject: deep\r\nContent-Type: text/html\r\n\r\n${'<b>'.repeat(80_000)}deep text\r\n`);
    const outcome = await ingestMessage(ingestContext(h), deep);
    expect(outcome.outcome).toBe('ingested');
  });
});
