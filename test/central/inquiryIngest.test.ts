import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCentral, startCentralStore } from '../../central';
import { MAIL_DROP_INTERVAL_MINUTES, ingestMailDrop, type MailDropRun } from '../../central/inquiries/mailDrop';
import { forgetInquiryMail } from '../../central/inquiries/ingest';
import { checkpoint, inTransaction } from '../../central/storage/database';
import { Inquiry, REDACTION_MARKERS } from '../../domain';
import { foundInFiles, spellings } from '../support/cardLeaks';
import { centralCli } from '../support/cli';
import { eml, ingestContext, withAttachment } from '../support/mail';
import { Harness, type TestSession } from './harness';
import { useTestDatabase } from '../support/testDatabase';
import { storedFiles } from '../support/storedBytes';

/**
 * Email inquiries ingested by the central store (issue 12, the ingestion half), against a real store
 * and real files: what each message becomes, what never reaches a desk or the database (a test card
 * number and an SSN), what the audit log holds, and where each file goes afterwards.
 */
const PAN = '4111111111111111';
const SSN = '078051120';
const SSN_SPELLINGS = ['078-05-1120', '078 05 1120', SSN];
const SECRETS = [...spellings(PAN), ...SSN_SPELLINGS];
const hourAgo = (now: Date) => new Date(Math.floor(now.getTime() / 1000) * 1000 - 3_600_000);

let h: Harness;
let rep: TestSession;
let drop: string;
let run: MailDropRun;
let sentAt: Date;
const ids: Record<string, string> = {};

async function inquiryOf(messageId: string): Promise<{ id: string; data: Inquiry; updatedBy: string | null; references: string | null }> {
  const mail = await h.store.db.selectFrom('inquiry_mail').selectAll().where('message_id', '=', messageId).executeTakeFirstOrThrow();
  const record = await h.record('inquiry', mail.inquiry_id);
  return { id: mail.inquiry_id, data: Inquiry.parse(record.data), updatedBy: record.updated_by, references: mail.references_header };
}

beforeAll(async () => {
  h = await Harness.start({ customers: 2 });
  rep = await h.session('care_rep');
  drop = mkdtempSync(join(tmpdir(), 'caredesk-mail-drop-'));
  sentAt = hourAgo(h.clock());
  const files: Record<string, Buffer> = {
    'plain.eml': eml(
      { From: 'Dana Whitfield <Dana.Whitfield@Example.ORG>', To: 'care@provider.example', Subject: '  Voicemail not working  ', Date: sentAt.toUTCString(), 'Message-ID': '<plain-1@customer.example>', References: '<earlier-1@provider.example> <earlier-2@provider.example>' },
      'Hello,\n\nmy voicemail stopped working yesterday.\nCall me on +1 212 555 0142 (order 2024-000123).\n\nDana',
    ),
    'html-only.eml': eml(
      { From: 'robot@mailer.example', 'Reply-To': 'Sam Ortiz <SAM.ORTIZ@customer.example>', Subject: 'Porting my number', Date: new Date(h.clock().getTime() + 86_400_000).toUTCString(), 'Message-ID': '<html-1@customer.example>', 'Content-Type': 'text/html; charset=utf-8' },
      '<html><head><style>p{color:red}</style><script>alert("stolen")</script></head><body><p>I want to <b>port</b> my number.</p><img src=http://tracker.example/pixel.gif alt=pixel><p><a href="http://phish.example/login">Click here</a> to see my account.</p></body></html>',
    ),
    'with-invoice.eml': withAttachment({ From: 'lee.park@customer.example', Subject: 'Question about my bill', 'Message-ID': '<attached-1@customer.example>' }, 'Why is this invoice so high?', {
      filename: 'invoice.pdf',
      contentType: 'application/pdf',
      content: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(12_345 - 9, 0x41)]),
    }),
    'secrets.eml': eml(
      { From: 'kim.nguyen@customer.example', Subject: `Card ${spellings(PAN)[1]} and SSN ${SSN_SPELLINGS[0]}`, 'Message-ID': '<secrets-1@customer.example>' },
      `Please charge ${spellings(PAN)[2]} (or ${PAN}).\nMy SSN is ${SSN_SPELLINGS[1]}; social security number ${SSN}.\nThanks`,
    ),
    'no-from.eml': eml({ To: 'care@provider.example', Subject: 'who am I', 'Message-ID': '<nofrom-1@customer.example>' }, 'There is no one to answer.'),
    'zz-duplicate.eml': eml({ From: 'dana.whitfield@example.org', Subject: 'Voicemail not working', 'Message-ID': '<plain-1@customer.example>' }, 'the same message, delivered twice'),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(drop, name), bytes);
  run = await ingestMailDrop(ingestContext(h), drop);
  for (const key of ['plain', 'html', 'attached', 'secrets']) ids[key] = (await inquiryOf(`<${key}-1@customer.example>`)).id;
});
afterAll(async () => {
  await h.dispose();
  rmSync(drop, { recursive: true, force: true });
});

