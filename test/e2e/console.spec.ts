import { auditOf, customerInCentral, wrongAnswer } from './support/centralRecords';
import { customerNo, digitsOf, formatPhone, nameOf, openCustomer, signIn, signInAndSync, ui, verifyCaller } from './support/consoleUi';
import { capture, expect, PASSWORD, test } from './support/fixtures';

/**
 * The care rep's console end to end: the built renderer in Chromium, each page wired to a real
 * workstation core (encrypted cache, OS keychain, sync) like the preload wires it, against a real
 * central store over TLS with seeded demo customers.
 */

test.describe('first sign-in', () => {
  // enough records that the first pull arrives in more than one batch, so its progress shows
  test.use({ customers: 2500 });

  test('a care rep signs in, watches the first sync, finds a customer by each kind and opens the profile', async ({ openDesk }) => {
    const { page, link, ws } = await openDesk({ drip: 400_000 });
    const u = ui(page);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await capture(page, 'sign-in');

    await signIn(page, 'care.rep');
    await expect(u.status.progress).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('progressbar', { name: 'First sync' })).toHaveAttribute('aria-valuenow', /[1-9]/);
    // slower still, so that the rest of the records are surely on their way while the rep searches
    link.drip(20_000);
    await capture(page, 'first-sync');
    // a caller the first sync has yet to bring is "not found yet", with how many customers are here so far
    let late = customerNo(2499);
    for (let i = 2499; (await ws.call('customers.search', { query: late.customer.accountNumber, kind: 'account' })).hits.length > 0; i--) late = customerNo(i - 1);
    await u.search.fill(late.customer.accountNumber);
    const note = page.getByTestId('first-sync-note');
    await expect(note).toContainText(`Not found yet: “${late.customer.accountNumber}”`);
    await expect(note).toContainText(/[\d,]+ customers available so far — the first sync is still running; a caller not found may not be here yet\./);
    await expect(page.getByText(/No customer matches/)).toHaveCount(0);
    const soFar = Number((/([\d,]+) customers available/.exec((await note.textContent())!)![1]!).replace(/,/g, ''));
    expect(soFar).toBeGreaterThan(0);
    expect(soFar).toBeLessThan(2500);
    await capture(page, 'first-sync-search');
    link.drip(null);
    await expect(u.status.progress).toBeHidden({ timeout: 60_000 });
    // once it is over the same search finds them, and the note is gone
    await expect(u.results.filter({ hasText: nameOf(late) })).toBeVisible({ timeout: 20_000 });
    await expect(note).toHaveCount(0);
    await expect(u.status.online).toHaveText('Online');
    await expect(u.status.lastSync).not.toContainText('not yet');

    const c = customerNo(7);
    const searches: [string, string][] = [
      [formatPhone(c.customer.phones[0]!.number), 'Phone'],
      [digitsOf(c).slice(-7), 'Phone'],
      [nameOf(c), 'Name'],
      [c.customer.email, 'Email'],
      [c.customer.accountNumber, 'Account'],
    ];
    for (const [query, matchedBy] of searches) {
      await u.search.fill(query);
      await expect(u.results.filter({ hasText: nameOf(c) }), `search ${query}`).toContainText(matchedBy);
    }

    // one letter matches more customers than the list shows: it says how many
    await u.search.fill('a');
    const head = page.locator('.results-head');
    await expect(head).toHaveText(/^25 of [\d,]+\+? customers$/);
    const forOneLetter = (await head.textContent())!;

    // words typed together that cannot tell the first customers apart say so: the rep asks for more
    const vague = 'a 1';
    const tied = (await ws.call('customers.search', { query: vague, kind: 'auto', limit: 25 })).tiedAtTop;
    expect(tied).toBeGreaterThan(1);
    await u.search.fill(vague);
    const tiedNote = page.getByTestId('tied-note');
    await expect(tiedNote).toHaveText(`The first ${tied} match “${vague}” equally well: ask the caller for a first name, a street or another number before opening one.`);
    await capture(page, 'search-tied');
    const exact = `${digitsOf(c).slice(-4)} ${c.customer.lastName}`;
    expect((await ws.call('customers.search', { query: exact, kind: 'auto', limit: 25 })).tiedAtTop).toBe(0);
    await u.search.fill(exact);
    await expect(u.results.first()).toContainText(nameOf(c));
    await expect(tiedNote).toHaveCount(0);

    await u.search.fill(c.customer.lastName.slice(0, 2));
    // the new list is in (an arrow pressed over the last one's would be undone when it lands)
    await expect(head).not.toHaveText(forOneLetter);
    await expect(head).not.toContainText('counting');
    await expect(u.results.nth(3)).toBeVisible();
    await u.search.press('ArrowDown');
    await expect(u.results.nth(1)).toHaveAttribute('aria-selected', 'true');
    await capture(page, 'search-results');

    const forTwoLetters = (await head.textContent())!;
    await u.search.fill(nameOf(c));
    const row = u.results.filter({ hasText: c.customer.accountNumber });
    // the full name's list is in before the arrows are counted
    await expect(head).not.toHaveText(forTwoLetters);
    await expect(row).toBeVisible();
    const index = await u.results.evaluateAll((options, account) => options.findIndex((o) => o.textContent?.includes(account)), c.customer.accountNumber);
    for (let i = 0; i < index; i++) await u.search.press('ArrowDown');
    await expect(row).toHaveAttribute('aria-selected', 'true');
    await u.search.press('Enter');

    await expect(u.profileName).toHaveText(nameOf(c));
    const profile = page.getByRole('article');
    await expect(profile).toContainText(c.customer.accountNumber);
    await expect(profile).toContainText(c.customer.email);
    for (const p of c.customer.phones) await expect(u.section('Phones')).toContainText(formatPhone(p.number));
    await expect(u.section('Service address')).toContainText(c.customer.serviceAddress.line1);
    await expect(u.section('Mailing address')).toContainText(c.customer.mailingAddress.line1);
    await expect(page.getByRole('region', { name: 'Consents' })).toContainText('Marketing email');
    await expect(page.getByRole('region', { name: /Service lines/ })).toContainText(formatPhone(c.serviceLines[0]!.number));
    await expect(page.getByRole('region', { name: 'Billing summary' })).toContainText('Balance');
    // what a care rep may not see is not there at all
    await expect(profile).not.toContainText(c.secrets.ssnLast4);
    await capture(page, 'profile');
  });
});

