import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, PushResponse } from '../../domain';
import { ingestMessage } from '../../central/inquiries/ingest';
import { inProcessChangeFeed } from '../../central/sync/changeFeed';
import { localRelay, type LocalRelay } from '../support/mail';
import { Harness, type TestSession } from './harness';

const ORIGINAL = (messageId: string) =>
  Buffer.from(
    [
      'From: Dana Whitfield <dana.w@example.net>',
      'To: care@voip.example',
      'Subject: Question about my bill',
      `Message-ID: <${messageId}>`,
      'References: <older-thread@example.net>',
      'Date: Tue, 01 Dec 2026 09:30:00 +0000',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello, why did my bill go up this month?',
      '',
    ].join('\r\n'),
  );

/**
 * Replying to an email inquiry (issue 12): the central store sends it through a real SMTP relay on
 * loopback — From the service address, To the return address, threaded on the original with
 * In-Reply-To and References, no Bcc and no internal id — and marks the inquiry answered. A reply
 * telling anything of an account needs the inquiry linked and the recipient known; card numbers are
 * removed from what is sent; a relay that is down sends nothing and changes nothing.
 */
describe('a reply to an email inquiry', () => {
  let h: Harness;
  let relay: LocalRelay;
  let rep: TestSession;
  let clerk: TestSession;
  const reply = (s: TestSession, body: unknown) => h.call(s.device.agent, 'POST', API.operation('inquiry.reply'), { token: s.token, body });
  async function ingested(messageId = `${randomUUID()}@example.net`): Promise<string> {
    const result = await ingestMessage({ db: h.store.db, clock: h.clock, feed: inProcessChangeFeed() }, ORIGINAL(messageId));
    if (result.outcome !== 'ingested') throw new Error(`not ingested: ${JSON.stringify(result)}`);
    return result.inquiryId;
  }

  beforeAll(async () => {
    relay = await localRelay();
    h = await Harness.start({ customers: 2, config: { mailRelay: { host: '127.0.0.1', port: relay.port, requireTLS: false, from: 'care@voip.example', fromName: 'VoIP Customer Care' } } });
    rep = await h.session('care_rep');
    clerk = await h.session('billing_clerk');
  });
  afterAll(async () => {
    await h.dispose();
    await relay.close();
  });

  it('sends it from the service address to the return address, threaded, with nothing else, and marks the inquiry answered', async () => {
    const inquiryId = await ingested('orig-1001@example.net');
    const res = await reply(rep, { inquiryId, body: 'Hello Dana,\nyour promotional discount ended last month. Card 4111 1111 1111 1111 is not needed.\nCustomer Care', disclosesAccountData: false });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ status: 'sent', redacted: true });
    expect(relay.received).toHaveLength(1);
    const { raw, mail, rcpt } = relay.received[0]!;
    expect(rcpt).toEqual(['dana.w@example.net']);
    expect(mail.from?.value).toEqual([{ address: 'care@voip.example', name: 'VoIP Customer Care' }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : []).toEqual(['dana.w@example.net']);
    expect(mail.subject).toBe('Re: Question about my bill');
    expect(mail.inReplyTo).toBe('<orig-1001@example.net>');
    expect(mail.references).toEqual(['<older-thread@example.net>', '<orig-1001@example.net>']);
    expect(mail.messageId).toMatch(/@voip\.example>$/);
    expect(mail.bcc).toBeUndefined();
    expect(mail.cc).toBeUndefined();
    expect(mail.text).toContain('[card number removed]');
    // nothing of CareDesk's own: no inquiry, user or device id, no X- header of ours
    for (const id of [inquiryId, rep.user.id, rep.device.id, rep.clientId]) expect(raw).not.toContain(id);
    expect(raw).not.toMatch(/4111[ -]?1111/);
    expect(raw).not.toMatch(/^x-caredesk/im);

    expect((await h.record('inquiry', inquiryId)).data.status).toBe('answered');
    const audit = await h.store.db.selectFrom('audit_log').select(['outcome', 'detail', 'user_id']).where('action', '=', 'inquiry.replied').where('entity_id', '=', inquiryId).execute();
    expect(audit).toEqual([{ outcome: 'ok', user_id: rep.user.id, detail: expect.stringContaining('1 card numbers') }]);
    expect(JSON.stringify(audit)).not.toContain('dana.w');
  });

  it('needs a linked customer and a known recipient for a reply that tells anything of an account', async () => {
    const inquiryId = await ingested();
    const before = relay.received.length;
    const notLinked = await reply(rep, { inquiryId, body: 'Your balance is $42.10.', disclosesAccountData: true });
    expect([notLinked.status, notLinked.json.error.issues]).toEqual([400, [expect.objectContaining({ field: 'disclosesAccountData', rule: 'inquiry.not_linked' })]]);
    // an account number in the text counts, declared or not
    const undeclared = await reply(rep, { inquiryId, body: `Your account ${h.customer(0).customer.accountNumber} is fine.`, disclosesAccountData: false });
    expect(undeclared.json.error.issues).toEqual([expect.objectContaining({ rule: 'inquiry.not_linked' })]);

    // linked to a customer whose email on file is another address: only after verifying the caller
    const { customer, secrets } = h.customer(0);
    const link = h.mutation(rep, h.nextSeq(rep), { entity: 'inquiry', id: inquiryId }, { customerId: null }, { customerId: customer.id }, { reason: 'the caller confirmed it was them' });
    expect(PushResponse.parse((await h.push(rep, [link])).json).results[0]!.status).toBe('applied');
    const unverified = await reply(rep, { inquiryId, body: 'Your balance is $42.10.', disclosesAccountData: true });
    expect(unverified.json.error.issues).toEqual([expect.objectContaining({ rule: 'inquiry.unverified_recipient' })]);
    expect(relay.received.length).toBe(before);

    expect((await h.verify(rep, customer.id, 'account_pin', secrets.accountPin)).json.verified).toBe(true);
    expect((await reply(rep, { inquiryId, body: 'Your balance is $42.10.', disclosesAccountData: true })).status).toBe(200);
    expect(relay.received.length).toBe(before + 1);
    const denied = await h.store.db.selectFrom('audit_log').select('detail').where('action', '=', 'inquiry.replied').where('entity_id', '=', inquiryId).where('outcome', '=', 'denied').execute();
    expect(denied).toHaveLength(3);
  });

  it('refuses roles the declaration does not name, bad bodies, and closed inquiries; a relay that is down sends nothing and changes nothing', async () => {
    const inquiryId = await ingested();
    expect((await reply(clerk, { inquiryId, body: 'Hello', disclosesAccountData: false })).status).toBe(403);
    const bad = await reply(rep, { inquiryId, body: 'x', disclosesAccountData: 'no', bcc: 'someone@example.org' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues.map((i: { field: string; rule: string }) => i.rule)).toEqual(expect.arrayContaining(['unknown_field']));
    expect((await reply(rep, { inquiryId: randomUUID(), body: 'Hello there', disclosesAccountData: false })).status).toBe(404);

    await relay.close();
    const down = await reply(rep, { inquiryId, body: 'Hello there', disclosesAccountData: false });
    expect([down.status, down.json.error.code]).toEqual([503, 'unavailable']);
    expect(down.json.error.message).toContain('nothing was sent');
    expect((await h.record('inquiry', inquiryId)).data.status).toBe('open');
    const failed = await h.store.db.selectFrom('audit_log').select('outcome').where('action', '=', 'inquiry.replied').where('entity_id', '=', inquiryId).execute();
    expect(failed.map((a) => a.outcome)).toContain('failed');
  });
});
