import { CareDeskError, OPERATIONS, ServiceLine, ValidationError, servesE911, stepViolation, type ServiceLineChangeResult, type ServiceLinePlanChange, type ServiceLineStatusChange } from '../../domain';
import type { FieldIssue } from '../../domain/errors';
import { appendAudit, type AuditEntry } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction } from '../storage/database';
import { readRecord, writeRecords } from '../storage/recordStore';

type Checked = { refused: CareDeskError; detail: string; customerId: string | null } | { result: ServiceLineChangeResult; head: number | null };

/** One field of a line that network operations change online: which, the operation, and what the store checks besides `expected`. */
interface LineChange {
  field: 'plan' | 'status';
  operation: 'serviceLine.changePlan' | 'serviceLine.setStatus';
  /** why this change may not be made to this line by this user, or null */
  issue: (line: ServiceLine, to: string, user: { id: string; role: SessionContext['user']['role'] }) => FieldIssue | null;
}

const PLAN: LineChange = {
  field: 'plan',
  operation: 'serviceLine.changePlan',
  // a number that left for another carrier has no plan here any more
  issue: (line) => (servesE911(line) ? null : { field: 'lineId', rule: 'line.ported_out', message: 'this number was ported out to another carrier: it has no plan here' }),
};
const STATUS: LineChange = {
  field: 'status',
  operation: 'serviceLine.setStatus',
  // the step of the line's lifecycle, for this role (domain/lifecycles.ts), the one table desks offer from
  issue: (line, to, user) => stepViolation('serviceLine', line, { status: to }, user),
};

/**
 * A line's plan or status changed online (domain/operations.ts), in one transaction against what the
 * store holds now: the line, the rule of the change (a step of the lifecycle; no plan for a number
 * ported out), and the value the desk showed (`expected`: another is a conflict, unless the store
 * already holds the value asked for, a retry that changes nothing). The line gets the value, with the
 * reason in its history and an audit row naming the field; every refusal is audited with its reason.
 */
async function changeLine(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>, session: SessionContext, change: LineChange, request: { lineId: string; expected: string; reason: string }, to: string): Promise<ServiceLineChangeResult> {
  const { user } = session;
  const now = ctx.clock();
  const audit = { action: OPERATIONS[change.operation].audit, userId: user.id, role: user.role, deviceId: session.deviceId, entity: 'serviceLine', entityId: request.lineId } as const satisfies Partial<AuditEntry>;

  const checked = await inTransaction(ctx.db, async (tx): Promise<Checked> => {
    const stored = await readRecord(tx, 'serviceLine', request.lineId);
    if (!stored?.data) return { refused: new CareDeskError('not_found', 'no such service line'), detail: 'no such line', customerId: null };
    const line = ServiceLine.parse(stored.data);
    const customerId = stored.customerId;
    if (line[change.field] === to) {
      // the field, never its value: an audit row names what, a plan or a status is the customer's data
      await appendAudit(tx, now, { ...audit, outcome: 'ok', customerId, fields: [change.field], detail: `the ${change.field} asked for was already held: nothing changed` });
      return { result: { status: 'unchanged', line }, head: null };
    }
    if (line[change.field] !== request.expected) {
      return {
        refused: new CareDeskError('conflict', `This line's ${change.field} was changed since your workstation read it: nothing was changed. Look at the line as it is now, then decide again.`, [
          { field: 'expected', rule: `line.${change.field}_changed`, message: `the line's ${change.field} is no longer the one your workstation showed` },
        ]),
        detail: `${change.field} changed since the desk read it`,
        customerId,
      };
    }
    const issue = change.issue(line, to, user);
    if (issue) {
      const refused = issue.rule === 'transition.not_allowed' || issue.rule === 'transition.same_person' ? new CareDeskError('forbidden', issue.message, [issue]) : new ValidationError([issue]);
      return { refused, detail: issue.rule, customerId };
    }
    const next = { ...line, [change.field]: to };
    const [seq] = await writeRecords(tx, [{ op: 'update', entity: 'serviceLine', id: line.id, customerId, data: next, fields: [change.field] }], {
      at: now,
      by: user.id,
      reason: request.reason,
      audit: { ...audit, outcome: 'ok', customerId, fields: [change.field], detail: null },
    });
    return { result: { status: 'updated', line: next }, head: seq! };
  });

  if ('refused' in checked) {
    await inTransaction(ctx.db, (tx) => appendAudit(tx, now, { ...audit, outcome: checked.refused.code === 'conflict' ? 'conflict' : 'denied', customerId: checked.customerId, detail: checked.detail }));
    throw checked.refused;
  }
  if (checked.head !== null) ctx.feed.publish({ kind: 'advanced', head: checked.head });
  return checked.result;
}

/** `serviceLine.changePlan`: network operations move a line to another plan. */
export function changeLinePlan(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>, session: SessionContext, request: ServiceLinePlanChange): Promise<ServiceLineChangeResult> {
  return changeLine(ctx, session, PLAN, request, request.plan);
}

/** `serviceLine.setStatus`: network operations take a line a step of its lifecycle (activate, suspend, port out). */
export function setLineStatus(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>, session: SessionContext, request: ServiceLineStatusChange): Promise<ServiceLineChangeResult> {
  return changeLine(ctx, session, STATUS, request, request.status);
}