describe('ingesting a folder of .eml files', () => {
  it('ingests each message once: the duplicate counted once, the one without a From refused with its reason and moved to failed/', () => {
    expect(run).toEqual({
      ingested: 4,
      duplicates: 1,
      refused: [{ file: 'no-from.eml', rule: 'inquiry.return_address', message: expect.stringContaining('neither Reply-To nor From') }],
      failed: [],
    });
    expect(readdirSync(drop).sort()).toEqual(['failed', 'processed']);
    expect(readdirSync(join(drop, 'processed')).sort()).toEqual(['html-only.eml', 'plain.eml', 'secrets.eml', 'with-invoice.eml', 'zz-duplicate.eml']);
    expect(readdirSync(join(drop, 'failed')).sort()).toEqual(['no-from.eml', 'no-from.eml.reason.txt']);
    expect(readFileSync(join(drop, 'failed', 'no-from.eml.reason.txt'), 'utf8')).toMatch(/^inquiry\.return_address: no address to answer/);
  });

  it('makes each an open inquiry of the central store: the return address lower-cased from Reply-To or From, the subject trimmed, the Date kept when sane', async () => {
    const plain = await inquiryOf('<plain-1@customer.example>');
    expect(plain.data).toEqual({
      id: plain.id,
      receivedAt: sentAt.toISOString(),
      returnAddress: 'dana.whitfield@example.org',
      subject: 'Voicemail not working',
      body: 'Hello,\n\nmy voicemail stopped working yesterday.\nCall me on +1 212 555 0142 (order 2024-000123).\n\nDana',
      status: 'open',
      customerId: null,
    });
    expect(plain.updatedBy).toBeNull();
    expect(plain.references).toBe('<earlier-1@provider.example> <earlier-2@provider.example>');
    const html = await inquiryOf('<html-1@customer.example>');
    expect(html.data.returnAddress).toBe('sam.ortiz@customer.example');
    // dated a day ahead: the store's clock instead
    expect(Date.parse(html.data.receivedAt)).toBeLessThanOrEqual(h.clock().getTime());
    expect(Date.parse(html.data.receivedAt)).toBeGreaterThan(sentAt.getTime());
  });

  it('reads an HTML-only message as text: no markup, no script, no address of remote content', async () => {
    const { body } = (await inquiryOf('<html-1@customer.example>')).data;
    expect(body).toContain('I want to port my number.');
    expect(body).toContain('Click here to see my account.');
    for (const gone of ['<', 'alert', 'stolen', 'color', 'tracker.example', 'pixel', 'phish.example', 'http']) expect(body).not.toContain(gone);
  });

  it('drops attachments and names them, with their size, at the end of the body', async () => {
    const { body } = (await inquiryOf('<attached-1@customer.example>')).data;
    expect(body).toBe('Why is this invoice so high?\n\nAttachments removed by CareDesk: invoice.pdf (12 KB)');
  });

  it('removes the card number and the SSN from the subject and the body, in every spelling', async () => {
    const { subject, body } = (await inquiryOf('<secrets-1@customer.example>')).data;
    expect(subject).toBe(`Card ${REDACTION_MARKERS.card} and SSN ${REDACTION_MARKERS.ssn}`);
    expect(body).toBe(`Please charge ${REDACTION_MARKERS.card} (or ${REDACTION_MARKERS.card}).\nMy SSN is ${REDACTION_MARKERS.ssn}; social security number ${REDACTION_MARKERS.ssn}.\nThanks`);
  });

  it('gives a care rep the inquiries in a pull, holding neither the card number nor the SSN in any form, and nothing of the mail headers', async () => {
    const pull = await h.pull(rep, 0);
    expect(pull.status).toBe(200);
    const pulled = pull.lines.filter((l) => l.t === 'put' && l.entity === 'inquiry').map((l) => (l as { id: string }).id);
    expect(pulled).toEqual(expect.arrayContaining(Object.values(ids)));
    const text = JSON.stringify(pull.lines);
    const digits = text.replace(/\D/g, '');
    for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
    expect(digits).not.toContain(PAN);
    expect(digits).not.toContain(SSN);
    for (const header of ['plain-1@customer.example', 'earlier-1@provider.example', 'caredesk.invalid']) expect(text).not.toContain(header);
  });

  it('masks the return address for compliance, who read the queue', async () => {
    const compliance = await h.session('compliance');
    const line = (await h.pull(compliance, 0)).lines.find((l) => l.t === 'put' && l.id === ids.plain) as { data: Record<string, unknown> };
    expect(line.data.returnAddress).not.toBe('dana.whitfield@example.org');
    expect(line.data.subject).toBe('Voicemail not working');
  });

  it('leaves neither the card number nor the SSN in the database file', async () => {
    await checkpoint(h.store.db);
    const files = await storedFiles(h.store);
    expect(foundInFiles(files, ['my voicemail stopped working'])).toHaveLength(1); // the scan finds what is there
    expect(foundInFiles(files, SECRETS)).toEqual([]);
  });

  it('audits each ingestion by the store itself with ids and counts, never the address or the text', async () => {
    const rows = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'inquiry.ingested').execute();
    expect(rows.map((r) => r.entity_id).sort()).toEqual(Object.values(ids).sort());
    expect(rows.every((r) => r.user_id === null && r.outcome === 'ok' && r.entity === 'inquiry')).toBe(true);
    expect(rows.find((r) => r.entity_id === ids.secrets)!.detail).toBe('from mail: 3 card number(s) and 3 SSN(s) redacted');
    expect(rows.find((r) => r.entity_id === ids.attached)!.detail).toBe('from mail: 1 attachment(s) removed');
    const text = JSON.stringify(rows).toLowerCase();
    for (const value of ['dana', 'whitfield', 'sam.ortiz', 'kim.nguyen', 'lee.park', 'voicemail', 'invoice', 'port my number', ...SECRETS]) expect(text, value).not.toContain(value);
  });

  it('makes no second inquiry when the same message is dropped again', async () => {
    const before = await h.store.db.selectFrom('inquiry_mail').select('inquiry_id').execute();
    copyFileSync(join(drop, 'processed', 'secrets.eml'), join(drop, 'secrets.eml'));
    expect(await ingestMailDrop(ingestContext(h), drop)).toEqual({ ingested: 0, duplicates: 1, refused: [], failed: [] });
    expect(await h.store.db.selectFrom('inquiry_mail').select('inquiry_id').execute()).toHaveLength(before.length);
    expect(readdirSync(join(drop, 'processed'))).toContain('secrets-1.eml');
  });

  it('gives a message without a Message-ID one made from its bytes, so dropping it twice still makes one inquiry', async () => {
    const again = mkdtempSync(join(tmpdir(), 'caredesk-mail-drop-'));
    const message = eml({ From: 'no.id@customer.example', Subject: 'no id' }, 'a message without a Message-ID');
    writeFileSync(join(again, 'a.eml'), message);
    writeFileSync(join(again, 'b.eml'), message);
    expect(await ingestMailDrop(ingestContext(h), again)).toMatchObject({ ingested: 1, duplicates: 1 });
    const row = await h.store.db.selectFrom('inquiry_mail').selectAll().where('message_id', 'like', '%@caredesk.invalid>').executeTakeFirstOrThrow();
    expect(row.message_id).toMatch(/^<[0-9a-f]{64}@caredesk\.invalid>$/);
    rmSync(again, { recursive: true, force: true });
  });
});

