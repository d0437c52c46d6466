import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, ENTITY_NAMES, Id, IsoDateTime, type EntityName } from './entities';
import { accessOf } from './policy';
import { Role, type Role as RoleName } from './roles';

/**
 * Whose audit rows a role reads in the audit view (DESIGN §3): its own actions, its team's, all of
 * them, or all of them without values (the admin: no customer's name, no description of what was done
 * to a customer, no field the policy hides from it). A role with none has no audit view. The central
 * store applies it to every query; the console only lays the view out from it.
 */
export const AUDIT_SCOPES = {
  care_rep: 'own',
  billing_clerk: 'own',
  network_ops: null,
  supervisor: 'team',
  compliance: 'all',
  admin: 'all_without_values',
} as const satisfies Record<RoleName, AuditScope | null>;
export const AUDIT_SCOPE_NAMES = ['own', 'team', 'all', 'all_without_values'] as const;
export type AuditScope = (typeof AUDIT_SCOPE_NAMES)[number];
export const AUDIT_READERS: readonly RoleName[] = (Object.keys(AUDIT_SCOPES) as RoleName[]).filter((role) => AUDIT_SCOPES[role] !== null);
/** Who answers for the whole trail, and so is told whether it still holds (issue 16): the readers of all of it. */
export const AUDIT_INTEGRITY_READERS: readonly RoleName[] = AUDIT_READERS.filter((role) => AUDIT_SCOPES[role] === 'all' || AUDIT_SCOPES[role] === 'all_without_values');

/**
 * The audit trail held against its signed checkpoints (central/audit/checkpoints.ts), as the central
 * store found it just now: the chain, and each fault the checkpoints show — rows cut from its end, a
 * row edited or the chain rebuilt, a checkpoint line not signed by the store's key. Row numbers and
 * times only, never a row's content.
 */
export const AUDIT_INTEGRITY_RULES = ['checkpoint.unreadable', 'checkpoint.signature', 'checkpoint.truncated', 'checkpoint.mismatch', 'chain.broken'] as const;
export const AuditIntegrityRequest = z.strictObject({});
export const AuditIntegrity = z.strictObject({
  checkedAt: IsoDateTime,
  ok: z.boolean(),
  rows: z.number().int().min(0),
  checkpoints: z.number().int().min(0),
  restores: z.number().int().min(0),
  /** the newest checkpoint in force: rows after it are protected by the chain alone */
  latest: z.strictObject({ seq: z.number().int().min(0), at: IsoDateTime }).nullable(),
  problems: z.array(z.strictObject({ rule: z.enum(AUDIT_INTEGRITY_RULES), message: z.string() })),
});
export type AuditIntegrity = z.infer<typeof AuditIntegrity>;

/**
 * Whether `reader` sees customers' names in the audit view: not a reader without values (the admin),
 * and only if the field policy lets it read a customer's name. The store does not even read the
 * names for any other reader.
 */
export function readsCustomerNames(reader: RoleName): boolean {
  return AUDIT_SCOPES[reader] !== 'all_without_values' && accessOf('customer', 'lastName', reader) !== 'hidden';
}

export const AUDIT_PAGE = { default: 50, max: 200 } as const;

/** The filters of the audit view: who, which customer, which action, when; a page ends before `before` (a row's seq). */
export const AuditQuery = z
  .strictObject({
    userId: Id.optional(),
    customerId: Id.optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    from: IsoDateTime.optional(),
    to: IsoDateTime.optional(),
    before: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(AUDIT_PAGE.max).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'the start of the period is after its end', path: ['to'] });
export type AuditQuery = z.infer<typeof AuditQuery>;

/** One row as its reader may see it: the field policy applied, and for the admin no values at all. */
export const AuditViewRow = z.strictObject({
  seq: z.number().int(),
  at: IsoDateTime,
  /** who did it (staff are named to every reader of the log); null for the store itself */
  user: z.strictObject({ id: Id, name: z.string(), role: Role.nullable() }).nullable(),
  deviceId: Id.nullable(),
  action: z.enum(AUDIT_ACTIONS),
  outcome: z.enum(AUDIT_OUTCOMES),
  entity: z.string().nullable(),
  entityId: z.string().nullable(),
  /** the customer's id, and their name only for a reader the field policy lets read it */
  customer: z.strictObject({ id: Id, name: z.string().nullable() }).nullable(),
  /** the fields it names that the reader may see */
  fields: z.array(z.string()),
  /** how many more it names that the reader may not see */
  hiddenFields: z.number().int().min(0),
  /** the store's description of it; withheld from a reader without values where it concerns a customer */
  detail: z.string().nullable(),
});
export type AuditViewRow = z.infer<typeof AuditViewRow>;

export const AuditPage = z.strictObject({
  scope: z.enum(AUDIT_SCOPE_NAMES),
  rows: z.array(AuditViewRow),
  /** the `before` of the next page, null at the end */
  next: z.number().int().nullable(),
});
export type AuditPage = z.infer<typeof AuditPage>;

/** An audit row as the store keeps it, with the names it joins to it (see central/audit/auditView.ts). */
export interface StoredAuditRow {
  seq: number;
  at: string;
  user: { id: string; name: string } | null;
  role: string | null;
  deviceId: string | null;
  action: string;
  outcome: string;
  entity: string | null;
  entityId: string | null;
  customerId: string | null;
  customerName: string | null;
  fields: readonly string[];
  detail: string | null;
}

const isEntity = (name: string | null): name is EntityName => name !== null && (ENTITY_NAMES as readonly string[]).includes(name);

/**
 * The row as `reader` may see it. A field of a record entity is shown only if the field policy lets the
 * reader see it (a timeline must not leak a field the reader may not read: DESIGN §3); the customer's
 * name only if the reader may read a customer's name; a reader without values (the admin) gets neither
 * a customer's name nor the store's description of anything done to a customer.
 */
export function auditRowFor(reader: RoleName, row: StoredAuditRow): AuditViewRow {
  const withoutValues = AUDIT_SCOPES[reader] === 'all_without_values';
  const entity = row.entity;
  const visible = isEntity(entity) ? row.fields.filter((field) => accessOf(entity, field.split('.')[0]!, reader) !== 'hidden') : [...row.fields];
  return AuditViewRow.parse({
    seq: row.seq,
    at: row.at,
    user: row.user ? { id: row.user.id, name: row.user.name, role: Role.safeParse(row.role).data ?? null } : null,
    deviceId: row.deviceId,
    action: row.action,
    outcome: row.outcome,
    entity,
    entityId: row.entityId,
    customer: row.customerId ? { id: row.customerId, name: readsCustomerNames(reader) ? row.customerName : null } : null,
    fields: visible,
    hiddenFields: row.fields.length - visible.length,
    detail: withoutValues && row.customerId ? null : row.detail,
  });
}
