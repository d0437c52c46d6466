import { randomUUID } from 'node:crypto';
import type { ChangeReceipt } from '../../../domain/console/contract';
import { customerIdOf } from '../../../domain/entities';
import { CareDeskError, PolicyError, ValidationError } from '../../../domain/errors';
import { creatingStep, stepViolation } from '../../../domain/lifecycles';
import { assertOperationPaths, validateChanges, validateCreate } from '../../../domain/mutations';
import {
  OPERATIONS,
  ROUTED_OPERATION_NAMES,
  callerNotVerified,
  mayHoldUnverified,
  mayPerform,
  needsVerifiedCaller,
  type OfflineOperation,
  type OfflineOperationName,
  type OnlineOperation,
  type OnlineOperationName,
  type OperationInput,
  type OperationOutput,
  type RoutedOperationName,
} from '../../../domain/operations';
import { assertMayWrite } from '../../../domain/policy';
import type { OpenSession } from '../session/session';
import type { Mutation } from '../../../domain/sync/protocol';
import { changedFields, pendingChange } from './edits';

/**
 * The core's two pipelines (DESIGN §8), one for each kind of declared operation. Nothing here knows
 * a particular workflow: what may be changed, by whom, with which rules and on which condition all
 * come from the declaration in domain/operations.ts and the rules it points to. The central store
 * checks all of it again on push.
 */

/**
 * Offline: an edit, a transition or a create, checked as its declaration says, then applied to the
 * local view and queued in the outbox in one transaction, and pushed when the link allows.
 */
export function performOffline(s: OpenSession, name: OfflineOperationName, id: string | undefined, values: Record<string, unknown>, reason: string, { holdUnverified = false } = {}): ChangeReceipt {
  const op: OfflineOperation = OPERATIONS[name];
  const at = s.clock();
  if (holdUnverified && op.kind === 'create') throw new ValidationError([{ field: 'holdUnverified', rule: 'hold.unverified_not_allowed', message: 'only a correction of an existing record may be held unverified' }]);
  const queued = op.kind === 'create' ? queueCreate(s, op, id ?? randomUUID(), values, reason, at) : queueChange(s, name, op, requireId(id), values, reason, at, holdUnverified);
  s.engine.kick();
  const record = { entity: op.entity, id: queued.mutation.entityId, customerId: queued.customerId };
  s.announce([record]);
  return { ...record, mutationId: queued.mutation.id, change: pendingChange({ ...queued.mutation, status: 'pending', rejection: null, hold: null }) };
}

/**
 * Issue 16: while the central store is unreachable no caller can be verified (no verification secret
 * is ever on a desk). For an edit declared `holdsUnverified`, the rep may then hold the correction:
 * it is queued marked `unverifiedHold`, without a verification, changes nothing of this desk's view,
 * and the store applies it only after the rep verifies the caller online and releases it, or a
 * supervisor reviews it. Refused while the store answers (the caller can be verified now) and when
 * the caller is verified already (the edit goes as a verified one).
 */
function unverifiedHold(s: OpenSession, name: OfflineOperationName, op: OfflineOperation, paths: readonly string[], customerId: string | null, now: Date): true {
  const refuse = (rule: string, message: string) => new PolicyError(message, [{ field: 'holdUnverified', rule, message }]);
  if (op.kind !== 'edit' || !op.holdsUnverified || !customerId || !mayHoldUnverified(op.entity, paths, s.user.role)) throw refuse('hold.unverified_not_allowed', `${name} is not held unverified for the ${s.user.role} role`);
  if (currentVerification(s, customerId, now)) throw refuse('hold.caller_verified', 'the caller is verified: save the correction as it is');
  if (s.engine.status().online) throw refuse('hold.online', 'the central store answers: verify the caller now instead of holding the correction');
  return true;
}

interface Queued {
  mutation: Mutation;
  customerId: string | null;
}

function queueChange(s: OpenSession, name: OfflineOperationName, op: OfflineOperation, id: string, values: Record<string, unknown>, reason: string, at: Date, holdUnverified: boolean): Queued {
  const { user } = s;
  assertOperationPaths(name, Object.keys(values));
  assertMayWrite(op.entity, user.role, Object.keys(values));
  const changes = validateChanges(op.entity, values);
  const current = s.cache.effectiveRecord(op.entity, id);
  if (!current) throw new CareDeskError('not_found', `This ${op.entity} is not in your cache.`);
  const step = stepViolation(op.entity, current, changes, user);
  if (step) throw new PolicyError(step.message, [step]);
  const customerId = customerIdOf(op.entity, current);
  const held = holdUnverified && unverifiedHold(s, name, op, Object.keys(changes), customerId, at);
  const verificationId = held ? null : verifiedCaller(s, op, customerId, at);
  const { base, changed } = changedFields(current, changes);
  return { mutation: s.cache.enqueueMutation({ entity: op.entity, entityId: id, customerId, base, changes: changed, reason, verificationId, createdAt: at.toISOString(), ...(held ? { unverifiedHold: true as const } : {}) }), customerId };
}