describe('what the drop holds besides messages', () => {
  it('never follows a link: it is refused as not a file and moved to failed/, its target untouched', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'caredesk-mail-drop-'));
    const target = join(folder, 'outside.txt');
    writeFileSync(target, 'From: a@b.example\r\n\r\nnot for ingestion');
    symlinkSync(target, join(folder, 'link.eml'));
    expect(await ingestMailDrop(ingestContext(h), folder)).toMatchObject({ ingested: 0, refused: [{ file: 'link.eml', rule: 'mail.not_a_file' }] });
    expect(lstatSync(join(folder, 'failed', 'link.eml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toContain('not for ingestion');
    rmSync(folder, { recursive: true, force: true });
  });

  it('lets an erasure forget the mail headers of the inquiries it tombstones', async () => {
    const { id } = await inquiryOf('<attached-1@customer.example>');
    await inTransaction(h.store.db, (tx) => forgetInquiryMail(tx, [id]));
    expect(await h.store.db.selectFrom('inquiry_mail').select('message_id').where('inquiry_id', '=', id).execute()).toEqual([]);
  });
});

describe('ingesting a Maildir', () => {
  it('reads new/ and the unseen messages of cur/, flags each Seen in cur/, leaves the seen ones, and moves a refused one to failed/', async () => {
    const maildir = mkdtempSync(join(tmpdir(), 'caredesk-maildir-'));
    for (const sub of ['new', 'cur', 'tmp']) mkdirSync(join(maildir, sub));
    const message = (n: number, from?: string) => eml({ ...(from ? { From: from } : {}), Subject: `maildir ${n}`, 'Message-ID': `<maildir-${n}@customer.example>` }, `message ${n}`);
    writeFileSync(join(maildir, 'new', '1700000001.M1P1.host'), message(1, 'one@customer.example'));
    writeFileSync(join(maildir, 'cur', '1700000002.M2P2.host:2,F'), message(2, 'two@customer.example'));
    writeFileSync(join(maildir, 'cur', '1700000003.M3P3.host:2,S'), message(3, 'three@customer.example'));
    writeFileSync(join(maildir, 'new', '1700000004.M4P4.host'), message(4));
    writeFileSync(join(maildir, 'tmp', '1700000005.M5P5.host'), message(5, 'five@customer.example'));
    const result = await ingestMailDrop(ingestContext(h), maildir);
    expect(result).toMatchObject({ ingested: 2, duplicates: 0, refused: [{ file: 'new/1700000004.M4P4.host', rule: 'inquiry.return_address' }] });
    expect(readdirSync(join(maildir, 'new'))).toEqual([]);
    expect(readdirSync(join(maildir, 'cur')).sort()).toEqual(['1700000001.M1P1.host:2,S', '1700000002.M2P2.host:2,FS', '1700000003.M3P3.host:2,S']);
    expect(readdirSync(join(maildir, 'tmp'))).toEqual(['1700000005.M5P5.host']);
    expect(readdirSync(join(maildir, 'failed')).sort()).toEqual(['1700000004.M4P4.host', '1700000004.M4P4.host.reason.txt']);
    expect(await h.store.db.selectFrom('inquiry_mail').select('message_id').where('message_id', 'in', ['<maildir-3@customer.example>', '<maildir-5@customer.example>']).execute()).toEqual([]);
    expect(await ingestMailDrop(ingestContext(h), maildir)).toEqual({ ingested: 0, duplicates: 0, refused: [], failed: [] });
    rmSync(maildir, { recursive: true, force: true });
  });
});