test('a caller is verified (wrong answer, then right); a phone and an address are corrected; the central store and a second desk see it', async ({ openDesk, central }) => {
  const a = await openDesk({ name: 'desk A' });
  const b = await openDesk({ name: 'desk B' });
  await signInAndSync(a.page, 'care.rep');
  await signInAndSync(b.page, 'care.rose');
  const c = customerNo(11);
  await openCustomer(a.page, c);
  await openCustomer(b.page, c);
  const u = ui(a.page);

  await expect(u.answer).toBeFocused();
  await expect(u.section('Phones').getByRole('button', { name: 'Edit phones' })).toHaveAttribute('aria-disabled', 'true');
  await u.answer.fill(wrongAnswer(c.secrets.ssnLast4));
  await u.answer.press('Enter');
  await expect(a.page.getByText(/That answer does not match\. \d attempts? left\./)).toBeVisible();
  await expect(a.page.getByTestId('attempts-left')).toContainText('left');
  await capture(a.page, 'verification');
  await verifyCaller(a.page, c);

  await u.section('Phones').getByRole('button', { name: 'Edit phones' }).click();
  await a.page.getByLabel('Phone 1 number').fill('(646) 201-7788');
  await u.reason.fill('Caller has a new number');
  await u.save.click();
  await expect(u.section('Phones')).toContainText('(646) 201-7788');
  await expect(u.section('Phones').getByText('Confirmed')).toBeVisible({ timeout: 20_000 });

  await u.section('Service address').getByRole('button', { name: 'Edit service address' }).click();
  await a.page.getByLabel('Address line 1').fill('12 Harbor Street');
  await a.page.getByLabel('Address line 2 (optional)').fill('');
  await a.page.getByLabel('City').fill('Boston');
  await a.page.getByLabel('State').selectOption('MA');
  await a.page.getByLabel('ZIP').fill('02110');
  await u.reason.fill('Caller moved');
  await u.reason.press('Enter');
  // the same call's next step offers to move the lines' E911 address too (e911.spec.ts); not this time
  const e911 = a.page.getByRole('dialog', { name: 'Update the E911 address too?' });
  await e911.getByRole('button', { name: 'Not now' }).click();
  await e911.getByRole('button', { name: 'Done' }).click();
  await expect(e911).toHaveCount(0);
  await expect(u.section('Service address')).toContainText(/12 Harbor Street\s*Boston, MA 02110/);
  await expect(u.section('Service address').getByText('Confirmed')).toBeVisible({ timeout: 20_000 });
  await expect(u.status.pending).toHaveText('0 waiting to send');

  const stored = await customerInCentral(central, c.customer.id);
  expect(stored.phones[0]!.number).toBe('+16462017788');
  expect(stored.serviceAddress).toEqual({ line1: '12 Harbor Street', city: 'Boston', state: 'MA', zip: '02110' });

  // the reasons are kept with the record, and the history shows them: newest first, with who
  const history = a.page.getByRole('region', { name: 'History' });
  await history.getByRole('button', { name: 'Show history' }).click();
  const changes = history.getByRole('listitem');
  await expect(changes).toHaveCount(2);
  await expect(changes.nth(0)).toContainText('Changed: Service address');
  await expect(changes.nth(0)).toContainText('“Caller moved”');
  await expect(changes.nth(1)).toContainText('Changed: Phones');
  await expect(changes.nth(1)).toContainText('“Caller has a new number”');
  await expect(changes.nth(1)).toContainText('by ');
  await capture(a.page, 'history');

  const other = ui(b.page);
  await expect(other.section('Phones')).toContainText('(646) 201-7788', { timeout: 20_000 });
  await expect(other.section('Service address')).toContainText(/12 Harbor Street\s*Boston, MA 02110/);
});

