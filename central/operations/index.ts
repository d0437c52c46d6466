import type { FastifyInstance } from 'fastify';
import { API, CareDeskError, OPERATIONS, ValidationError, ROUTED_OPERATION_NAMES, mayPerform, parseOrThrow, type OperationInput, type OperationOutput, type RoutedOperationName } from '../../domain';
import { ADMIN_HANDLERS } from '../admin/adminOperations';
import { appendAudit } from '../audit/auditLog';
import { searchAudit } from '../audit/auditView';
import { checkAuditIntegrity } from '../audit/auditIntegrity';
import { decideAdjustment } from '../billing/adjustmentApproval';
import { reverseAdjustment } from '../billing/adjustmentReversal';
import type { StoreContext } from '../context';
import { sessionOf } from '../http/access';
import type { SessionContext } from '../identity/sessions';
import { signInAdminHandlers } from '../identity/lockoutAdmin';
import { replyToInquiry } from '../inquiries/reply';
import { decideHeldEdit } from '../review/heldEditDecision';
import { releaseHeldEdit } from '../review/heldEditRelease';
import { convertLead } from '../leads/convert';
import { setE911Address } from '../serviceLines/e911';
import { changeLinePlan, setLineStatus } from '../serviceLines/lineChanges';
import { exportForPartner } from '../sharing/partnerExport';
import { acknowledgePolicy, listFromConsole, policyStatus, publishFromConsole } from '../policy/policyVersions';
import { approveDisclosure, prepareDisclosure } from '../compliance/disclosures';
import { subjectAccessReport } from '../compliance/subjectAccess';
import { inTransaction } from '../storage/database';
import type { z } from 'zod';

/**
 * The central store's half of the online operations declared in domain/operations.ts without a
 * route of their own: one route, `POST API.operation(name)`, and one handler per operation name.
 * The route checks what the declaration says — the role may take it (`roles`, a refusal audited
 * with the operation's audit action), the body is its `input` — and answers its `output`; the
 * handler does the work. A new online operation is a declaration and a line in HANDLERS.
 */
type Handler<N extends RoutedOperationName> = (ctx: StoreContext, session: SessionContext, input: OperationInput<N>) => Promise<OperationOutput<N>>;

const HANDLERS: { [N in RoutedOperationName]: Handler<N> } = {
  'billingAdjustment.decide': decideAdjustment,
  'billingAdjustment.reverse': reverseAdjustment,
  // issue 14: edits held for review
  'heldEdit.decide': decideHeldEdit,
  // issue 16: an unverified edit released after the caller's online re-verification
  'heldEdit.release': releaseHeldEdit,
  'lead.convert': convertLead,
  'inquiry.reply': replyToInquiry,
  'sharing.export': exportForPartner,
  'serviceLine.setE911Address': setE911Address,
  ...signInAdminHandlers,
  // privacy-policy versions (issue 14): the CLI calls the same functions (policy/policyVersions.ts)
  'policyVersion.publish': publishFromConsole,
  'policyVersion.status': (ctx, session) => policyStatus(ctx, session),
  'policyVersion.acknowledge': acknowledgePolicy,
  'policyVersion.list': (ctx, session) => listFromConsole(ctx, session),
  // issue 14, compliance
  'disclosure.prepare': prepareDisclosure,
  'disclosure.approve': approveDisclosure,
  'subjectAccess.report': subjectAccessReport,
  'audit.search': searchAudit,
  'audit.integrity': checkAuditIntegrity,
  ...ADMIN_HANDLERS,
  'serviceLine.setStatus': setLineStatus,
  'serviceLine.changePlan': changeLinePlan,
};

export async function takeOperation<N extends RoutedOperationName>(ctx: StoreContext, session: SessionContext, name: N, body: unknown): Promise<OperationOutput<N>> {
  const op = OPERATIONS[name];
  const { user } = session;
  if (!mayPerform(name, user.role)) {
    await inTransaction(ctx.db, (tx) =>
      appendAudit(tx, ctx.clock(), { action: op.audit, userId: user.id, role: user.role, deviceId: session.deviceId, entity: op.entity, outcome: 'denied', detail: `${name}: not for this role` }),
    );
    throw new CareDeskError('forbidden', `the ${user.role} role may not ${op.does}`);
  }
  const declared: { input: z.ZodType; output: z.ZodType } = op;
  let input: OperationInput<N>;
  try {
    input = parseOrThrow(declared.input, body ?? {}) as OperationInput<N>;
  } catch (err) {
    // a body its declaration refuses (a forged field, a value out of its set) is a write attempt too: audited with the fields and rules, never a value
    if (err instanceof ValidationError) {
      const issues = err.issues.slice(0, 20);
      await inTransaction(ctx.db, (tx) =>
        appendAudit(tx, ctx.clock(), {
          action: op.audit,
          userId: user.id,
          role: user.role,
          deviceId: session.deviceId,
          entity: op.entity,
          outcome: 'denied',
          fields: [...new Set(issues.map((i) => i.field.slice(0, 60)))],
          detail: `${name}: input refused (${[...new Set(issues.map((i) => i.rule))].join(', ')})`.slice(0, 500),
        }),
      );
    }
    throw err;
  }
  return declared.output.parse(await HANDLERS[name](ctx, session, input)) as OperationOutput<N>;
}

export function operationRoutes(app: FastifyInstance, ctx: StoreContext): void {
  app.post<{ Params: { name: string } }>(API.operation(':name'), async (request) => {
    const session = sessionOf(request);
    const name = request.params.name;
    if (!(ROUTED_OPERATION_NAMES as readonly string[]).includes(name)) throw new CareDeskError('not_found', `no operation named ${JSON.stringify(name.slice(0, 60))}`);
    return takeOperation(ctx, session, name as RoutedOperationName, request.body);
  });
}
