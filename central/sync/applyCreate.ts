import { ENTITY_SCHEMAS, LIFECYCLES, createOperationOf, issuesFromZod, valueSchemaAt, type FieldIssue, type Mutation } from '../../domain';
import type { SessionContext } from '../identity/sessions';
import type { Tx } from '../storage/database';
import { readRecord, writeRecords } from '../storage/recordStore';
import { verificationCoverage } from '../verification/callerVerification';
import { rejected, type MutationOutcome } from './mutationOutcome';

/**
 * A record born on a desk (DESIGN §8, issue 10): a `create` mutation with a client-made id. The
 * entity's create operation (domain/operations.ts) says which fields the desk gives; the store sets
 * the rest itself — who filed, when, the initial status from the lifecycle's creating step — and
 * refuses any of those the desk sends. Who may create is that creating step's roles. An id already
 * taken is refused (`create.id_taken`): a replay of the same mutation never gets here, push.ts
 * answers it by its mutation id.
 */
export async function applyCreate(tx: Tx, session: SessionContext, m: Mutation, now: Date): Promise<MutationOutcome> {
  const { user } = session;
  const refuse = (code: string, message: string, issues: FieldIssue[] = [], customerId: string | null = null): MutationOutcome => ({ result: rejected(m, code, message, issues), customerId, wrote: false });
  const op = createOperationOf(m.entity);
  const lifecycle = LIFECYCLES[m.entity];
  const creating = lifecycle?.transitions.find((t) => t.from === null);
  if (!op || !lifecycle || !creating) return refuse('forbidden', `a ${m.entity} is not created on a workstation`, [{ field: '(entity)', rule: 'create.not_allowed', message: `no ${m.entity} is born on a desk` }]);
  if (!creating.by.includes(user.role)) return refuse('forbidden', `a ${user.role} may not create a ${m.entity}`, [{ field: '(entity)', rule: 'create.not_allowed', message: `for ${creating.by.join(', ')}` }]);

  const issues: FieldIssue[] = [];
  for (const [field, value] of Object.entries(m.changes)) {
    if (!op.fields.includes(field)) {
      issues.push({ field, rule: 'field.server_owned', message: `the central store sets ${m.entity}.${field} itself` });
      continue;
    }
    const parsed = valueSchemaAt(m.entity, field)!.safeParse(value);
    if (!parsed.success) issues.push(...issuesFromZod(parsed.error, [field]));
  }
  if (issues.length) return refuse('validation', issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);

  const record = ENTITY_SCHEMAS[m.entity].safeParse({
    ...m.changes,
    ...op.owned({ userId: user.id, at: now.toISOString() }),
    [lifecycle.field]: creating.to,
    id: m.entityId,
  });
  if (!record.success) return refuse('validation', `the new ${m.entity} is incomplete`, issuesFromZod(record.error));
  const data = record.data as Record<string, unknown>;
  const customerId = op.customerOf(data);

  if (await readRecord(tx, m.entity, m.entityId)) {
    return refuse('conflict', `${m.entity} ${m.entityId} already exists: a new record needs a new id`, [{ field: '(id)', rule: 'create.id_taken', message: 'this id is taken' }], customerId);
  }
  if (op.verifiedCaller) {
    const coverage = await verificationCoverage(tx, { verificationId: m.verificationId, userId: user.id, customerId, receivedAt: now });
    if (!coverage.covered) return refuse('verification_required', `verify the caller before filing a ${m.entity} for them`, [], customerId);
  }
  const [serverSeq] = await writeRecords(tx, [{ op: 'create', entity: m.entity, id: m.entityId, customerId, data, fields: Object.keys(m.changes) }], {
    at: now,
    by: user.id,
    reason: m.reason,
    mutationId: m.id,
  });
  return {
    result: { id: m.id, seq: m.seq, status: 'applied', applied: Object.keys(data), conflicts: [], rejection: null, held: null, serverSeq: serverSeq! },
    customerId,
    wrote: true,
  };
}