function queueCreate(s: OpenSession, op: OfflineOperation & { kind: 'create' }, id: string, values: Record<string, unknown>, reason: string, at: Date): Queued {
  const { user } = s;
  const creating = creatingStep(op.entity);
  if (!creating?.by.includes(user.role)) throw new PolicyError(`the ${user.role} role may not create a ${op.entity}`, [{ field: '(entity)', rule: 'create.not_allowed', message: `for ${creating?.by.join(', ') ?? 'no one'}` }]);
  if (s.cache.effectiveRecord(op.entity, id)) throw new ValidationError([{ field: 'id', rule: 'create.id_taken', message: 'this id is taken: a new record needs a new id' }]);
  // the same rules the central store builds the record with; its own fields are set there
  const { data, customerId } = validateCreate(op.entity, id, values, { userId: user.id, at: at.toISOString() });
  const fields = Object.fromEntries(Object.keys(values).map((field) => [field, data[field]]));
  const verificationId = verifiedCaller(s, op, customerId, at);
  return { mutation: s.cache.enqueueMutation({ op: 'create', entity: op.entity, entityId: id, customerId, base: {}, changes: fields, reason, verificationId, createdAt: at.toISOString() }), customerId };
}

function requireId(id: string | undefined): string {
  if (!id) throw new ValidationError([{ field: 'id', rule: 'required', message: 'which record to change' }]);
  return id;
}

/** The verification a change done on a call rests on, or null when its declaration asks for none from this role. */
function verifiedCaller(s: OpenSession, op: OfflineOperation, customerId: string | null, now: Date): string | null {
  if (!needsVerifiedCaller(op, s.user.role)) return null;
  const verificationId = currentVerification(s, customerId, now);
  if (!verificationId) {
    throw new CareDeskError('forbidden', 'Verify the caller before changing their record.', [
      { field: 'verification', rule: 'verification.required', message: 'the caller is not verified (or the verification expired)' },
    ]);
  }
  return verificationId;
}

/**
 * The verification an online operation done on a call rests on (its declaration's `verifiedCaller`,
 * read with its input), sent with it for the central store to check again; null when it asks none
 * of this role for this input. Refused before anything is sent when this desk holds no current one.
 */
export function callerVerificationFor(s: OpenSession, name: OnlineOperationName, customerId: string, input: Record<string, unknown>): string | null {
  const op = OPERATIONS[name];
  if (!needsVerifiedCaller(op, s.user.role, input)) return null;
  const verificationId = currentVerification(s, customerId, s.clock());
  if (!verificationId) throw new PolicyError(`Verify the caller before you ${op.does}.`, [callerNotVerified(op)]);
  return verificationId;
}

/** This session's verification of the customer's caller while its window is open by the desk's clock, else null. */
function currentVerification(s: OpenSession, customerId: string | null, now: Date): string | null {
  const v = customerId ? s.verifications.get(customerId) : undefined;
  return v?.verified && v.verificationId && isCurrent(v.validUntil, now) ? v.verificationId : null;
}

export function isCurrent(validUntil: string | null, now: Date): boolean {
  return !!validUntil && Date.parse(validUntil) > now.getTime();
}

/**
 * Online: one call to the central store, for what must not wait in an outbox (a card number, money
 * against the balance held now, a caller's answers). Refused before anything is sent when the role
 * may not take it, or when this desk is known to be offline; a link lost during the call is the
 * same plain message. The next pull brings what it changed.
 */
export async function performOnline<T>(s: OpenSession, name: OnlineOperationName, call: (token: string) => Promise<T>): Promise<T> {
  assertMayPerform(s, name);
  const op: OnlineOperation = OPERATIONS[name];
  // it rests on what this desk has just queued (a corrected service address): that goes first; a push that fails leaves the desk offline, said below
  if (op.sendsQueuedFirst) await callOnline(s, op.does, () => s.engine.syncNow(), { changes: true });
  const result = await callOnline(s, op.does, call, { changes: true });
  void s.engine.syncNow();
  return result;
}

/**
 * One call to the central store now, with the session's token: refused before anything is sent when
 * this desk is known to be offline, and a link lost during the call is the same plain message
 * naming what could not be done (`does`). Reads that only the store can answer use it too.
 */
export async function callOnline<T>(s: OpenSession, does: string, call: (token: string) => Promise<T>, { changes = false } = {}): Promise<T> {
  const status = s.engine.status();
  // during a first sync the engine has not said online yet: only a failed attempt means offline
  if (!s.token || (!status.online && status.error !== null)) throw offline(does, changes);
  const token = s.token;
  try {
    return await call(token);
  } catch (err) {
    throw err instanceof CareDeskError && err.code === 'offline' ? offline(does, changes) : err;
  }
}

/**
 * The console's handlers for the online operations the central store takes through its operations
 * route: each its declared input sent as is, its declared output returned; nothing to write by hand
 * for a new one on the desk.
 */
export function routedOperationHandlers(open: () => OpenSession): { [N in RoutedOperationName]: (input: OperationInput<N>) => Promise<OperationOutput<N>> } {
  const handler = <N extends RoutedOperationName>(name: N) => (input: OperationInput<N>) => {
    const s = open();
    return performOnline(s, name, (token) => s.client.operation(token, name, input));
  };
  return Object.fromEntries(ROUTED_OPERATION_NAMES.map((name) => [name, handler(name)])) as { [N in RoutedOperationName]: (input: OperationInput<N>) => Promise<OperationOutput<N>> };
}

/** Refused before anything else is looked at when the role may not take it. */
export function assertMayPerform(s: OpenSession, name: OnlineOperationName): void {
  if (!mayPerform(name, s.user.role)) throw new PolicyError(`the ${s.user.role} role may not ${OPERATIONS[name].does}`);
}

function offline(does: string, changes: boolean): CareDeskError {
  const retry = changes ? 'Nothing was saved; try again' : 'Try again';
  return new CareDeskError('offline', `To ${does} this workstation must reach the central store, and it is offline now. ${retry} when the status bar says Online.`);
}
