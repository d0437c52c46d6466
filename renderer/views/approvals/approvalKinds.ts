import type { ComponentType } from 'react';
import type { ChannelOutput } from '../../../domain/console/contract';
import { adjustmentStatus } from '../../../domain/adjustments';
import type { AdjustmentRequester } from '../../../domain/entities/billing';
import type { HoldReason } from '../../../domain/entities/review';
import type { OfflineOperationName, OperationName, QueueEntity } from '../../../domain/operations';
import { invoke } from '../../api/client';
import type { Tone } from '../../components/Badge';
import { dateTime, fieldLabel, fieldValue, money, moneyWithCode } from '../../format';
import { REQUESTER_LABELS, adjustmentName, adjustmentState, balanceEffect } from '../billing/adjustmentLabels';
import { CertificateToggle } from '../erasure/CertificateToggle';
import { ERASURE_STATUS, scopeLabel } from '../erasure/erasureLabels';

/** One record of a queue as the core lists it, with its customer's name and account. */
export type ApprovalItem = ChannelOutput<'records.list'>[number];
type Data = ApprovalItem['record'];

/**
 * How a decision reaches the central store: a status change through the outbox, offline too (an
 * erasure request's `erasureRequest.decide`), or an online operation now (money moves against the
 * balance the store holds then: `billingAdjustment.decide`).
 */
export type DecisionRoute = { via: 'transition'; operation: OfflineOperationName; approved: string; declined: string } | { via: 'online'; send: (item: ApprovalItem, approve: boolean, reason: string) => Promise<unknown> };

/**
 * A kind of thing that waits in the approvals queue for someone's decision (issue 13). The view is
 * one for every kind: a new kind (an escalated conflict, a held edit) is one more entry here, shown
 * to whoever performs its decision (`decides`, read through `performers`).
 */
export interface ApprovalKind {
  entity: QueueEntity;
  /** the operation a decision is: the kind is in the queue of whoever performs it */
  decides: OperationName;
  /** what the view's introduction says of it */
  about: string;
  /** its name on a card: "Erasure request", "Credit", "Reversal" */
  name: (record: Data) => string;
  waiting: (record: Data) => boolean;
  /** decided, and kept in the list of decisions (a credit applied without approval never was in the queue) */
  decided: (record: Data) => boolean;
  status: (record: Data) => { label: string; tone: Tone };
  /** what the decider weighs besides the customer, the reason, who and when */
  facts: (item: ApprovalItem) => { label: string; value: string }[];
  /** who asked for it, when, and why */
  asked: (record: Data) => { verb: string; by: string | null; at: unknown; reason: string };
  /** a decided one's decision, in words, when the record says it */
  outcome: (record: Data) => string | null;
  approve: { label: string; danger?: boolean };
  decline: string;
  /** what the reason field suggests */
  placeholder: string;
  route: DecisionRoute;
  /** what a decided one offers (an erasure's certificate) */
  Decided?: ComponentType<{ item: ApprovalItem }>;
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);

const ERASURE_REQUESTS: ApprovalKind = {
  entity: 'erasureRequest',
  decides: 'erasureRequest.decide',
  about: 'erasure requests filed on calls: approving one erases the customer on every desk, and billing records the law requires are kept apart',
  name: () => 'Erasure request',
  waiting: (r) => r.status === 'pending',
  decided: (r) => r.status !== 'pending',
  status: (r) => ERASURE_STATUS[String(r.status)] ?? { label: String(r.status), tone: 'neutral' },
  facts: (item) => [{ label: 'Erase', value: scopeLabel(item.record) }],
  asked: (r) => ({ verb: 'filed', by: null, at: r.filedAt, reason: String(r.reason ?? '') }),
  outcome: () => null,
  approve: { label: 'Approve and erase', danger: true },
  decline: 'Refuse',
  placeholder: 'Identity checked on a callback…',
  route: { via: 'transition', operation: 'erasureRequest.decide', approved: 'approved', declined: 'rejected' },
  Decided: CertificateToggle,
};

