import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { ingestMessage } from '../../central/inquiries/ingest';
import { inProcessChangeFeed } from '../../central/sync/changeFeed';
import { REDACTION_MARKERS } from '../../domain/redaction';
import type { TestCentral } from '../support/central';
import { eml, localRelay, withAttachment, type LocalRelay } from '../support/mail';
import { customerNo, nameOf, signInAndSync, ui } from './support/consoleUi';
import { test as base, capture, expect, type Desk } from './support/fixtures';

/**
 * The Inquiries view of care reps and supervisors (issue 12), on a rep's desk 1024 px wide (the
 * narrowest window the console supports) against a real central store whose mail relay is a real
 * SMTP server on loopback: an email holding a card number and an SSN is ingested by the central
 * store and reaches the desk with both removed; the queue never shows the return address, the
 * reply's form does; a reply that tells something of an account is refused while the inquiry is
 * not linked, naming the rule; the reply the relay receives goes to the return address, threaded on
 * the original message, and the inquiry becomes answered; the rep links it to a customer (whose
 * email on file is left alone) and closes it. Offline, a reply is refused before anything is sent.
 */

const RETURN_ADDRESS = 'dana.w@example.net';
const test = base.extend<{ relay: LocalRelay }>({
  relay: async ({}, use) => {
    const relay = await localRelay();
    await use(relay);
    await relay.close();
  },
  centralConfig: async ({ relay }, use) => use({ mailRelay: { host: '127.0.0.1', port: relay.port, requireTLS: false, from: 'care@voip.example', fromName: 'VoIP Customer Care' } }),
});

/** An email through the central store's own ingestion (what its mail drop and CLI run); the inquiry's id. */
async function ingest(central: TestCentral, bytes: Buffer): Promise<string> {
  const result = await ingestMessage({ db: central.store.db, clock: () => new Date(), feed: inProcessChangeFeed() }, bytes);
  if (result.outcome !== 'ingested') throw new Error(`not ingested: ${JSON.stringify(result)}`);
  return result.inquiryId;
}
const sentAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toUTCString();

async function storedInquiry(central: TestCentral, id: string): Promise<Record<string, unknown>> {
  const row = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'inquiry').where('id', '=', id).executeTakeFirstOrThrow();
  return JSON.parse(row.data!) as Record<string, unknown>;
}

const inquiriesOf = (page: Page) => page.getByRole('region', { name: 'Inquiries' });
const views = (desk: Desk) => desk.page.getByRole('navigation', { name: 'Console views' }).getByRole('button');

