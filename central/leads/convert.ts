import { randomInt, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  BillingAccount,
  CONSENT_KEYS,
  CareDeskError,
  Customer,
  Lead,
  Order,
  PLAN_CURRENCY,
  PLAN_PRICES,
  ValidationError,
  customerIdOf,
  transitionOf,
  type DuplicateCandidate,
  type LeadConversionRequest,
  type LeadConversionResult,
  type PostalAddress,
} from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction, jsonArrayHas, jsonText, type Tx } from '../storage/database';
import { readRecord, writeRecords, type RecordWrite } from '../storage/recordStore';

/** How many possible duplicates an answer names at most. */
const MAX_CANDIDATES = 10;
/** Days until the first bill of a new account is due. */
const FIRST_DUE_DAYS = 30;

/**
 * Converts a lead (issue 12): the central store's own lifecycle step (`contacted`/`quoted` →
 * `converted`, domain/lifecycles.ts), on a rep's request. Existing customers who look like the
 * prospect (same email, same phone, or same last name at the same address) are answered instead of
 * converting, until the rep names the customer the prospect is (`sameAs`) or says each candidate is
 * someone else (`distinctFrom`). Then, in one transaction with its audit row: a new customer (status
 * `pending`, every consent an opt-out until asked) with a billing account, or the existing customer;
 * an order for the chosen plans, with no payment data; the lead `converted` and linked to the
 * customer, so that the customer's erasure reaches it.
 */
export async function convertLead(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>, session: SessionContext, request: LeadConversionRequest): Promise<LeadConversionResult> {
  const { user } = session;
  const now = ctx.clock();
  const audit = { action: 'lead.converted', userId: user.id, role: user.role, deviceId: session.deviceId, entity: 'lead', entityId: request.leadId } as const;
  const outcome = await inTransaction(ctx.db, async (tx) => {
    const stored = await readRecord(tx, 'lead', request.leadId);
    if (!stored?.data) throw new CareDeskError('not_found', 'no such lead');
    const lead = Lead.parse(stored.data);
    if (!transitionOf('lead', lead.status, 'converted')) {
      throw new ValidationError([{ field: 'leadId', rule: 'transition.not_allowed', message: `a ${lead.status} lead cannot be converted: it must have been contacted or quoted` }]);
    }

    let customerId: string;
    let accountNumber: string;
    const writes: RecordWrite[] = [];
    if (request.sameAs) {
      const existing = await readRecord(tx, 'customer', request.sameAs);
      if (!existing?.data) throw new ValidationError([{ field: 'sameAs', rule: 'not_found', message: 'no such customer' }]);
      customerId = request.sameAs;
      accountNumber = String(existing.data.accountNumber);
    } else {
      const candidates = (await possibleDuplicates(tx, lead, request.serviceAddress)).filter((c) => !request.distinctFrom.includes(c.customerId));
      if (candidates.length) {
        await appendAudit(tx, now, { ...audit, outcome: 'conflict', detail: `possible duplicates: ${candidates.map((c) => c.customerId).join(', ')}` });
        return { status: 'duplicates', candidates } as const;
      }
      customerId = randomUUID();
      accountNumber = await freeAccountNumber(tx);
      const at = now.toISOString();
      const customer = Customer.parse({
        id: customerId,
        accountNumber,
        accountStatus: 'pending',
        firstName: lead.firstName,
        lastName: lead.lastName,
        email: lead.email,
        phones: [{ kind: 'mobile', number: lead.phone }],
        serviceAddress: request.serviceAddress,
        mailingAddress: lead.mailingAddress,
        // the prospect agreed to be contacted about what they asked for, nothing more: every other use waits for their word
        consents: Object.fromEntries(CONSENT_KEYS.map((key) => [key, false])),
        createdAt: at,
        updatedAt: at,
      });
      const due = new Date(now);
      due.setUTCDate(due.getUTCDate() + FIRST_DUE_DAYS);
      const account = BillingAccount.parse({
        id: randomUUID(),
        customerId,
        balanceCents: 0,
        currency: PLAN_CURRENCY,
        dueDate: due.toISOString().slice(0, 10),
        status: 'current',
        autopay: false,
        billingAddress: lead.mailingAddress,
      });
      writes.push(
        { op: 'create', entity: 'customer', id: customerId, customerId, data: customer, fields: Object.keys(customer).filter((f) => f !== 'id') },
        { op: 'create', entity: 'billingAccount', id: account.id, customerId, data: account, fields: Object.keys(account).filter((f) => f !== 'id') },
      );
    }
    const order = Order.parse({
      id: randomUUID(),
      customerId,
      items: request.plans.map(({ plan, quantity }) => ({ sku: PLAN_PRICES[plan].sku, description: plan, quantity, priceCents: PLAN_PRICES[plan].monthlyCents })),
      status: 'placed',
      placedAt: now.toISOString(),
      fulfilledAt: null,
    });
    const converted = { ...lead, status: 'converted', convertedCustomerId: customerId };
    writes.push(
      { op: 'create', entity: 'order', id: order.id, customerId, data: order, fields: ['items', 'status'] },
      { op: 'update', entity: 'lead', id: lead.id, customerId: customerIdOf('lead', converted), data: converted, fields: ['status', 'convertedCustomerId'] },
    );
    const seqs = await writeRecords(tx, writes, {
      at: now,
      by: user.id,
      reason: 'Converted from a lead',
      audit: { ...audit, outcome: 'ok', customerId, fields: writes.map((w) => w.entity), detail: `${request.sameAs ? 'into an existing customer' : 'new customer'}; order ${order.id}` },
    });
    return { status: 'converted', customerId, accountNumber, orderId: order.id, created: !request.sameAs, head: Math.max(...seqs) } as const;
  });
  if (outcome.status === 'duplicates') return outcome;
  ctx.feed.publish({ kind: 'advanced', head: outcome.head });
  const { head: _head, ...result } = outcome;
  return result;
}

