import { z } from 'zod';
import { CARD_BRANDS, ChangeReason, Currency, PostalAddress, ZipCode, optionalText, rule } from '../validation';
import { Cents, Id, IsoDate, IsoDateTime } from './common';

export const BILLING_STATUSES = ['current', 'past_due', 'collections', 'closed'] as const;

export const BillingAccount = z.strictObject({
  id: Id,
  customerId: Id,
  /** in minor units of `currency` (cents of a dollar, yen themselves), as every amount of the account's invoices, payments and adjustments */
  balanceCents: Cents,
  /** the account's currency (ISO 4217): every amount of it is in its minor units */
  currency: Currency,
  dueDate: IsoDate,
  status: z.enum(BILLING_STATUSES),
  autopay: z.boolean(),
  billingAddress: PostalAddress,
});
export type BillingAccount = z.infer<typeof BillingAccount>;

export const INVOICE_STATUSES = ['open', 'paid', 'overdue', 'void'] as const;
export const InvoiceLine = z.strictObject({ description: optionalText(200), amountCents: Cents });
export const Invoice = z.strictObject({
  id: Id,
  customerId: Id,
  billingAccountId: Id,
  number: z.string().max(20),
  periodStart: IsoDate,
  periodEnd: IsoDate,
  issuedAt: IsoDate,
  dueDate: IsoDate,
  amountCents: Cents,
  status: z.enum(INVOICE_STATUSES),
  lines: z.array(InvoiceLine).max(100),
});
export type Invoice = z.infer<typeof Invoice>;

export const PAYMENT_STATUSES = ['succeeded', 'failed', 'pending', 'refunded'] as const;
export const Payment = z.strictObject({
  id: Id,
  customerId: Id,
  billingAccountId: Id,
  at: IsoDateTime,
  amountCents: Cents,
  paymentMethodId: Id.nullable(),
  /**
   * The card the payment was taken from, in the masked form (brand and last 4), kept with the payment:
   * "which card did that failed payment use?" still has an answer once the card is replaced. Absent
   * on payments recorded before it was kept.
   */
  card: z.strictObject({ brand: z.enum(CARD_BRANDS), last4: z.string().regex(/^\d{4}$/) }).nullable().optional(),
  status: z.enum(PAYMENT_STATUSES),
  failureReason: optionalText(200).nullable(),
});
export type Payment = z.infer<typeof Payment>;

/**
 * A payment method as any workstation may ever see it (PCI DSS 3.4.1: at most the last 4 digits).
 * The full card number exists only encrypted in the central store's card vault; the security code
 * is never stored anywhere (PCI DSS 3.3.1).
 */
export const PaymentMethod = z.strictObject({
  id: Id,
  customerId: Id,
  billingAccountId: Id,
  brand: z.enum(CARD_BRANDS),
  last4: z.string().regex(/^\d{4}$/),
  expMonth: z.number().int().min(1).max(12),
  expYear: z.number().int().min(2000).max(2100),
  holderName: optionalText(100),
  billingZip: ZipCode,
  isDefault: z.boolean(),
});
export type PaymentMethod = z.infer<typeof PaymentMethod>;

export const ORDER_STATUSES = ['placed', 'provisioning', 'fulfilled', 'cancelled'] as const;
export const Order = z.strictObject({
  id: Id,
  customerId: Id,
  items: z.array(z.strictObject({ sku: optionalText(40), description: optionalText(200), quantity: z.number().int().min(1), priceCents: Cents })).max(50),
  status: z.enum(ORDER_STATUSES),
  placedAt: IsoDateTime,
  fulfilledAt: IsoDateTime.nullable(),
});
export type Order = z.infer<typeof Order>;

/**
 * A credit or an adjustment a billing clerk recorded on an account, with why, who and when. It is a
 * record of its own (never an edit of another), created online only: money moves against the
 * balance the central store holds now, not against a workstation's copy of it.
 * `amountCents` is the effect on the balance: negative lowers what the customer owes.
 *
 * Issue 13: one above the store's approval threshold is recorded `awaiting_approval` and moves the
 * balance only once a supervisor other than its recorder approves it (`applied`), or never
 * (`declined`); the decision is stamped on it by the central store. A mistaken one is never edited:
 * a reversal is a new adjustment of the opposite amount naming it (`reverses`). Records from before
 * approvals have no status and were applied (`adjustmentStatus`, domain/adjustments.ts).
 */