const ADJUSTMENTS_ABOVE_THRESHOLD: ApprovalKind = {
  entity: 'billingAdjustment',
  decides: 'billingAdjustment.decide',
  about: 'credits and adjustments above the amount a billing clerk records alone: approving one moves the balance, declining leaves it',
  name: (r) => adjustmentName(r),
  waiting: (r) => adjustmentStatus(r) === 'awaiting_approval',
  decided: (r) => typeof r.decidedAt === 'string',
  status: (r) => adjustmentState(r),
  facts: (item) => {
    const amount = Number(item.record.amountCents);
    const requester = item.record.reverses ? null : (item.record.requestedBy as AdjustmentRequester | undefined);
    return [
      { label: 'Amount', value: `${amount < 0 ? '−' : '+'}${moneyWithCode(Math.abs(amount), item.currency)}, ${balanceEffect(amount)}` },
      { label: 'Needs approval', value: `above ${money(item.record.approvalAboveCents, item.currency)}` },
      ...(requester ? [{ label: 'Asked by', value: REQUESTER_LABELS[requester].who }] : []),
    ];
  },
  asked: (r) => ({ verb: 'recorded', by: text(r.recordedBy), at: r.recordedAt, reason: String(r.reason ?? '') }),
  outcome: (r) => (r.decidedAt ? `${adjustmentStatus(r) === 'applied' ? 'Approved' : 'Declined'} by ${text(r.decidedBy) ?? 'a supervisor'}, ${dateTime(r.decidedAt)}: “${text(r.decisionReason) ?? ''}”` : null),
  approve: { label: 'Approve' },
  decline: 'Decline',
  placeholder: 'Checked against the outage ticket…',
  route: { via: 'online', send: (item, approve, reason) => invoke('billingAdjustment.decide', { adjustmentId: item.record.id, decision: approve ? 'approve' : 'decline', reason }) },
};

/** An unverified edit (issue 16) expired: so recorded by the store, or past its expiry by this desk's clock before the store says so. */
const unverifiedExpired = (r: Data) => r.status === 'expired' || (r.status === 'held' && typeof r.expiresAt === 'string' && Date.parse(r.expiresAt) <= Date.now());

/** Why the central store held an edit, as the supervisor reads it. */
const HELD_FOR: Record<HoldReason, string> = {
  'verification.expired': 'Sent after the caller’s verification ran out',
  'conflict.escalated': 'Conflict: the rep asks you to decide',
  'caller.unverified': 'Made offline without a verified caller',
};

const HELD_EDITS: ApprovalKind = {
  entity: 'heldEdit',
  decides: 'heldEdit.decide',
  about: 'edits the central store held for your review — sent after the caller’s verification ran out, made offline without a verified caller (until they expire), or a conflict a rep asked you to decide: applying one writes the rep’s value if the record still holds what it was made against',
  name: (r) => (r.heldFor === 'conflict.escalated' ? 'Escalated conflict' : 'Held edit'),
  // an unverified edit past its expiry waits for no one: it is never applied (issue 16)
  waiting: (r) => r.status === 'held' && !unverifiedExpired(r),
  decided: (r) => r.status !== 'held' || unverifiedExpired(r),
  status: (r) =>
    r.status === 'applied'
      ? { label: r.appliedAfter === 'reverification' ? 'Applied: caller re-verified' : 'Applied', tone: 'good' }
      : r.status === 'declined'
        ? { label: 'Declined', tone: 'neutral' }
        : unverifiedExpired(r)
          ? { label: 'Expired, not applied', tone: 'bad' }
          : { label: r.heldFor === 'caller.unverified' ? 'Held, unverified' : 'Awaiting review', tone: 'warn' },
  facts: (item) => {
    const changes = (item.record.changes ?? {}) as Record<string, unknown>;
    const base = (item.record.base ?? {}) as Record<string, unknown>;
    const against = item.record.heldFor === 'conflict.escalated' ? 'current' : 'was';
    return [
      { label: 'Held', value: `${HELD_FOR[item.record.heldFor as HoldReason] ?? String(item.record.heldFor)}: ${String(item.record.heldNote ?? '')}` },
      ...(typeof item.record.expiresAt === 'string' ? [{ label: unverifiedExpired(item.record) ? 'Expired' : 'Expires', value: dateTime(item.record.expiresAt) }] : []),
      ...Object.keys(changes).map((path) => ({ label: fieldLabel(path), value: `${against} ${fieldValue(path, base[path])} → proposed ${fieldValue(path, changes[path])}` })),
    ];
  },
  asked: (r) => ({ verb: 'asked', by: text(r.requestedByName), at: r.heldAt, reason: String(r.reason ?? '') }),
  outcome: (r) =>
    unverifiedExpired(r)
      ? `Expired ${dateTime(r.expiresAt)} unreleased: nothing was applied`
      : r.decidedAt
        ? `${r.status === 'applied' ? 'Applied' : 'Declined'} by ${text(r.decidedByName) ?? 'a supervisor'}, ${dateTime(r.decidedAt)}: “${text(r.decisionReason) ?? ''}”`
        : null,
  approve: { label: 'Apply the change' },
  decline: 'Decline',
  placeholder: 'Confirmed with the customer on a callback…',
  route: { via: 'online', send: (item, approve, reason) => invoke('heldEdit.decide', { heldEditId: String(item.record.id), decision: approve ? 'apply' : 'decline', reason }) },
};

/** Every kind the approvals queue holds, in the order the view introduces them. */
export const APPROVAL_KINDS: readonly ApprovalKind[] = [ERASURE_REQUESTS, ADJUSTMENTS_ABOVE_THRESHOLD, HELD_EDITS];