test('a rep reads an ingested email with its card number and SSN removed, replies through the relay, links the inquiry to a customer and closes it', async ({ openDesk, central, relay }) => {
  test.setTimeout(180_000);
  const rep = await openDesk({ name: 'desk of Casey' });
  await rep.page.setViewportSize({ width: 1024, height: 768 });
  await signInAndSync(rep.page, 'care.rep');
  const { page } = rep;

  // the view goes to whoever answers inquiries (care reps and supervisors), with its own shortcut
  await expect(views(rep)).toHaveText([/Customers/, /Conflicts/, /Leads/, /Inquiries/, /Audit log/]);
  await expect(page.locator('.status-hint')).toContainText('Alt+6 inquiries');

  // two emails reach the central store's ingestion; the older one holds a card number, an SSN and an attachment
  const messageId = `${randomUUID()}@example.net`;
  const billId = await ingest(
    central,
    withAttachment(
      { From: `Dana Whitfield <${RETURN_ADDRESS}>`, To: 'care@voip.example', Subject: 'Charged twice this month', 'Message-ID': `<${messageId}>`, Date: sentAgo(3) },
      'Hello,\n\nmy bill went up this month and I do not understand why.\nMy card 4111 1111 1111 1111 was charged twice.\n\nMy SSN is 078-05-1120 if you need it.\n\nThanks,\nDana',
      { filename: 'bill-november.pdf', contentType: 'application/pdf', content: Buffer.alloc(2048, 1) },
    ),
  );
  await ingest(
    central,
    eml({ From: 'Lee Park <lee.park@example.org>', To: 'care@voip.example', Subject: 'Keeping my number when I move', 'Message-ID': `<${randomUUID()}@example.org>`, Date: sentAgo(1), 'Content-Type': 'text/plain; charset=utf-8' }, 'Can I keep my number when I move to your service?'),
  );
  await rep.ws.call('sync.now');

  // Alt+6: the purpose first; the queue, open ones oldest first, never showing a return address
  await page.keyboard.press('Alt+6');
  const view = inquiriesOf(page);
  await expect(view).toContainText('The return address is used only to answer the inquiry: it is never shared or exported');
  await expect(view).toContainText("copied into a customer's record only when you link the inquiry to that customer yourself");
  const open = view.getByRole('list', { name: 'Open inquiries, oldest first' });
  // (the demo data holds older inquiries too)
  await expect(open.getByRole('button', { name: /Keeping my number when I move/ })).toBeVisible({ timeout: 20_000 });
  const queued = await open.getByRole('button').allTextContents();
  const [older, newer] = [queued.findIndex((t) => t.startsWith('Charged twice this month')), queued.findIndex((t) => t.startsWith('Keeping my number when I move'))];
  expect(older).toBeGreaterThanOrEqual(0);
  expect(older).toBeLessThan(newer);
  const openCount = queued.length;
  await expect(view.getByRole('region', { name: 'Inquiry queue' })).not.toContainText('@');

  // opening one, from the keyboard: the message as plain text in its paragraphs, the card number and SSN removed
  const row = open.getByRole('button', { name: /Charged twice this month/ });
  await row.focus();
  await page.keyboard.press('Enter');
  const pane = view.getByRole('region', { name: 'Opened inquiry' });
  await expect(pane.getByRole('heading', { name: 'Charged twice this month' })).toBeFocused();
  await expect(row).toHaveAttribute('aria-current', 'true');
  const message = pane.getByRole('region', { name: 'Message' });
  await expect(message).toContainText(`My card ${REDACTION_MARKERS.card} was charged twice.`);
  await expect(message).toContainText(`My SSN is ${REDACTION_MARKERS.ssn} if you need it.`);
  await expect(message).toContainText('Attachments removed by CareDesk: bill-november.pdf (2 KB)');
  await expect(message).not.toContainText('4111');
  await expect(message).not.toContainText('078-05');
  await expect(message.locator('p')).toHaveCount(5);
  await expect(message.locator('p').nth(1)).toHaveText('my bill went up this month and I do not understand why.\nMy card [card number removed] was charged twice.');
  await expect(pane).toContainText('Not linked');
  await expect(pane).not.toContainText(RETURN_ADDRESS);
  await capture(page, 'inquiries-queue');

  // Esc goes back to the line in the queue; a shortcut never fires while the rep types (the search box)
  await page.keyboard.press('Escape');
  await expect(row).toBeFocused();
  await ui(page).search.focus();
  await page.keyboard.press('Alt+R');
  await expect(pane.getByRole('form')).toHaveCount(0);

  // Alt+R: the reply, and only here the address it goes to
  await row.click();
  await page.keyboard.press('Alt+R');
  const reply = pane.getByRole('form', { name: 'Reply to “Charged twice this month”' });
  const text = reply.getByLabel('Reply', { exact: true });
  await expect(text).toBeFocused();
  await expect(reply.locator('.reply-envelope dd').first()).toHaveText(RETURN_ADDRESS);

  // an empty reply names the rule; one about the account is refused while the inquiry is not linked
  await reply.getByRole('button', { name: 'Send the reply' }).click();
  await expect(reply).toContainText('Not sent: one field needs correcting.');
  await expect(reply.locator('.field-error').filter({ hasText: 'Required' }).locator('.rule')).toHaveText('required');
  await text.fill('Hello Dana,\n\nyour balance includes a one-time activation fee of $25.00.\n\nCustomer Care');
  const discloses = reply.getByRole('checkbox', { name: 'This reply tells the customer something about their account' });
  await discloses.check();
  await text.press('Control+Enter');
  await expect(reply).toContainText('Not sent:');
  const refusal = reply.locator('.field-error').filter({ hasText: 'Link the inquiry to the customer before a reply tells anything of their account' });
  await expect(refusal.locator('.rule')).toHaveText('inquiry.not_linked');
  await expect(discloses).toBeFocused();
  expect(relay.received).toHaveLength(0);
  await reply.getByRole('button', { name: 'Send the reply' }).scrollIntoViewIfNeeded();
  await capture(page, 'inquiry-reply');

  // a general answer is sent: a card number typed by mistake is removed from what leaves
  await discloses.uncheck();
  await expect(refusal).toHaveCount(0);
  // the rep looks something up in another view: the reply waits as typed, and is open again on return
  await page.getByRole('navigation', { name: 'Console views' }).getByRole('button', { name: /^Customers/ }).click();
  await expect(pane).toHaveCount(0);
  await page.getByRole('navigation', { name: 'Console views' }).getByRole('button', { name: /^Inquiries/ }).click();
  await row.click();
  await expect(text).toHaveValue(/one-time activation fee of \$25\.00/);
  await expect(discloses).not.toBeChecked();
  await text.fill('Hello Dana,\n\nplease never send a card number such as 4111 1111 1111 1111 by email.\nWe will call you about the charge.\n\nCustomer Care');
  await text.press('Control+Enter');
  const sent = pane.locator('.inquiry-sent');
  await expect(sent).toBeFocused({ timeout: 20_000 });
  await expect(sent).toContainText('Sent at');
  await expect(sent).toContainText('A card number or SSN in your text was removed from what was sent.');

  // what the relay received: to the return address, threaded on the original, from the service address, nothing else
  await expect.poll(() => relay.received.length).toBe(1);
  const { mail, rcpt, raw } = relay.received[0]!;
  expect(rcpt).toEqual([RETURN_ADDRESS]);
  expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : []).toEqual([RETURN_ADDRESS]);
  expect(mail.from?.value).toEqual([{ address: 'care@voip.example', name: 'VoIP Customer Care' }]);
  expect(mail.inReplyTo).toBe(`<${messageId}>`);
  expect(mail.subject).toBe('Re: Charged twice this month');
  expect(mail.bcc).toBeUndefined();
  expect(mail.text).toContain(`please never send a card number such as ${REDACTION_MARKERS.card} by email.`);
  expect(raw).not.toMatch(/4111[ -]?1111/);
  expect(raw).not.toContain(billId);

  // answered once the central store's change reaches the desk: it moves out of the open queue
  await expect(pane.locator('.inquiry-facts .badge')).toHaveText('Answered', { timeout: 20_000 });
  await expect(sent).toContainText('The inquiry is answered.');
  await expect(view.getByRole('list', { name: 'Answered inquiries, newest first' }).getByRole('button')).toContainText(['Charged twice this month']);
  await expect(open.getByRole('button')).toHaveCount(openCount - 1);
  expect((await storedInquiry(central, billId)).status).toBe('answered');

  // linking it to the customer who wrote it, found with the console's search; the customer's email stays theirs
  const c = customerNo(3);
  await pane.getByRole('button', { name: 'Link to a customer…' }).click();
  const link = pane.getByRole('form', { name: 'Link “Charged twice this month” to a customer' });
  const customer = link.getByRole('combobox', { name: 'Customer who wrote this' });
  await expect(customer).toBeFocused();
  await customer.fill(c.customer.accountNumber);
  await expect(link.getByRole('option').first()).toContainText(nameOf(c));
  await customer.press('Enter');
  await link.getByLabel('Reason for the link').fill('Caller confirmed she sent it');
  await link.getByLabel('Reason for the link').press('Enter');
  await expect(link).toHaveCount(0);
  await expect(pane.getByRole('button', { name: 'Link to another customer…' })).toBeFocused();
  await expect(pane.locator('.inquiry-facts')).toContainText(nameOf(c));
  await expect(view.getByRole('button', { name: /Charged twice this month/ })).toContainText(nameOf(c));
  await expect(ui(page).status.pending).toContainText('0 waiting to send', { timeout: 20_000 });
  expect((await storedInquiry(central, billId)).customerId).toBe(c.customer.id);
  const onFile = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'customer').where('id', '=', c.customer.id).executeTakeFirstOrThrow();
  expect(JSON.parse(onFile.data!).email).toBe(c.customer.email);

  // closing it, with a reason; a closed inquiry offers no reply to a rep
  await pane.getByRole('button', { name: 'Close…' }).click();
  const closing = pane.getByRole('form', { name: 'Close: Charged twice this month' });
  await expect(closing.getByLabel('Reason to close')).toBeFocused();
  await closing.getByLabel('Reason to close').fill('Answered by email; charge refunded on a call');
  await closing.getByLabel('Reason to close').press('Enter');
  await expect(pane.locator('.inquiry-facts .badge')).toHaveText('Closed');
  await expect(pane.getByRole('button', { name: /^Reply/ })).toHaveCount(0);
  await expect(pane).toContainText('a supervisor can reopen it');
  await expect(ui(page).status.pending).toContainText('0 waiting to send', { timeout: 20_000 });
  expect((await storedInquiry(central, billId)).status).toBe('closed');

  // offline, the desk refuses a reply before anything is sent
  rep.link.cut();
  await view.getByRole('button', { name: /Keeping my number when I move/ }).click();
  await page.keyboard.press('Alt+R');
  const offline = pane.getByRole('form', { name: 'Reply to “Keeping my number when I move”' });
  await offline.getByLabel('Reply', { exact: true }).fill('Yes: we port your number for free.');
  await offline.getByLabel('Reply', { exact: true }).press('Control+Enter');
  await expect(offline).toContainText('this workstation must reach the central store, and it is offline now', { timeout: 20_000 });
  expect(relay.received).toHaveLength(1);
});
