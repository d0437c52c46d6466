import { PostalAddress, e911ReviewAfter, type E911Line } from '../../domain';
import type { Actor } from '../identity/sessions';
import type { Tx } from '../storage/database';
import { recordsOfCustomer, writeRecords } from '../storage/recordStore';

/**
 * The store's own half of "E911 follows the service address" (domain/e911.ts): when it applies a
 * change of a customer's service address, in the same transaction, every line of that customer whose
 * E911 address is not the new service address is flagged for network operations (`e911Review`), and a
 * flagged line whose E911 address is the service address again is cleared. It runs on the change the
 * store applies, not on anything a desk says, so an offline correction, a rep's "Not now" and a
 * modified desk that never offers the update all end the same way. Each flag is its own change
 * (history by the store, linked to the mutation) with its own audit row naming the field.
 */
export async function reviewE911AfterAddressChange(
  tx: Tx,
  session: Actor,
  change: { customerId: string; serviceAddress: unknown; mutationId: string; now: Date },
): Promise<void> {
  const serviceAddress = PostalAddress.safeParse(change.serviceAddress);
  // the record was validated before it was written; a customer without a readable address has nothing to compare
  if (!serviceAddress.success) return;
  const at = change.now.toISOString();
  const { user } = session;
  for (const line of await recordsOfCustomer(tx, change.customerId, 'serviceLine')) {
    const review = e911ReviewAfter(line.data as E911Line, serviceAddress.data, at);
    if (review === undefined) continue;
    const flagged = review !== null;
    await writeRecords(tx, [{ op: 'update', entity: 'serviceLine', id: line.id, customerId: change.customerId, data: { ...line.data, e911Review: review }, fields: ['e911Review'] }], {
      at: change.now,
      // the store's own change, made because of this mutation
      by: null,
      reason: flagged ? 'The service address changed: E911 address flagged for network operations' : 'The service address is the E911 address again',
      mutationId: change.mutationId,
      audit: {
        action: flagged ? 'e911.review_flagged' : 'e911.review_cleared',
        outcome: 'ok',
        // whose correction it followed
        userId: user.id,
        role: user.role,
        deviceId: session.deviceId,
        entity: 'serviceLine',
        entityId: line.id,
        customerId: change.customerId,
        fields: ['e911Review'],
        detail: `service address changed by mutation ${change.mutationId}`,
      },
    });
  }
}