export const ADJUSTMENT_KINDS = ['credit', 'adjustment'] as const;
export type AdjustmentKind = (typeof ADJUSTMENT_KINDS)[number];
export const ADJUSTMENT_STATUSES = ['awaiting_approval', 'applied', 'declined'] as const;
export type AdjustmentStatus = (typeof ADJUSTMENT_STATUSES)[number];
/**
 * Who asked for a credit or an adjustment: the customer on the phone (`caller`, which needs the
 * caller verified, as `billingAccount.recordAdjustment` declares), or no one outside billing
 * (`internal`: a correction the clerk found). The clerk says which; the record keeps it.
 */
export const ADJUSTMENT_REQUESTERS = ['caller', 'internal'] as const;
export type AdjustmentRequester = (typeof ADJUSTMENT_REQUESTERS)[number];
export const BillingAdjustment = z.strictObject({
  id: Id,
  customerId: Id,
  billingAccountId: Id,
  kind: z.enum(ADJUSTMENT_KINDS),
  amountCents: Cents,
  reason: ChangeReason,
  recordedBy: optionalText(100),
  recordedAt: IsoDateTime,
  /** the recorder's user id: the one person who may not approve it (absent on records from before approvals) */
  recordedById: Id.optional(),
  status: z.enum(ADJUSTMENT_STATUSES).optional(),
  /** the threshold it was held against, set only on one that needed a supervisor's approval (and so in the approvals queue) */
  approvalAboveCents: Cents.optional(),
  /** who approved or declined it, when, and why: set by the central store, never taken from a desk */
  decidedBy: optionalText(100).optional(),
  decidedAt: IsoDateTime.optional(),
  decisionReason: ChangeReason.optional(),
  /** for a reversal: the adjustment it takes back, by the opposite amount */
  reverses: Id.optional(),
  /** absent on adjustments recorded before the clerk was asked */
  requestedBy: z.enum(ADJUSTMENT_REQUESTERS).optional(),
  /** the caller verification it rested on (a caller's request); null for an internal one, absent on older records */
  verificationId: Id.nullable().optional(),
});
export type BillingAdjustment = z.infer<typeof BillingAdjustment>;

/** The largest credit or adjustment a clerk may record at once: $5,000. Larger ones go through finance. */
export const MAX_ADJUSTMENT_CENTS = 500_000;

/**
 * From how much (exclusive, in cents either way) a credit or an adjustment waits for a supervisor's
 * approval, unless the central store's configuration says otherwise (`adjustmentApprovalAboveCents`).
 */
export const DEFAULT_ADJUSTMENT_APPROVAL_ABOVE_CENTS = 50_000;
/** The central store's billing policy, sent to desks with the session (protocol 4) so that a review can say what needs approval. */
export const BillingPolicy = z.strictObject({ adjustmentApprovalAboveCents: z.number().int().min(0).max(MAX_ADJUSTMENT_CENTS) });
export type BillingPolicy = z.infer<typeof BillingPolicy>;

/** A credit or adjustment as a clerk asks for it; the id (made by the workstation) makes a retry harmless. */
export const NewAdjustment = z
  .strictObject({
    id: Id,
    kind: z.enum(ADJUSTMENT_KINDS),
    amountCents: Cents.refine((c) => c !== 0, rule('adjustment.amount', 'the amount must not be zero')).refine(
      (c) => Math.abs(c) <= MAX_ADJUSTMENT_CENTS,
      rule('adjustment.limit', `at most $${MAX_ADJUSTMENT_CENTS / 100} at once`),
    ),
    reason: ChangeReason,
    requestedBy: z.enum(ADJUSTMENT_REQUESTERS),
  })
  .refine((a) => a.kind !== 'credit' || a.amountCents < 0, { ...rule('adjustment.credit_lowers', 'a credit lowers the balance'), path: ['amountCents'] });
export type NewAdjustment = z.infer<typeof NewAdjustment>;

export const ADJUSTMENT_DECISIONS = ['approve', 'decline'] as const;
/** A supervisor's decision on a credit or an adjustment awaiting approval, with its reason. Who and when are the central store's. */
export const AdjustmentDecisionRequest = z.strictObject({ adjustmentId: Id, decision: z.enum(ADJUSTMENT_DECISIONS), reason: ChangeReason });
export type AdjustmentDecisionRequest = z.infer<typeof AdjustmentDecisionRequest>;
/**
 * A clerk takes back an applied credit or adjustment of `billingAccountId`: `id` (made by the desk)
 * is the new reversal's, so a retry after a lost answer records nothing twice; its amount is the
 * original's, opposite, set by the central store.
 */
export const AdjustmentReversalRequest = z.strictObject({ id: Id, billingAccountId: Id, adjustmentId: Id, reason: ChangeReason });
export type AdjustmentReversalRequest = z.infer<typeof AdjustmentReversalRequest>;
