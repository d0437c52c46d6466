import type { TestCentral } from '../../support/central';

/** A customer as the central store holds it now (the system of record). */
export async function customerInCentral(central: TestCentral, customerId: string): Promise<Record<string, unknown> & { phones: { kind: string; number: string }[] }> {
  const row = await central.store.db.selectFrom('records').select(['data']).where('entity', '=', 'customer').where('id', '=', customerId).executeTakeFirstOrThrow();
  return JSON.parse(row.data ?? 'null');
}

/** The audit trail of changes to a customer: who did what, with which outcome (never values). */
export async function auditOf(central: TestCentral, customerId: string) {
  return central.store.db
    .selectFrom('audit_log')
    .innerJoin('users', 'users.id', 'audit_log.user_id')
    .select(['audit_log.action', 'audit_log.outcome', 'audit_log.fields', 'users.username'])
    .where('audit_log.customer_id', '=', customerId)
    .orderBy('audit_log.seq')
    .execute();
}

export function wrongAnswer(answer: string): string {
  return String((Number(answer) + 1111) % 10_000).padStart(4, '0');
}