/**
 * Customers who may be the prospect: the same email (case aside), the same phone number, or the
 * same last name at the same street address and ZIP (the lead's mailing address or the service
 * address asked for). A scan of the customer records (`jsonText`), fine at a provider's size;
 * expression indexes on these keys would spare it.
 */
async function possibleDuplicates(tx: Tx, lead: Lead, serviceAddress: PostalAddress): Promise<DuplicateCandidate[]> {
  const addresses = [lead.mailingAddress, serviceAddress];
  const sameAddress = (field: string) =>
    sql.join(
      addresses.map((a) => sql`(lower(${jsonText(tx, 'data', field, 'line1')}) = ${a.line1.toLowerCase()} and ${jsonText(tx, 'data', field, 'zip')} = ${a.zip})`),
      sql` or `,
    );
  const rows = await sql<{ id: string; data: string; by_email: number | boolean; by_phone: number | boolean; by_address: number | boolean }>`
    select * from (
      select id, data,
        coalesce(lower(${jsonText(tx, 'data', 'email')}) = ${lead.email.toLowerCase()}, false) as by_email,
        ${jsonArrayHas(tx, 'data', 'phones', 'number', lead.phone)} as by_phone,
        coalesce(lower(${jsonText(tx, 'data', 'lastName')}) = ${lead.lastName.toLowerCase()} and (${sameAddress('serviceAddress')} or ${sameAddress('mailingAddress')}), false) as by_address
      from records
      where entity = 'customer' and data is not null
    ) as c
    where by_email or by_phone or by_address
    limit ${MAX_CANDIDATES}`.execute(tx);
  return rows.rows.map((row) => {
    const data = JSON.parse(row.data) as Customer;
    const matchedOn = [row.by_email ? 'email' : null, row.by_phone ? 'phone' : null, row.by_address ? 'name_and_address' : null].filter((m): m is DuplicateCandidate['matchedOn'][number] => m !== null);
    return { customerId: row.id, name: `${data.firstName} ${data.lastName}`, accountNumber: data.accountNumber, matchedOn };
  });
}

/** An account number no customer has (A and 8 digits), drawn at random. */
async function freeAccountNumber(tx: Tx): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const candidate = `A${randomInt(10_000_000, 100_000_000)}`;
    const taken = await sql<{ n: number }>`select count(*) as n from records where entity = 'customer' and ${jsonText(tx, 'data', 'accountNumber')} = ${candidate}`.execute(tx);
    if (Number(taken.rows[0]!.n) === 0) return candidate;
  }
  throw new Error('no free account number found in 20 draws');
}
