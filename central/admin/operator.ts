import { ADMIN_RULES, CareDeskError, type AuditAction, type FieldIssue, type Role } from '../../domain';
import { appendAudit, type AuditEntry } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction, type Tx } from '../storage/database';
import type { CentralDb } from '../storage/schema';

/**
 * Who performs an administrator's action, for its guardrails and its audit row: a signed-in admin
 * (the console, through the operations route: their user and device), or the command line on the
 * store's host (no user: the operating-system account that ran it, `by`). The CLI and the console
 * call the same functions with one or the other (issue 14: "the CLI and the view call the same
 * central operations").
 */
export interface Operator {
  userId: string | null;
  role: Role | null;
  deviceId: string | null;
  /** a readable name for the audit row's detail */
  by: string;
}

export function operatorOf(session: SessionContext): Operator {
  return { userId: session.user.id, role: session.user.role, deviceId: session.deviceId, by: `${session.user.username} (${session.user.role})` };
}

export function commandLine(by: string): Operator {
  return { userId: null, role: null, deviceId: null, by };
}

/** The store acting on a rule of its own (PCI DSS 8.2.6: an account unused for 90 days), with no user or device behind it. */
export const THE_STORE: Operator = { userId: null, role: null, deviceId: null, by: 'the store' };

/** An audit row of an admin action, naming who did it. */
export function appendAdminAudit(tx: Tx, at: Date, operator: Operator, entry: Omit<AuditEntry, 'userId' | 'role' | 'deviceId'>): Promise<void> {
  return appendAudit(tx, at, { ...entry, userId: operator.userId, role: operator.role, deviceId: operator.deviceId });
}

/**
 * A refused admin action: audited `denied` with the rule it broke (in a transaction of its own, the
 * action's having been rolled back), then thrown.
 */
export async function refuse(ctx: Pick<StoreContext, 'db' | 'clock'>, operator: Operator, action: AuditAction, target: { entity: string; id: string }, code: 'forbidden' | 'conflict', issue: FieldIssue): Promise<never> {
  await inTransaction(ctx.db, (tx) =>
    appendAdminAudit(tx, ctx.clock(), operator, { action, outcome: 'denied', entity: target.entity, entityId: target.id, detail: `${issue.rule}: ${issue.message} (by ${operator.by})` }),
  );
  throw new CareDeskError(code, issue.message, [issue]);
}

/** No one changes their own role or disables themselves: another admin must (issue 14). */
export function selfIssue(operator: Operator, userId: string, what: 'role' | 'disable'): FieldIssue | null {
  if (operator.userId !== userId) return null;
  return what === 'role'
    ? { field: 'userId', rule: ADMIN_RULES.selfRoleChange, message: 'you cannot change your own role: ask another administrator' }
    : { field: 'userId', rule: ADMIN_RULES.selfDisable, message: 'you cannot disable your own account: ask another administrator' };
}

/** Whether taking `userId` out of the active admins would leave none (the last admin is protected). */
export async function isLastActiveAdmin(db: CentralDb, userId: string): Promise<boolean> {
  const admins = await db.selectFrom('users').select('id').where('role', '=', 'admin').where('status', '=', 'active').execute();
  return admins.length === 1 && admins[0]!.id === userId;
}

export const LAST_ADMIN_ISSUE: FieldIssue = { field: 'userId', rule: ADMIN_RULES.lastAdmin, message: 'this is the last active administrator: make another one first' };

/** Thrown inside a transaction to roll it back, then audited and answered by `refuse`. */
export class Refusal extends Error {
  constructor(
    readonly code: 'forbidden' | 'conflict',
    readonly issue: FieldIssue,
  ) {
    super(issue.message);
  }
}

/** Runs an admin change; a `Refusal` thrown inside it is rolled back, audited as denied and answered. */
export async function guarded<T>(ctx: Pick<StoreContext, 'db' | 'clock'>, operator: Operator, action: AuditAction, target: { entity: string; id: string }, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof Refusal) return refuse(ctx, operator, action, target, err.code, err.issue);
    throw err;
  }
}
