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
export const HOLD_REASONS = ['verification.expired', 'conflict.escalated', 'caller.unverified'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/**
 * `caller.unverified` (issue 16, protocol 8): a correction the rep made while the central store was
 * unreachable, so that no caller could be verified (no verification secret is ever on a desk). The
 * desk marks it (`Mutation.unverifiedHold`); the store holds it, and applies it only after the rep
 * verifies the caller online and releases it (`heldEdit.release`) or a supervisor applies it
 * (`heldEdit.decide`), each before it expires. It lasts UNVERIFIED_HOLD_MS from when it was made, by
 * the store's reckoning: the desk's `createdAt`, never later than the store received it (a
 * forward-dated edit gains nothing; a backdated one only expires sooner).
 */
export const UNVERIFIED_HOLD_MS = 24 * 60 * 60_000;
/** When an unverified edit made at `createdAt` and received at `receivedAt` (absent: not yet) expires. */
export function unverifiedHoldExpiry(createdAt: string, receivedAt?: Date): string {
  const made = Math.min(Date.parse(createdAt), receivedAt?.getTime() ?? Infinity);
  return new Date(made + UNVERIFIED_HOLD_MS).toISOString();
}

/** `expired`: an unverified edit neither released nor applied before its expiry; nothing of it was written */
export const HELD_EDIT_STATUSES = ['held', 'applied', 'declined', 'expired'] as const;
/** How a held edit came to be applied: a supervisor's review, or the rep's online re-verification of the caller (`caller.unverified` only) */
export const HELD_EDIT_RELEASES = ['review', 'reverification'] as const;
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
  /** `caller.unverified` only (protocol 8): when it expires unless released or applied */
  expiresAt: IsoDateTime.optional(),
  /** once applied (protocol 8): through a supervisor's review or the caller's re-verification */
  appliedAfter: z.enum(HELD_EDIT_RELEASES).optional(),
  /** for `reverification`: the verification the rep released it with, checked by the store */
  releaseVerificationId: Id.optional(),
});
export type HeldEdit = z.infer<typeof HeldEdit>;

/** A supervisor's decision on a held edit, with their reason (the requester never decides their own). */
export const HeldEditDecisionRequest = z.strictObject({ heldEditId: Id, decision: z.enum(HELD_EDIT_DECISIONS), reason: ChangeReason });
export type HeldEditDecisionRequest = z.infer<typeof HeldEditDecisionRequest>;
export const HeldEditDecisionResult = z.strictObject({ heldEdit: HeldEdit });
export type HeldEditDecisionResult = z.infer<typeof HeldEditDecisionResult>;

/**
 * The rep releases their unverified edit (`caller.unverified`) after verifying the caller online with
 * the customer on the line: `verificationId` is that verification, which the store checks (this
 * user, this customer, within its window, made after the store held the edit).
 */
export const HeldEditReleaseRequest = z.strictObject({ heldEditId: Id, verificationId: Id });
export type HeldEditReleaseRequest = z.infer<typeof HeldEditReleaseRequest>;

/** The rules a release or a decision of an unverified held edit names when it refuses. */
export const HELD_EDIT_RULES = {
  expired: 'held_edit.expired',
  notUnverified: 'held_edit.not_unverified',
  notRequester: 'held_edit.not_requester',
  verificationBeforeHold: 'held_edit.verification_before_hold',
  alreadyDecided: 'held_edit.already_decided',
} as const;

/** The rule a decision names when a held edit's fields changed since it was made. */
export const HELD_EDIT_CHANGED_SINCE = 'held_edit.changed_since';
/** The code of a held edit's answer to its desk once a supervisor declined it. */
export const HELD_EDIT_DECLINED = 'held_edit.declined';
