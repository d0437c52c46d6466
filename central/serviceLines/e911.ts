import { CALLER_ROLES, CareDeskError, ValidationError, e911AddressIssue, sameAddress, servesE911, type E911UpdateRequest, type E911UpdateResult } from '../../domain';
import { appendAudit, type AuditEntry } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction } from '../storage/database';
import { readRecord, writeRecords } from '../storage/recordStore';
import { CALLER_VERIFICATION, verifiedRecently } from '../verification/callerVerification';

type Checked = { refused: CareDeskError; detail: string; customerId: string | null } | { result: E911UpdateResult; head: number | null };

/**
 * `serviceLine.setE911Address` (domain/operations.ts), online: where dispatchers are sent is changed
 * now or not at all, never queued. In one transaction, against what the store holds now: the line
 * (one that left for another carrier has its E911 address there), the caller's verification by this
 * user within its window for the roles that talk to callers (by the store's clock), the address such
 * a role may set (the customer's service address only, domain/e911.ts), and the E911 address the desk
 * saw (another is a conflict; the address asked for already there is a retry that changes nothing).
 * The line gets the address and loses its review flag, with the reason in its history and an
 * `e911.updated` audit row naming the fields. Every refusal is audited too, with its reason.
 */
export async function setE911Address(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>, session: SessionContext, request: E911UpdateRequest): Promise<E911UpdateResult> {
  const { user } = session;
  const now = ctx.clock();
  const audit = { action: 'e911.updated', userId: user.id, role: user.role, deviceId: session.deviceId, entity: 'serviceLine', entityId: request.lineId } as const satisfies Partial<AuditEntry>;

  const checked = await inTransaction(ctx.db, async (tx): Promise<Checked> => {
    const stored = await readRecord(tx, 'serviceLine', request.lineId);
    if (!stored?.data) return { refused: new CareDeskError('not_found', 'no such service line'), detail: 'no such line', customerId: null };
    const line = stored.data;
    const customerId = stored.customerId;
    if (!servesE911(line)) {
      return {
        refused: new ValidationError([{ field: 'lineId', rule: 'e911.line_ported_out', message: 'this number was ported out: its E911 address is kept by the carrier it went to' }]),
        detail: 'line ported out',
        customerId,
      };
    }
    if (CALLER_ROLES.includes(user.role)) {
      if (!customerId || !(await verifiedRecently(tx, user.id, customerId, now))) {
        const minutes = CALLER_VERIFICATION.validityMs / 60_000;
        return {
          refused: new CareDeskError('forbidden', `Verify the caller before changing their line's E911 address (a verification lasts ${minutes} minutes).`, [
            { field: 'lineId', rule: 'verification.required', message: "the line's customer was not verified on a call by this user within the window" },
          ]),
          detail: 'caller not verified',
          customerId,
        };
      }
      const customer = await readRecord(tx, 'customer', customerId);
      const issue = e911AddressIssue(user.role, request.address, customer?.data?.serviceAddress);
      if (issue) return { refused: new ValidationError([issue]), detail: 'not the service address', customerId };
    }

    const flagged = !!line.e911Review;
    const already = sameAddress(line.e911Address, request.address);
    if (already && !flagged) {
      await appendAudit(tx, now, { ...audit, outcome: 'ok', customerId, detail: 'already this address: nothing changed' });
      return { result: { status: 'unchanged', lineId: request.lineId, e911Address: request.address, reviewCleared: false }, head: null };
    }
    if (!already && !sameAddress(line.e911Address, request.expected)) {
      return {
        refused: new CareDeskError('conflict', "This line's E911 address was changed since your workstation read it: nothing was changed. Look at the line as it is now, then decide again.", [
          { field: 'expected', rule: 'e911.changed', message: "the line's E911 address is no longer the one your workstation showed" },
        ]),
        detail: 'E911 address changed since the desk read it',
        customerId,
      };
    }
    const fields = ['e911Address', ...(flagged ? ['e911Review'] : [])];
    const [seq] = await writeRecords(tx, [{ op: 'update', entity: 'serviceLine', id: request.lineId, customerId, data: { ...line, e911Address: request.address, e911Review: null }, fields }], {
      at: now,
      by: user.id,
      reason: request.reason,
      audit: { ...audit, outcome: 'ok', customerId, fields, detail: flagged ? 'review flag cleared' : null },
    });
    return { result: { status: 'updated', lineId: request.lineId, e911Address: request.address, reviewCleared: flagged }, head: seq! };
  });

  if ('refused' in checked) {
    await inTransaction(ctx.db, (tx) => appendAudit(tx, now, { ...audit, outcome: checked.refused.code === 'conflict' ? 'conflict' : 'denied', customerId: checked.customerId, detail: checked.detail }));
    throw checked.refused;
  }
  if (checked.head !== null) ctx.feed.publish({ kind: 'advanced', head: checked.head });
  return checked.result;
}