test('offline, an edit is kept pending; when the central store is back it is confirmed', async ({ openDesk, central }) => {
  const { page } = await openDesk();
  const u = ui(page);
  await signInAndSync(page, 'care.rep');
  const c = customerNo(21);
  await openCustomer(page, c);
  await verifyCaller(page, c);

  await central.stop();
  await expect(u.status.online).toHaveText('Offline', { timeout: 30_000 });
  await u.section('Email').getByRole('button', { name: 'Edit email' }).click();
  await page.getByLabel('Email', { exact: true }).fill('new.address@example.org');
  await u.reason.fill('Caller asked to correct it');
  await u.save.click();
  await expect(u.section('Email')).toContainText('new.address@example.org');
  await expect(u.section('Email').getByText('Waiting to send')).toBeVisible();
  await expect(u.status.pending).toHaveText('1 waiting to send');
  await expect(page.getByRole('region', { name: 'Changes' })).toContainText('Waiting for the central store');

  await central.restart();
  await expect(u.section('Email').getByText('Confirmed')).toBeVisible({ timeout: 60_000 });
  await expect(u.status.pending).toHaveText('0 waiting to send');
  await expect(u.status.online).toHaveText('Online');
  expect((await customerInCentral(central, c.customer.id)).email).toBe('new.address@example.org');
});

