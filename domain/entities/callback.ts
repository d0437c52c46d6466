import { z } from 'zod';
import { ChangeReason } from '../validation';
import { Id, IsoDateTime } from './common';

export const CALLBACK_STATUSES = ['requested', 'done'] as const;
/** What a callback records: the rep's word, never a verified fact (issue 16). */
export const CALLBACK_ASSERTION = 'caller asked to be called back' as const;

/**
 * A callback a rep recorded during a call (issue 16), offline too: the central store being
 * unreachable, the caller could not be verified, so nothing of their record may change; the rep
 * records instead that the caller asked to be called back, and why. It is the rep's assertion
 * (`assertion`, set by the store), not a verified request. It has no phone field: the number called
 * is the one on the customer's record when the call is made, never one typed in on the call (a
 * caller who is not the customer must not be able to redirect it). Born on the desk, synced to the
 * reps and supervisors, shown on the customer's profile until someone marks it done.
 */
export const CallbackRequest = z.strictObject({
  id: Id,
  customerId: Id,
  /** why the caller wants the call back, in the rep's words */
  reason: ChangeReason,
  assertion: z.literal(CALLBACK_ASSERTION),
  requestedBy: Id,
  requestedAt: IsoDateTime,
  status: z.enum(CALLBACK_STATUSES),
  doneBy: Id.nullable(),
  doneAt: IsoDateTime.nullable(),
});
export type CallbackRequest = z.infer<typeof CallbackRequest>;