describe('the ingest-mail command', () => {
  it('ingests a folder while the store serves, printing the counts and each refusal with its rule', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'caredesk-mail-cli-'));
    writeFileSync(join(folder, 'one.eml'), eml({ From: 'cli.sender@customer.example', Subject: 'from the command line', 'Message-ID': '<cli-1@customer.example>' }, 'hello'));
    writeFileSync(join(folder, 'bad.eml'), eml({ From: 'not an address', Subject: 'bad' }, 'no address'));
    const result = await centralCli(h.dataDir, 'ingest-mail', '--from', folder);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('1 ingested, 0 duplicate(s), 1 refused');
    expect(result.stdout).toContain('refused bad.eml: inquiry.return_address');
    expect((await inquiryOf('<cli-1@customer.example>')).data.subject).toBe('from the command line');
    expect(existsSync(join(folder, 'processed', 'one.eml'))).toBe(true);
    expect(existsSync(join(folder, 'failed', 'bad.eml'))).toBe(true);

    const missing = await centralCli(h.dataDir, 'ingest-mail');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('give --from DIR');
    rmSync(folder, { recursive: true, force: true });
  });
});

describe('serve with a mail drop in config.json', () => {
  const until = async (what: string, check: () => Promise<boolean>) => {
    for (const started = Date.now(); !(await check()); await new Promise((r) => setTimeout(r, 50))) {
      if (Date.now() - started > 20_000) throw new Error(`timed out waiting for ${what}`);
    }
  };

  it('ingests the drop when it starts and again on its schedule, and stops with the store', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'caredesk-mail-serve-'));
    const mailDrop = join(dataDir, 'mail');
    mkdirSync(mailDrop);
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ mailDrop: 'mail' }));
    await useTestDatabase(dataDir);
    const opened = await openCentral({ dataDir });
    expect(opened.mailDrop).toEqual({ dir: mailDrop, intervalMinutes: MAIL_DROP_INTERVAL_MINUTES });
    await opened.close();

    writeFileSync(join(mailDrop, 'first.eml'), eml({ From: 'first@customer.example', Subject: 'first', 'Message-ID': '<serve-1@customer.example>' }, 'waiting when the store started'));
    const store = await startCentralStore({ dataDir, port: 0, mailDropIntervalMs: 200 });
    const has = async (id: string) => Boolean(await store.db.selectFrom('inquiry_mail').select('inquiry_id').where('message_id', '=', id).executeTakeFirst());
    try {
      await until('the message waiting at start', () => has('<serve-1@customer.example>'));
      writeFileSync(join(mailDrop, 'second.eml'), eml({ From: 'second@customer.example', Subject: 'second', 'Message-ID': '<serve-2@customer.example>' }, 'dropped while it serves'));
      await until('the message dropped later', () => has('<serve-2@customer.example>'));
      expect(readdirSync(join(mailDrop, 'processed')).sort()).toEqual(['first.eml', 'second.eml']);
    } finally {
      await store.close();
    }
    // stopped: nothing reads the drop any more
    writeFileSync(join(mailDrop, 'third.eml'), eml({ From: 'third@customer.example', Subject: 'third' }, 'after the store stopped'));
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(join(mailDrop, 'third.eml'))).toBe(true);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
