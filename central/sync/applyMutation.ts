import {
  ValidationError,
  applyChanges,
  getPath,
  mergeFields,
  requiresCallerVerification,
  validateChanges,
  writeViolations,
  type FieldIssue,
  type Mutation,
  type MutationResult,
} from '../../domain';
import type { SessionContext } from '../identity/sessions';
import { allocateSeq } from '../storage/changeLog';
import type { Tx } from '../storage/database';
import { verificationCovers } from '../verification/callerVerification';

export interface MutationOutcome {
  result: MutationResult;
  /** the record the mutation touched, for the audit row */
  customerId: string | null;
  /** a new version of the record was written */
  wrote: boolean;
}

export function rejected(m: Mutation, code: string, message: string, issues: FieldIssue[] = []): MutationResult {
  return { id: m.id, seq: m.seq, status: 'rejected', applied: [], conflicts: [], rejection: { code, message, issues }, serverSeq: null };
}

/**
 * Applies one mutation inside `tx` (DESIGN §5): the role's write set first (so a role learns
 * nothing of records it may not change), then the record, the values, the caller verification,
 * and finally the field-level three-way merge against what the store holds now.
 */
export async function applyMutation(tx: Tx, session: SessionContext, m: Mutation, now: Date): Promise<MutationOutcome> {
  const { user } = session;
  const violations = writeViolations(m.entity, user.role, Object.keys(m.changes));
  if (violations.length) return { result: rejected(m, 'forbidden', `not allowed to change ${violations.map((v) => v.field).join(', ')}`, violations), customerId: null, wrote: false };

  const row = await tx
    .selectFrom('records')
    .leftJoin('users', 'users.id', 'records.updated_by')
    .select(['records.customer_id', 'records.data', 'records.updated_at', 'users.display_name'])
    .where('records.entity', '=', m.entity)
    .where('records.id', '=', m.entityId)
    .executeTakeFirst();
  if (!row || row.data === null) return { result: rejected(m, 'not_found', `no ${m.entity} ${m.entityId}`), customerId: null, wrote: false };
  const customerId = row.customer_id;
  const refuse = (code: string, message: string, issues: FieldIssue[] = []): MutationOutcome => ({ result: rejected(m, code, message, issues), customerId, wrote: false });

  let changes: Record<string, unknown>;
  try {
    changes = validateChanges(m.entity, m.changes);
  } catch (err) {
    if (err instanceof ValidationError) return refuse('validation', err.message, err.issues);
    throw err;
  }

  if (requiresCallerVerification(m.entity, user.role)) {
    const covered = await verificationCovers(tx, { verificationId: m.verificationId, userId: user.id, customerId, createdAt: m.createdAt, now });
    if (!covered) return refuse('verification_required', 'verify the caller before changing their record (a verification lasts 30 minutes)');
  }

  const current = JSON.parse(row.data) as Record<string, unknown>;
  const merge = mergeFields(m.base, changes, (path) => getPath(current, path));
  let serverSeq: number | null = null;
  if (Object.keys(merge.apply).length) {
    let next = applyChanges(current, merge.apply);
    if (m.entity === 'customer') next = { ...next, updatedAt: now.toISOString() };
    serverSeq = await allocateSeq(tx);
    await tx
      .updateTable('records')
      .set({ data: JSON.stringify(next), seq: serverSeq, updated_at: now.toISOString(), updated_by: user.id })
      .where('entity', '=', m.entity)
      .where('id', '=', m.entityId)
      .execute();
  }
  const conflicts = merge.conflicts.map((c) => ({ ...c, changedBy: row.display_name ?? null, changedAt: row.updated_at }));
  return {
    result: {
      id: m.id,
      seq: m.seq,
      status: conflicts.length ? 'conflict' : 'applied',
      applied: [...Object.keys(merge.apply), ...merge.unchanged],
      conflicts,
      rejection: null,
      serverSeq,
    },
    customerId,
    wrote: serverSeq !== null,
  };
}
