import { createHash, randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import {
  BillingAccount,
  Customer,
  SHARING_CONSENT,
  SHARING_PURPOSES,
  SharingRecord,
  columnValue,
  shareableColumns,
  type SharingColumn,
  type SharingExportRequest,
  type SharingExportResult,
} from '../../domain';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction } from '../storage/database';
import { writeRecords } from '../storage/recordStore';

/** Customers read per page while a file is made: memory stays flat at any size. */
const PAGE = 1_000;

/**
 * A partner's file (DESIGN §1 "Sharing", issue 14), made by the central store and never by a desk:
 * the rows and the minimal columns its purpose declares (domain/sharing.ts, which refuses a column
 * on purpose-bound data: leads, inquiries and their return addresses), the customers who opted out
 * of partner sharing left out and counted, written as CSV by csv-stringify with formula injection
 * neutralised. The sharing register gets the partner, purpose, columns, counts and the file's
 * SHA-256 in the same transaction as the audit row; the file goes back to the officer who asked.
 */
export async function exportForPartner(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>, session: SessionContext, request: SharingExportRequest): Promise<SharingExportResult> {
  const { user } = session;
  const purpose = SHARING_PURPOSES[request.purpose];
  const columns = shareableColumns(purpose);
  const now = ctx.clock();
  const { csv, record, head } = await inTransaction(ctx.db, async (tx) => {
    const rows: string[][] = [];
    let optedOut = 0;
    let after = '';
    for (;;) {
      // a customer and their billing account, by customer id; erased customers (no data) are not rows
      const page = await tx
        .selectFrom('records as c')
        .innerJoin('records as b', (join) => join.onRef('b.customer_id', '=', 'c.id').on('b.entity', '=', 'billingAccount'))
        .select(['c.id as id', 'c.data as customer', 'b.data as account'])
        .where('c.entity', '=', 'customer')
        .where('c.data', 'is not', null)
        .where('b.data', 'is not', null)
        .where('c.id', '>', after)
        .orderBy('c.id')
        .limit(PAGE)
        .execute();
      for (const row of page) {
        const customer = Customer.parse(JSON.parse(row.customer!));
        const billingAccount = BillingAccount.parse(JSON.parse(row.account!));
        if (!purpose.includes(customer, billingAccount)) continue;
        if (!customer.consents[SHARING_CONSENT]) {
          optedOut += 1;
          continue;
        }
        rows.push(columns.map((column) => neutralise(columnValue(column, { customer, billingAccount }), column)));
      }
      if (page.length < PAGE) break;
      after = page.at(-1)!.id;
    }
    const csv = stringify(rows, { header: true, columns: columns.map((c) => c.header), record_delimiter: 'windows' });
    const record = SharingRecord.parse({
      id: randomUUID(),
      partner: request.partner,
      purpose: request.purpose,
      fields: columns.map((c) => c.header),
      customerCount: rows.length,
      optedOutCount: optedOut,
      sha256: createHash('sha256').update(csv, 'utf8').digest('hex'),
      exportedBy: user.id,
      at: now.toISOString(),
    });
    const [seq] = await writeRecords(tx, [{ op: 'create', entity: 'sharingRecord', id: record.id, customerId: null, data: record, fields: Object.keys(record).filter((f) => f !== 'id') }], {
      at: now,
      by: user.id,
      reason: `Export for ${request.partner}: ${purpose.label}`,
      audit: {
        action: 'sharing.exported',
        userId: user.id,
        role: user.role,
        deviceId: session.deviceId,
        entity: 'sharingRecord',
        entityId: record.id,
        outcome: 'ok',
        fields: record.fields,
        detail: `${request.purpose}: ${record.customerCount} customers, ${record.optedOutCount} opted out; sha256 ${record.sha256}`,
      },
    });
    return { csv, record, head: seq! };
  });
  ctx.feed.publish({ kind: 'advanced', head });
  return { record, saveAs: fileNameOf(request, now), csv };
}

/**
 * A cell a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage return)
 * is written with a leading apostrophe, as OWASP advises; a phone column's E.164 number stays as it
 * is, a + and digits only, so that the partner's systems can still parse it.
 */
export function neutralise(value: string, column: Pick<SharingColumn, 'kind'>): string {
  if (column.kind === 'phone' && /^\+[1-9]\d{1,14}$/.test(value)) return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function fileNameOf(request: SharingExportRequest, at: Date): string {
  const partner = request.partner.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'partner';
  return `${request.purpose}-${partner}-${at.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}.csv`;
}
