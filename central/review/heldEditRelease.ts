import { HELD_EDIT_RULES, type HeldEditDecisionResult, type HeldEditReleaseRequest } from '../../domain';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { applyMutation } from '../sync/applyMutation';
import { answerHeldMutation } from '../sync/push';
import { onlineVerification } from '../verification/callerVerification';
import { refusal, refuseUnlessApplied, requesterOf, settleHeldEdit } from './heldEditDecision';
import { recordDecision } from './heldMutations';

/**
 * `heldEdit.release` (issue 16): the rep who held a correction unverified during an outage verified
 * the caller online, with the customer on the line, and releases it. The store, never the desk,
 * judges the verification: a successful one by this user of this edit's customer, within its window
 * now (no outage grace: it is online), and made after the store held the edit (an older one, kept or
 * replayed, did not cover this call). Then the edit goes through as the rep made it, with every check
 * of a push but the caller verification just weighed, in one transaction with its audit row; its
 * record says `appliedAfter: 'reverification'` with the verification. An edit that changed since is
 * refused as a decision is (the fields named), and stays held for a supervisor.
 */
export async function releaseHeldEdit(ctx: StoreContext, session: SessionContext, request: HeldEditReleaseRequest): Promise<HeldEditDecisionResult> {
  const { user } = session;
  return settleHeldEdit(ctx, session, { heldEditId: request.heldEditId, action: 'held_edit.released', label: 'release' }, async (tx, held, now) => {
    const { heldEdit } = held;
    if (heldEdit.heldFor !== 'caller.unverified') throw refusal('forbidden', 'only an edit held unverified is released by re-verifying the caller; a supervisor decides this one', HELD_EDIT_RULES.notUnverified, `held for ${heldEdit.heldFor}`);
    if (held.requestedBy !== user.id) throw refusal('forbidden', 'only the rep who made this edit releases it; a supervisor may review it', HELD_EDIT_RULES.notRequester, 'made by another user');
    const verification = await onlineVerification(tx, { verificationId: request.verificationId, userId: user.id, customerId: heldEdit.customerId, now });
    if (!verification.ok) {
      throw refusal('forbidden', `Not released: verify the caller online first (${verification.why}).`, 'caller.not_verified', verification.why, 'verificationId');
    }
    if (Date.parse(verification.verifiedAt) < Date.parse(heldEdit.heldAt)) {
      throw refusal('forbidden', 'Not released: this verification was made before the central store held the edit; verify the caller again now', HELD_EDIT_RULES.verificationBeforeHold, `verified ${verification.verifiedAt}, held ${heldEdit.heldAt}`, 'verificationId');
    }
    const m = held.mutation;
    const applied = await applyMutation(tx, await requesterOf(tx, held), m, now, { reviewed: true });
    refuseUnlessApplied(applied.result);
    await answerHeldMutation(tx, applied.result);
    const decided = await recordDecision(tx, held, {
      status: 'applied',
      by: user,
      at: now,
      reason: 'Caller re-verified online',
      mark: { appliedAfter: 'reverification', releaseVerificationId: request.verificationId },
      audit: {
        action: 'held_edit.released',
        outcome: 'ok',
        userId: user.id,
        role: user.role,
        deviceId: session.deviceId,
        entity: 'heldEdit',
        entityId: heldEdit.id,
        customerId: heldEdit.customerId,
        // the paths it changes, as for every record.update row: the values are the record's
        fields: Object.keys(m.changes),
        detail: `applied the unverified edit of ${m.entity} ${m.entityId} after re-verifying the caller (verification ${request.verificationId})`,
      },
    });
    return { answer: { heldEdit: decided }, ...(applied.erasure ? { erasure: applied.erasure } : {}) };
  });
}
