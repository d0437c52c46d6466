import { demoInquiry, demoLead, type DemoOptions } from '../../domain/demo/generator';
import type { MasterKeyring } from '../billing/masterKeys';
import type { Clock } from '../context';
import { readMeta, writeMeta } from '../storage/changeLog';
import { inTransaction, type Tx } from '../storage/database';
import type { CentralDb, CentralSchema } from '../storage/schema';
import { loadRecords } from '../storage/recordStore';
import { demoBatches } from './demoBatches';
import { draftRow, type DemoBatchJob } from './demoRows';

/**
 * Demo data for development and benchmarks: deterministic customers (domain/demo) with everything
 * that hangs off them, their caller-verification answers (hashed), and some leads and inquiries.
 * Demo card numbers go into the card vault, each sealed under a data key of its own (billing/cardVault.ts);
 * only the masked payment method is a record. Seeding again continues after the last customer.
 */
export interface SeedOptions {
  seed?: number;
  historyMonths?: number;
  /** DemoOptions.surnames: the search benchmark's population draws from a wider list */
  surnames?: DemoOptions['surnames'];
  onProgress?: (done: number, total: number) => void;
}

export interface SeedSummary {
  customers: number;
  records: number;
  /** card numbers sealed in the vault */
  cards: number;
  leads: number;
  inquiries: number;
  /** index of the first customer seeded: `demoCustomer(firstIndex + i, { seed })` regenerates it, answers included */
  firstIndex: number;
  seed: number;
}

/** Customers per transaction (fewer, larger transactions write each index page fewer times), and rows per INSERT. */
const CUSTOMERS_PER_TRANSACTION = 5000;
const ROWS_PER_INSERT = 1000;
/** below this, worker threads cost more than they save */
const WORKERS_FROM = 10_000;
const NEXT_INDEX = { customer: 'demo.next_customer', lead: 'demo.next_lead', inquiry: 'demo.next_inquiry' } as const;

async function nextIndex(db: CentralDb, kind: keyof typeof NEXT_INDEX): Promise<number> {
  return Number((await readMeta(db, NEXT_INDEX[kind])) ?? 0);
}

async function insertMany<T extends keyof CentralSchema>(tx: Tx, table: T, rows: CentralSchema[T][]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    // Kysely cannot relate a generic table name to its row type; the rows are typed by the caller
    await tx.insertInto(table).values(rows.slice(i, i + ROWS_PER_INSERT) as never).execute();
  }
}

export async function seedDemo(deps: { db: CentralDb; clock: Clock; pepper: Buffer; cardKeys: MasterKeyring }, count: number, options: SeedOptions = {}): Promise<SeedSummary> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a whole number');
  const seed = options.seed ?? 1;
  const historyMonths = options.historyMonths ?? 3;
  const firstIndex = await nextIndex(deps.db, 'customer');
  const at = deps.clock().toISOString();

  const jobs: DemoBatchJob[] = [];
  for (let done = 0; done < count; done += CUSTOMERS_PER_TRANSACTION) {
    jobs.push({ seed, historyMonths, surnames: options.surnames, from: firstIndex + done, count: Math.min(CUSTOMERS_PER_TRANSACTION, count - done), at });
  }
  let records = 0;
  let cards = 0;
  let done = 0;
  let index = 0;
  for await (const batch of demoBatches(jobs, { pepper: deps.pepper, cardKey: deps.cardKeys.current() }, count >= WORKERS_FROM)) {
    const job = jobs[index++]!;
    await inTransaction(deps.db, async (tx) => {
      await loadRecords(tx, batch.records);
      await insertMany(tx, 'caller_secrets', batch.secrets);
      await insertMany(tx, 'card_vault', batch.cards);
      await writeMeta(tx, NEXT_INDEX.customer, String(job.from + job.count));
    });
    records += batch.records.length;
    cards += batch.cards.length;
    done += job.count;
    options.onProgress?.(done, count);
  }

  // prospects: about one lead per 10 customers and one inquiry per 20
  const [firstLead, firstInquiry] = [await nextIndex(deps.db, 'lead'), await nextIndex(deps.db, 'inquiry')];
  const leads = Array.from({ length: Math.ceil(count / 10) }, (_, i) => draftRow('lead', demoLead(firstLead + i, { seed }), at));
  const inquiries = Array.from({ length: Math.ceil(count / 20) }, (_, i) => draftRow('inquiry', demoInquiry(firstInquiry + i, { seed }), at));
  await inTransaction(deps.db, async (tx) => {
    await loadRecords(tx, [...leads, ...inquiries]);
    await writeMeta(tx, NEXT_INDEX.lead, String(firstLead + leads.length));
    await writeMeta(tx, NEXT_INDEX.inquiry, String(firstInquiry + inquiries.length));
  });
  return { customers: count, records: records + leads.length + inquiries.length, cards, leads: leads.length, inquiries: inquiries.length, firstIndex, seed };
}
