import { z } from 'zod';
import { Role } from '../roles';
import { Id, IsoDateTime } from './common';

export const AUDIT_ACTIONS = [
  'session.sign_in',
  'session.sign_in_failed',
  'session.sign_out',
  'device.enrolled',
  'device.revoked',
  'user.disabled',
  'user.enabled',
  'caller.verification',
  'record.create',
  'record.update',
  'record.update_rejected',
  /** a mutation held for a supervisor's review (e.g. its caller verification ran out before it arrived) */
  'record.update_held',
  'record.view',
  /** a record's change history read, with the reasons of its changes */
  'record.history',
  'sync.pull',
  'card.replace',
  'billing.read',
  'billing.adjustment',
  /** a credit or an adjustment awaiting approval approved (the balance moved) or declined by a supervisor: ids and field names, never the amount or the reason */
  'billing.adjustment_decided',
  /** an applied credit or adjustment taken back by a new one of the opposite amount: ids and field names only */
  'billing.adjustment_reversed',
  /** an approved erasure carried out: what was erased and kept, by entity, never a value */
  'erasure.completed',
  /** a desk reported it purged an erased customer from its cache */
  'erasure.device_confirmed',
  /** an erasure certificate read */
  'erasure.certificate_read',
  /** an erasure re-applied from the ledger after a restore of the database */
  'erasure.reapplied',
  /** a lead converted into a customer (new or existing) with an order: ids only */
  'lead.converted',
  /** a partner-sharing file generated: partner, purpose, columns, counts and the file's SHA-256, never a row */
  'sharing.exported',
  /** leads never converted, purged when the server policy's retention ended: count and ids */
  'lead.retention_purged',
  /** a reply to an email inquiry sent through the central store's relay: ids only, never the address or text */
  'inquiry.replied',
  /** billing records an erasure kept, purged when their retention ended: counts and ids, never a value */
  'erasure.retention_purged',
  /** an email inquiry ingested by the central store (no user): ids and counts only, never the address or the text */
  'inquiry.ingested',
  /** a line's E911 address updated online (serviceLine.setE911Address): field names, never the address */
  'e911.updated',
  /** the central store flagged a line for network operations: the service address changed and the line's E911 address is not it */
  'e911.review_flagged',
  /** the central store cleared a line's flag: the service address is its E911 address again */
  'e911.review_cleared',
  /** a username locked after too many failed sign-ins (passwords or codes, PCI DSS 8.3.4): counts only, never what was typed */
  'session.locked_out',
  /** an administrator lifted a sign-in lockout */
  'session.lockout_lifted',
  /** an administrator listed the sign-in lockouts */
  'session.lockouts_listed',
  /** a user added a second factor (TOTP) at sign-in; recovery codes were issued */
  'session.second_factor_enrolled',
  /** an administrator reset a user's second factor: they enrol again at their next sign-in */
  'user.second_factor_reset',
  // privacy-policy versions (issue 14, domain/policyVersions.ts)
  /** an admin published a new privacy-policy version: its number, never edited afterwards */
  'policy.published',
  /** a staff user acknowledged a privacy-policy version (the version, the device; the store's clock) */
  'policy.acknowledged',
  /** the acknowledgements of the policy versions read by an admin (who has, who has not yet) */
  'policy.read',
  /** issue 14, compliance: a legal disclosure prepared (ids, basis, item names; never a value) */
  'disclosure.prepared',
  /** issue 14, compliance: a prepared disclosure approved by another officer, its items released (names, never values) */
  'disclosure.approved',
  /** issue 14, compliance: a subject access report made for a customer (counts and the file's SHA-256) */
  'subject_access.exported',
  /** the audit view read (audit.search): the reader's scope, the filters' names and the row count, never a filter's value */
  'audit.read',
  /** issue 16: the trail checked against its signed checkpoints (audit.integrity): the outcome and the rules broken, never a row */
  'audit.integrity_checked',
  /** a search of the desk's cache: its kind and result count, never the query text (reported with the desk's push) */
  'customer.search',
  /** issue 16: a desk's chain of offline reads did not hold (a gap, an altered entry, a fork, a replayed head, a bad signature): the rule and the numbers, never a read */
  'offline_views.chain_broken',
  // ---- administration (issue 14, domain/admin.ts): who did it, to whom, never a password or a code
  /** an admin listed staff accounts or workstations */
  'admin.viewed',
  'user.created',
  'user.role_changed',
  /** a grant of admin or compliance (PRIVILEGED_ROLES), on a line of its own beside the creation or role change */
  'user.privilege_granted',
  'user.team_assigned',
  'user.password_reset',
  /** disabled by the store itself after INACTIVITY_DISABLE_DAYS without a sign-in (PCI DSS 8.2.6) */
  'user.disabled_inactive',
  'team.saved',
  'enrolment.code_issued',
  'session_policy.changed',
  /** network operations changed a line's plan online (serviceLine.changePlan): the field, never a value */
  'line.plan_changed',
  /** network operations took a line's status a step of its lifecycle online (serviceLine.setStatus) */
  'line.status_changed',
  'held_edit.decided',
  /** issue 16: a rep released their unverified held edit after verifying the caller online */
  'held_edit.released',
  /** issue 16: an unverified held edit ran out before it was released or applied; nothing written */
  'held_edit.expired',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
/** how an audited action ended: done, refused, broke, met a newer change, or held for a supervisor's review */
export const AUDIT_OUTCOMES = ['ok', 'denied', 'failed', 'conflict', 'held'] as const;

/**
 * One row of the hash-chained audit log. It names fields, never their values: the log must
 * not become a second copy of the PII that an erasure could miss.
 */
export const AuditEvent = z.strictObject({
  seq: z.number().int(),
  at: IsoDateTime,
  userId: Id.nullable(),
  role: Role.nullable(),
  deviceId: Id.nullable(),
  action: z.enum(AUDIT_ACTIONS),
  entity: z.string().nullable(),
  entityId: z.string().nullable(),
  customerId: Id.nullable(),
  fields: z.array(z.string()),
  outcome: z.enum(AUDIT_OUTCOMES),
  detail: z.string().max(500).nullable(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;