test('two desks change the same email: the second sees both changes with who, when and why, picks one itself, and nothing is lost', async ({ openDesk, central }) => {
  const a = await openDesk({ name: 'desk A' });
  const b = await openDesk({ name: 'desk B' });
  await signInAndSync(a.page, 'care.rep');
  await signInAndSync(b.page, 'care.rose');
  const c = customerNo(33);
  for (const desk of [a, b]) {
    await openCustomer(desk.page, c);
    await verifyCaller(desk.page, c);
  }
  const ua = ui(a.page);
  const ub = ui(b.page);

  b.link.cut();
  await expect(ub.status.online).toHaveText('Offline', { timeout: 30_000 });
  await ub.section('Email').getByRole('button', { name: 'Edit email' }).click();
  await b.page.getByLabel('Email', { exact: true }).fill('rose.typed@example.com');
  await ub.reason.fill('Caller spelled out her work address');
  await ub.save.click();
  await expect(ub.section('Email').getByText('Waiting to send')).toBeVisible();

  await ua.section('Email').getByRole('button', { name: 'Edit email' }).click();
  await a.page.getByLabel('Email', { exact: true }).fill('casey.typed@example.com');
  await ua.reason.fill('Caller asked to use the family address');
  await ua.save.click();
  await expect(ua.section('Email').getByText('Confirmed')).toBeVisible({ timeout: 20_000 });

  b.link.restore();
  await expect(ub.status.conflicts).toHaveText('1 conflict', { timeout: 60_000 });
  await expect(ub.section('Email').getByText('Conflict')).toBeVisible();
  await b.page.getByRole('button', { name: /^Conflicts/ }).click();
  const card = b.page.getByRole('list', { name: 'Unresolved conflicts' }).getByRole('listitem').filter({ hasText: nameOf(c) });
  await expect(card).toContainText('Email');
  // both values side by side, each with who, when and why; nothing is picked for the rep
  const mine = card.getByRole('radio', { name: /^Your change/ });
  const theirs = card.getByRole('radio', { name: /^Current value/ });
  await expect(mine).toHaveAccessibleName('Your change rose.typed@example.com');
  await expect(theirs).toHaveAccessibleName('Current value casey.typed@example.com');
  await expect(mine).not.toBeChecked();
  await expect(theirs).not.toBeChecked();
  await expect(mine).toHaveAccessibleDescription(/^You, \w{3} \d+, \d\d:\d\d\s*“Caller spelled out her work address”$/);
  await expect(theirs).toHaveAccessibleDescription(/^Casey Care, \w{3} \d+, \d\d:\d\d\s*“Caller asked to use the family address”$/);
  for (const text of ['rose.typed@example.com', 'casey.typed@example.com', 'You,', 'Casey Care,', '“Caller spelled out her work address”', '“Caller asked to use the family address”']) {
    await expect(card.getByText(text, { exact: false }).first(), text).toBeVisible();
  }
  await expect(card.locator('.btn-primary')).toHaveCount(0);
  await capture(b.page, 'conflicts');

  // confirming without a choice picks nothing, and says so
  await card.getByRole('button', { name: /^Keep the chosen value/ }).click();
  await expect(card.getByRole('alert')).toContainText('Choose one of the two values first');
  await expect(ub.status.conflicts).toHaveText('1 conflict');

  // the customer's name opens their profile, and the conflict is still there to decide
  await card.getByRole('button', { name: new RegExp(`^${nameOf(c)}`) }).click();
  await expect(ub.profileName).toHaveText(nameOf(c));
  await b.page.getByRole('button', { name: /^Conflicts/ }).click();
  await expect(mine).not.toBeChecked();

  await mine.check();
  await card.getByRole('button', { name: /^Apply your change/ }).click();
  await expect(b.page.getByText('No conflicts.')).toBeVisible();
  await expect(ub.status.conflicts).toHaveText('0 conflicts', { timeout: 20_000 });
  await expect.poll(async () => (await customerInCentral(central, c.customer.id)).email, { timeout: 20_000 }).toBe('rose.typed@example.com');
  await expect(ua.section('Email')).toContainText('rose.typed@example.com', { timeout: 20_000 });

  // both reps' changes reached the central store's audit trail: nothing vanished without a trace
  const audit = await auditOf(central, c.customer.id);
  const edits = audit.filter((e) => e.fields.includes('email'));
  expect(new Set(edits.map((e) => e.username))).toEqual(new Set(['care.rep', 'care.rose']));
});

