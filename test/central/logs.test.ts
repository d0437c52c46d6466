import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, PushResponse, TOTP, type Mutation } from '../../domain';
import { spellings, testCardNumber } from '../support/cardLeaks';
import { Harness, PASSWORD, type TestSession } from './harness';

/**
 * Structured logs (issue 15, item 7): a full run of realistic traffic — sign-ins with a password and a
 * second factor, a failed sign-in, edits of names, emails and phones, a card replacement, a request
 * carrying a card number and a security code that is refused, an erasure — with the store's log going
 * to a file at its most talkative level. Afterwards the file is JSON lines, says what happened by
 * route template, status and error code, and holds none of the values the traffic carried.
 */
describe('the store log after a full run of traffic', () => {
  let h: Harness;
  let lines: string[];
  let text: string;
  /** every value that must never reach the log */
  const secrets: string[] = [PASSWORD];
  const logFile = () => join(h.dataDir, 'logs', 'central.log');

  beforeAll(async () => {
    h = await Harness.start({ customers: 3, config: { log: { level: 'trace', file: 'logs/central.log' } } });
    const rep: TestSession = await h.session('care_rep');
    const clerk: TestSession = await h.session('billing_clerk');
    const supervisor: TestSession = await h.session('supervisor');
    for (const s of [rep, clerk, supervisor]) secrets.push(s.token, s.user.id, s.device.id, s.clientId);
    // the second factor's secret and the code the clerk signed in with
    const totp = h.totpSecrets.get(clerk.user.username)!;
    secrets.push(totp.secret, await generate({ secret: totp.secret, epoch: totp.lastStep * TOTP.periodSeconds }));

    // a failed sign-in, with a password that is almost right
    const wrong = 'correct horse battery stapler';
    secrets.push(wrong);
    expect((await h.signIn(rep.device, rep.user.username, wrong)).status).toBe(401);

    // edits of a customer's name, email and phone, on a verified call
    const { customer, secrets: answers } = h.customer(0);
    secrets.push(customer.id, customer.firstName, customer.lastName, customer.email!, customer.accountNumber, answers.ssnLast4, answers.accountPin, ...customer.phones.map((p) => p.number));
    const edited = { firstName: 'Zebulon', lastName: 'Quizzleworth', email: 'zebulon.quizzleworth@example.org', phones: [{ ...customer.phones[0]!, number: '+14155550187' }] };
    secrets.push(edited.firstName, edited.lastName, edited.email, '+14155550187', '4155550187');
    const base = { firstName: customer.firstName, lastName: customer.lastName, email: customer.email, phones: customer.phones };
    const edit = h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer.id }, base, edited, { verificationId: await h.verified(rep, 0), reason: 'Caller Zebulon spelled it out' });
    expect(PushResponse.parse((await h.push(rep, [edit])).json).results[0]!.status).toBe('applied');

    // a card replacement with a test card number, then one that also sends a security code (refused)
    const pan = testCardNumber('45560017');
    secrets.push(...spellings(pan));
    const method = h.customer(1).paymentMethods[0]!;
    const card = { cardNumber: pan, expMonth: 8, expYear: new Date().getUTCFullYear() + 3, holderName: 'Dana Whitfield', billingZip: '02110' };
    secrets.push(card.holderName, method.id);
    const verification = await h.verified(clerk, 1);
    expect((await h.replaceCard(clerk, method.id, card, randomUUID(), { verificationId: verification })).status).toBe(200);
    expect((await h.replaceCard(clerk, method.id, { ...card, cvv: '9371' }, randomUUID(), { verificationId: verification })).status).toBe(400);
    // a body that is not JSON at all, quoting the card number
    expect((await h.call(clerk.device.agent, 'POST', API.replaceCard(method.id), { token: clerk.token, rawBody: `{"card": ${pan}, "cvv": "9371"` })).status).toBe(400);

    // an erasure: filed on a verified call, approved by a supervisor
    const subject = h.customer(2).customer;
    secrets.push(subject.id, subject.firstName, subject.lastName, subject.email!);
    const request: Mutation = { ...h.mutation(rep, h.nextSeq(rep), { entity: 'erasureRequest', id: randomUUID() }, {}, { customerId: subject.id, reason: 'Caller wants every trace removed' }, { reason: 'asked on the call', verificationId: await h.verified(rep, 2) }), op: 'create' };
    expect(PushResponse.parse((await h.push(rep, [request])).json).results[0]!.status).toBe('applied');
    const approve = h.mutation(supervisor, h.nextSeq(supervisor), { entity: 'erasureRequest', id: request.entityId }, { status: 'pending' }, { status: 'approved' }, { reason: 'identity checked on callback' });
    expect(PushResponse.parse((await h.push(supervisor, [approve])).json).results[0]!.status).toBe('applied');
    expect((await h.record('customer', subject.id)).data).toBeNull();

    expect((await h.pull(rep)).status).toBe(200);
    await h.store.close();
    text = readFileSync(logFile(), 'utf8');
    lines = text.split('\n').filter(Boolean);
  });
  afterAll(async () => h.dispose());

  it('is a non-empty file of JSON lines saying what happened, by route template, status and code', () => {
    expect(existsSync(logFile())).toBe(true);
    expect(lines.length).toBeGreaterThan(20);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const msgs = entries.map((e) => e.msg);
    expect(msgs).toEqual(expect.arrayContaining(['central store starting', 'listening', 'stopping', 'stopped', 'request', 'request received']));
    const requests = entries.filter((e) => e.msg === 'request');
    expect(requests).toContainEqual(expect.objectContaining({ route: API.push, method: 'POST', status: 200 }));
    expect(requests).toContainEqual(expect.objectContaining({ route: API.session, method: 'POST', status: 401, errorCode: 'unauthenticated' }));
    expect(requests).toContainEqual(expect.objectContaining({ route: '/v1/payment-methods/:paymentMethodId/replacement', status: 400, errorCode: 'validation' }));
    for (const r of requests) expect(typeof r.ms).toBe('number');
  });

  it('holds no name, email, phone, card number, password, code, token or id the traffic carried', () => {
    // a short run of digits (a PIN, the last 4 of an SSN) counts when it stands alone: inside a time or a duration it is not the value
    const found = secrets.filter((s) => (/^\d{1,6}$/.test(s) ? new RegExp(`(?<!\\d)${s}(?!\\d)`).test(text) : text.includes(s)));
    expect(found).toEqual([]);
    // the security code, as a value (three or four digits also occur inside times and durations)
    expect(text).not.toMatch(/"9371"|cvv/i);
  });
});
