import { ENTITY_SCHEMAS, ValidationError, creatingStep, mutationNeedsVerifiedCaller, validateCreate, type FieldIssue, type Mutation } from '../../domain';
import type { Actor } from '../identity/sessions';
import type { Tx } from '../storage/database';
import { readRecord, writeRecords } from '../storage/recordStore';
import { versionInForce } from '../policy/policyVersions';
import { verificationCoverage } from '../verification/callerVerification';
import { rejected, type MutationOutcome } from './mutationOutcome';

/**
 * A record born on a desk (DESIGN §8, issue 10): a `create` mutation with a client-made id. The
 * domain builds the record (validateCreate: the desk's fields, the store's own, the initial status)
 * and refuses any field the store sets itself. Who may create is that creating step's roles. An id already
 * taken is refused (`create.id_taken`): a replay of the same mutation never gets here, push.ts
 * answers it by its mutation id.
 */
export async function applyCreate(tx: Tx, session: Actor, m: Mutation, now: Date): Promise<MutationOutcome> {
  const { user } = session;
  const refuse = (code: string, message: string, issues: FieldIssue[] = [], customerId: string | null = null): MutationOutcome => ({ result: rejected(m, code, message, issues), customerId, wrote: false });
  const creating = creatingStep(m.entity);
  if (creating && !creating.by.includes(user.role)) return refuse('forbidden', `a ${user.role} may not create a ${m.entity}`, [{ field: '(entity)', rule: 'create.not_allowed', message: `for ${creating.by.join(', ')}` }]);
  let created: { data: Record<string, unknown>; customerId: string | null };
  try {
    // the privacy-policy version in force is the store's to say, never the desk's; read only for a record that carries one (a lead)
    const policyVersion = 'policyVersion' in ENTITY_SCHEMAS[m.entity].shape ? await versionInForce(tx) : null;
    created = validateCreate(m.entity, m.entityId, m.changes, { userId: user.id, at: now.toISOString(), policyVersion });
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const notAllowed = err.issues.some((i) => i.rule === 'create.not_allowed');
    return refuse(notAllowed ? 'forbidden' : 'validation', err.message, err.issues);
  }
  const { data, customerId } = created;

  if (await readRecord(tx, m.entity, m.entityId)) {
    return refuse('conflict', `${m.entity} ${m.entityId} already exists: a new record needs a new id`, [{ field: '(id)', rule: 'create.id_taken', message: 'this id is taken' }], customerId);
  }
  if (mutationNeedsVerifiedCaller(m.entity, Object.keys(m.changes), 'create', user.role)) {
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
