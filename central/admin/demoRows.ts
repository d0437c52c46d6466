import { randomBytes } from 'node:crypto';
import { customerIdOf, type EntityName } from '../../domain';
import { demoCustomer, type DemoCustomer, type DemoOptions } from '../../domain/demo/generator';
import { sealCard, type CardVaultRow } from '../billing/cardVault';
import type { MasterKey } from '../billing/masterKeys';
import type { CentralSchema } from '../storage/schema';
import { callerSecretRow } from '../verification/callerSecrets';

/** A records row before it is given its sequence number. */
export type DraftRow = Omit<CentralSchema['records'], 'seq'>;
export type SecretRow = CentralSchema['caller_secrets'];

export interface DemoBatchJob {
  seed: number;
  historyMonths: number;
  surnames?: DemoOptions['surnames'];
  /** index of the first customer of the batch */
  from: number;
  count: number;
  /** updated_at of the rows */
  at: string;
}

export interface DemoBatch {
  records: DraftRow[];
  secrets: SecretRow[];
  /** the demo card numbers, sealed in the card vault: never a record */
  cards: CardVaultRow[];
}

/** What a batch is sealed with: the caller-verification pepper and the card vault's current master key. */
export interface DemoKeys {
  pepper: Buffer;
  cardKey: MasterKey;
}

export function draftRow(entity: EntityName, record: { id: string }, at: string): DraftRow {
  return { entity, id: record.id, customer_id: customerIdOf(entity, record), data: JSON.stringify(record), updated_at: at, updated_by: null };
}

/** Everything that hangs off one customer, as records. The card numbers go to the vault, never here. */
function customerRows(c: DemoCustomer, at: string): DraftRow[] {
  return [
    draftRow('customer', c.customer, at),
    ...c.serviceLines.map((r) => draftRow('serviceLine', r, at)),
    draftRow('billingAccount', c.billingAccount, at),
    ...c.invoices.map((r) => draftRow('invoice', r, at)),
    ...c.payments.map((r) => draftRow('payment', r, at)),
    ...c.paymentMethods.map((r) => draftRow('paymentMethod', r, at)),
    ...c.orders.map((r) => draftRow('order', r, at)),
    ...c.adjustments.map((r) => draftRow('billingAdjustment', r, at)),
  ];
}

export function demoBatch(job: DemoBatchJob, keys: DemoKeys): DemoBatch {
  const batch: DemoBatch = { records: [], secrets: [], cards: [] };
  const cards: { paymentMethodId: string; customerId: string; cardNumber: string }[] = [];
  for (let i = job.from; i < job.from + job.count; i++) {
    const c = demoCustomer(i, { seed: job.seed, historyMonths: job.historyMonths, surnames: job.surnames });
    batch.records.push(...customerRows(c, job.at));
    batch.secrets.push(callerSecretRow(keys.pepper, c.customer.id, c.secrets));
    for (const [paymentMethodId, cardNumber] of Object.entries(c.secrets.cardNumbers)) cards.push({ paymentMethodId, customerId: c.customer.id, cardNumber });
  }
  // one draw of randomness for the whole batch: a data key and two IVs per card
  const random = randomBytes(56 * cards.length);
  batch.cards = cards.map((card, i) => sealCard(keys.cardKey, card, job.at, random.subarray(56 * i, 56 * (i + 1))));
  random.fill(0);
  // in key order, each index page of the batch is written once rather than once per row
  batch.records.sort((a, b) => (a.id === b.id ? (a.entity < b.entity ? -1 : 1) : a.id < b.id ? -1 : 1));
  batch.secrets.sort((a, b) => (a.customer_id < b.customer_id ? -1 : 1));
  batch.cards.sort((a, b) => (a.payment_method_id < b.payment_method_id ? -1 : 1));
  return batch;
}
