import { z } from 'zod';
import { CONSENT_KEYS, Id, IsoDateTime, PolicyVersionNumber, type ConsentPolicyVersions } from './entities';
import { Role } from './roles';
import { freeText } from './validation/text';

/**
 * Notification of changes (DESIGN §1, issue 14): the privacy policy in force is a numbered version
 * the central store publishes (an admin, from the console or the CLI). Each version says what
 * changed; it is never edited once published, and the one in force is the latest. Every staff
 * user acknowledges it at their next sign-in, or at an unlock that reaches the store; the store
 * records who, which version, when (its clock) and from which device. Consents and leads carry the
 * version in force when they were given or created, stamped by the store, never by a desk.
 *
 * Policy versions and acknowledgements are not records: they do not sync to desks (a desk asks the
 * store online), so their operations name this entity rather than one of ENTITY_SCHEMAS.
 */
export const POLICY_ENTITY = 'policyVersion' as const;
export type PolicyEntity = typeof POLICY_ENTITY;

/** What changed, as staff read it at sign-in: a few paragraphs at most. */
export const POLICY_CHANGES_MAX = 4000;
export const PolicyChanges = freeText({ min: 10, max: POLICY_CHANGES_MAX, multiLine: true });

export const PolicyVersion = z.strictObject({
  version: PolicyVersionNumber,
  changes: z.string(),
  publishedAt: IsoDateTime,
  /** who published it: a user's display name, or the command line */
  publishedBy: z.string(),
});
export type PolicyVersion = z.infer<typeof PolicyVersion>;

/** A staff member as the acknowledgement list names them: no customer data, nothing but who. */
export const StaffRef = z.strictObject({ userId: Id, username: z.string(), displayName: z.string(), role: Role });
export type StaffRef = z.infer<typeof StaffRef>;

export const PolicyAcknowledgement = z.strictObject({
  version: PolicyVersionNumber,
  /** by the central store's clock, never the desk's */
  acknowledgedAt: IsoDateTime,
  deviceId: Id,
});
export type PolicyAcknowledgement = z.infer<typeof PolicyAcknowledgement>;

/** An admin publishes what changed; the store numbers it. */
export const PolicyPublishRequest = z.strictObject({ changes: PolicyChanges });
export type PolicyPublishRequest = z.infer<typeof PolicyPublishRequest>;
export const PolicyPublishResult = z.strictObject({ published: PolicyVersion });

/**
 * A user acknowledges a version that exists, for themselves: the request names the version only
 * (who is the session's user, the device the session's, when the store's clock).
 */
export const PolicyAcknowledgeRequest = z.strictObject({ version: PolicyVersionNumber });
export type PolicyAcknowledgeRequest = z.infer<typeof PolicyAcknowledgeRequest>;
export const PolicyAcknowledgeResult = z.strictObject({
  acknowledgement: PolicyAcknowledgement,
  /** this version was acknowledged before: the first acknowledgement stands */
  already: z.boolean(),
});

/**
 * What a user must read before working: the version in force (null: none published yet), the
 * user's latest acknowledgement, and the versions published since it, newest first (what changed,
 * version by version; empty when nothing awaits).
 */
export const POLICY_PENDING_SHOWN = 10;
export const PolicyStatus = z.strictObject({
  current: PolicyVersion.nullable(),
  acknowledged: PolicyAcknowledgement.nullable(),
  pending: z.array(PolicyVersion).max(POLICY_PENDING_SHOWN),
});
export type PolicyStatus = z.infer<typeof PolicyStatus>;

/** Whether a user must acknowledge before working: a version is in force that they have not acknowledged (nor a later one). */
export function mustAcknowledge(status: PolicyStatus): boolean {
  return status.current !== null && (status.acknowledged?.version ?? 0) < status.current.version;
}

/**
 * Per version, for the admin: who acknowledged it (with when and from which device), who
 * acknowledged only a later version, and which active staff have acknowledged neither it nor a
 * later one (a disabled account cannot sign in to acknowledge, so it is not awaited).
 */
export const PolicyVersionAcknowledgements = PolicyVersion.extend({
  acknowledged: z.array(StaffRef.extend({ acknowledgedAt: IsoDateTime, deviceId: Id, deviceName: z.string() })),
  acknowledgedLater: z.array(StaffRef),
  notYet: z.array(StaffRef),
});
export type PolicyVersionAcknowledgements = z.infer<typeof PolicyVersionAcknowledgements>;
export const PolicyVersionList = z.strictObject({ versions: z.array(PolicyVersionAcknowledgements) });
export type PolicyVersionList = z.infer<typeof PolicyVersionList>;

/**
 * The customer's consent stamps after a change the central store applies: each consent the change
 * set gets the version in force (none published: nothing is stamped). `applied` are the mutation's
 * paths the store applied (`consents.sms`…); an unchanged consent keeps its stamp.
 */
export function stampConsents(current: Record<string, unknown>, applied: readonly string[], versionInForce: number | null): { consentPolicyVersions?: ConsentPolicyVersions } {
  const given = CONSENT_KEYS.filter((key) => applied.includes(`consents.${key}`));
  if (!given.length || versionInForce === null) return {};
  const before = (current.consentPolicyVersions ?? {}) as ConsentPolicyVersions;
  return { consentPolicyVersions: { ...before, ...Object.fromEntries(given.map((key) => [key, versionInForce])) } };
}

/** The demo store's first version (`npm start`), so the console shows the notice and the admin's list from the start. */
export const DEMO_POLICY_CHANGES =
  'First published version of the privacy policy in CareDesk. It states what personal information we collect (name, address, phone number, email; payment information for orders), why we use it, who may see it, and how customers correct, update or remove it by calling customer service.';
