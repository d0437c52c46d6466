import { HELD_EDIT_RULES, UNVERIFIED_HOLD_MS, mayHoldUnverified, unverifiedHoldExpiry, type FieldIssue, type Mutation, type MutationResult } from '../../domain';
import type { Actor } from '../identity/sessions';
import type { Tx } from '../storage/database';
import { held, rejected, type MutationOutcome } from '../sync/mutationOutcome';
import { holdMutation, readHeldMutation, recordDecision } from './heldMutations';

const UNVERIFIED_HOLD_HOURS = UNVERIFIED_HOLD_MS / 3_600_000;

/**
 * Corrections a rep held unverified during an outage (issue 16, `caller.unverified`): no caller can
 * be verified without the central store, and no verification secret is ever put on a desk, so the
 * store holds such an edit instead of applying it. It applies it only after the rep verifies the
 * caller online and releases it (heldEditRelease.ts) or a supervisor applies it (heldEditDecision.ts),
 * before it expires. Everything here is judged by the store's clock; the desk's `createdAt` can only
 * shorten the hold (unverifiedHoldExpiry).
 */
export async function holdUnverified(tx: Tx, actor: Actor, m: Mutation, changes: Record<string, unknown>, customerId: string | null, now: Date): Promise<MutationOutcome> {
  const refuse = (code: string, message: string, issue: FieldIssue): MutationOutcome => ({ result: rejected(m, code, message, [issue]), customerId, wrote: false });
  // a modified desk that marks the hold and sends a verification too: a verified caller's edit is sent as one, and checked as one
  if (m.verificationId !== null) {
    return refuse('validation', 'an edit held unverified carries no caller verification', { field: 'verificationId', rule: 'hold.unverified_with_verification', message: 'an unverified hold names no verification: verify the caller and send the edit as verified, or hold it without one' });
  }
  if (!customerId || !mayHoldUnverified(m.entity, Object.keys(changes), actor.user.role)) {
    return refuse('forbidden', 'only a correction of a caller’s contact data or consents may be held unverified', { field: 'unverifiedHold', rule: 'hold.unverified_not_allowed', message: `${m.entity} ${Object.keys(changes).join(', ')} is not held unverified for this role` });
  }
  const expiresAt = unverifiedHoldExpiry(m.createdAt, now);
  if (Date.parse(expiresAt) <= now.getTime()) {
    return refuse(HELD_EDIT_RULES.expired, `not held: made more than ${UNVERIFIED_HOLD_HOURS} hours before the central store received it (${m.createdAt})`, { field: 'createdAt', rule: HELD_EDIT_RULES.expired, message: `an unverified edit lasts ${UNVERIFIED_HOLD_HOURS} hours from when it was made` });
  }
  const note = `made without a verified caller while the central store was unreachable; expires ${expiresAt}`;
  await holdMutation(tx, actor, { mutation: m, changes, customerId, reason: 'caller.unverified', receivedAt: now, verifiedAt: null, note, detail: `unverified, expires ${expiresAt}`, expiresAt });
  return { result: held(m, 'caller.unverified', `held, unverified: applied only after you verify the caller online and release it, or a supervisor reviews it, before ${expiresAt}`), customerId, wrote: false };
}

/**
 * An unverified held edit past its expiry becomes `expired`, once: nothing of it is written, its
 * record and its desk's answer say so (rejected `held_edit.expired`, which the desk shows and keeps
 * until the rep dismisses it), and an audit row records it. Run before a release or a decision looks
 * at it, and when the desk sends it again (push.ts). Returns the answer when it expired now or before.
 */
export async function expireIfDue(tx: Tx, heldEditId: string, now: Date, answer: (result: MutationResult) => Promise<void>): Promise<MutationResult | null> {
  const heldMutation = await readHeldMutation(tx, heldEditId);
  const expiresAt = heldMutation?.heldEdit.expiresAt;
  if (!heldMutation || !expiresAt || heldMutation.status !== 'held' || Date.parse(expiresAt) > now.getTime()) return null;
  const result = rejected(heldMutation.mutation, HELD_EDIT_RULES.expired, `expired ${expiresAt} unreleased: nothing was applied; call the customer back, verify them and make the correction again`);
  await answer(result);
  const { heldEdit } = heldMutation;
  await recordDecision(tx, heldMutation, {
    status: 'expired',
    by: null,
    at: now,
    reason: null,
    audit: {
      action: 'held_edit.expired',
      outcome: 'ok',
      userId: heldMutation.requestedBy,
      deviceId: heldMutation.deviceId,
      entity: 'heldEdit',
      entityId: heldEdit.id,
      customerId: heldEdit.customerId,
      fields: Object.keys(heldEdit.changes),
      detail: `unverified edit of ${heldEdit.recordEntity} ${heldEdit.recordId} expired ${expiresAt}: not applied`,
    },
  });
  return result;
}