test('the console locks when idle and unlocks with the password while the central store is down', async ({ openDesk, central }) => {
  const { page, ws, clock } = await openDesk();
  const u = ui(page);
  await signInAndSync(page, 'care.rep');
  await central.stop();
  await expect(u.status.online).toHaveText('Offline', { timeout: 30_000 });

  clock.advance(16 * 60_000);
  await ws.core.session.checkIdle();
  await expect(page.getByRole('heading', { name: 'Console locked' })).toBeVisible();
  await expect(page.getByLabel('Password')).toBeFocused();
  await capture(page, 'unlock');

  await page.getByLabel('Password').fill('not my password');
  await page.getByLabel('Password').press('Enter');
  await expect(page.getByRole('alert')).toBeVisible();
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Password').press('Enter');
  await expect(u.search).toBeVisible();
  await expect(u.status.online).toHaveText('Offline');
  const c = customerNo(3);
  await u.search.fill(c.customer.accountNumber);
  await expect(u.results.first()).toContainText(nameOf(c));
});

test('an invalid phone or ZIP is refused at the field, naming the rule, and nothing is queued', async ({ openDesk, central }) => {
  const { page, ws } = await openDesk();
  const u = ui(page);
  await signInAndSync(page, 'care.rep');
  const c = customerNo(42);
  await openCustomer(page, c);
  await verifyCaller(page, c);

  await u.section('Phones').getByRole('button', { name: 'Edit phones' }).click();
  const number = page.getByLabel('Phone 1 number');
  await number.fill('(212) 555-01');
  await expect(page.locator('.field-error').filter({ hasText: 'phone.e164' })).toBeVisible();
  await expect(number).toHaveAttribute('aria-invalid', 'true');
  await u.reason.fill('Caller has a new number');
  await capture(page, 'edit-field-error');
  await u.save.click();
  await expect(page.getByRole('alert').filter({ hasText: 'Not saved' })).toBeVisible();
  await expect(number).toBeFocused();
  await page.keyboard.press('Escape');

  await u.section('Service address').getByRole('button', { name: 'Edit service address' }).click();
  await page.getByLabel('ZIP').fill('1234');
  await expect(page.locator('.field-error').filter({ hasText: 'zip.format' })).toBeVisible();
  await u.reason.fill('Caller moved');
  await u.reason.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'Not saved' })).toBeVisible();
  await expect(page.getByLabel('ZIP')).toBeFocused();

  await expect(u.status.pending).toHaveText('0 waiting to send');
  expect((await ws.call('sync.status', {})).pending).toBe(0);
  const stored = await customerInCentral(central, c.customer.id);
  expect(stored.phones).toEqual(c.customer.phones);
  expect(stored.serviceAddress).toEqual(c.customer.serviceAddress);
});

test('navigation follows the role: a billing clerk reads customers and corrects no contact data', async ({ openDesk }) => {
  const { page } = await openDesk();
  await signInAndSync(page, 'billing.bea');
  await expect(page.getByRole('navigation', { name: 'Console views' }).getByRole('button')).toHaveText([/Customers/, /Conflicts/, /Audit log/]);
  const c = customerNo(5);
  await openCustomer(page, c);
  await expect(page.getByRole('region', { name: 'Billing summary' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Edit/ })).toHaveCount(0);
  // the clerk verifies callers too (issue 13), for a card or a credit, never to edit contact data
  await expect(ui(page).verification).toContainText('Replacing a card and recording a credit the caller asks for open once the caller is verified.');
  await expect(ui(page).profileName).toBeFocused();
});
