import { z } from 'zod';
import { ChangeReason, freeText } from '../validation';
import { Id, IsoDateTime } from './common';

/**
 * Why the central store held an edit for a supervisor's review instead of applying it (issue 14).
 * `verification.expired`: the caller verification it carries was good, but the store received the
 * edit after the verification's window (judged by the store's clock, never the desk's `createdAt`).
 * `conflict.escalated`: a rep met a conflict and asked a supervisor to decide between their value
 * and the other change's (the mutation's `escalation`, protocol 6).
 */
export const HOLD_REASONS = ['verification.expired', 'conflict.escalated'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

export const HELD_EDIT_STATUSES = ['held', 'applied', 'declined'] as const;
export const HELD_EDIT_DECISIONS = ['apply', 'decline'] as const;
export type HeldEditDecision = (typeof HELD_EDIT_DECISIONS)[number];

/**
 * An edit the central store holds for a supervisor (its approvals queue), as the store keeps it and
 * syncs it to the roles that review it. Written only by the store: when it holds the edit, and when
 * a supervisor other than the requester decides (`heldEdit.decide`). Applying it writes `changes`
 * if each field still holds what the edit was made against (`base`: what the rep saw, or for an
 * escalated conflict the other change's value); otherwise it is refused, naming the fields.
 * Its id is the held mutation's; an erasure of the customer removes it with their other records.
 */
export const HeldEdit = z.strictObject({
  id: Id,
  customerId: Id,
  /** the record the edit changes */
  recordEntity: z.string().max(40),
  recordId: z.string().max(64),
  /** the values the edit sets, by path */
  changes: z.record(z.string().max(60), z.unknown()),
  /** the values it was made against, by path */
  base: z.record(z.string().max(60), z.unknown()),
  /** the rep's reason for the change */
  reason: ChangeReason,
  heldFor: z.enum(HOLD_REASONS),
  /** what the store says of why it held it ("received 42 minutes after the verification") or the rep's question to the supervisor */
  heldNote: freeText({ max: 500 }),
  requestedBy: Id,
  requestedByName: freeText({ max: 200 }),
  heldAt: IsoDateTime,
  /** when the caller verification it rests on was made (an expired one), else null */
  verifiedAt: IsoDateTime.nullable(),
  status: z.enum(HELD_EDIT_STATUSES),
  decidedBy: Id.nullable(),
  decidedByName: freeText({ max: 200 }).nullable(),
  decidedAt: IsoDateTime.nullable(),
  decisionReason: ChangeReason.nullable(),
});
export type HeldEdit = z.infer<typeof HeldEdit>;

/** A supervisor's decision on a held edit, with their reason (the requester never decides their own). */
export const HeldEditDecisionRequest = z.strictObject({ heldEditId: Id, decision: z.enum(HELD_EDIT_DECISIONS), reason: ChangeReason });
export type HeldEditDecisionRequest = z.infer<typeof HeldEditDecisionRequest>;
export const HeldEditDecisionResult = z.strictObject({ heldEdit: HeldEdit });
export type HeldEditDecisionResult = z.infer<typeof HeldEditDecisionResult>;

/** The rule a decision names when a held edit's fields changed since it was made. */
export const HELD_EDIT_CHANGED_SINCE = 'held_edit.changed_since';
/** The code of a held edit's answer to its desk once a supervisor declined it. */
export const HELD_EDIT_DECLINED = 'held_edit.declined';
