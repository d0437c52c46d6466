import type { OperationInput, OperationOutput } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import { inTransaction } from '../storage/database';
import { liftLockout, listLockouts } from './lockouts';
import { resetSecondFactor } from './secondFactor';
import type { SessionContext } from './sessions';

/**
 * The administrator's operations on sign-in (domain/operations.ts: `lockout.list`, `lockout.lift`,
 * `secondFactor.reset`), taken at the operations route from the admin console and called by the CLI
 * with the operating-system account as the actor: one function each, one audit row each.
 */
type Deps = Pick<StoreContext, 'db' | 'clock'>;
export interface SignInAdminActor {
  userId?: string | null;
  role?: SessionContext['user']['role'] | null;
  deviceId?: string | null;
  label: string;
}

function actorOf(session: SessionContext): SignInAdminActor {
  return { userId: session.user.id, role: session.user.role, deviceId: session.deviceId, label: `${session.user.username} (admin console)` };
}

export async function lockoutsNow(ctx: Deps, actor: SignInAdminActor): Promise<OperationOutput<'lockout.list'>> {
  const now = ctx.clock();
  const lockouts = await listLockouts(ctx.db, now);
  await inTransaction(ctx.db, (tx) =>
    appendAudit(tx, now, { action: 'session.lockouts_listed', outcome: 'ok', userId: actor.userId ?? null, role: actor.role ?? null, deviceId: actor.deviceId ?? null, detail: `${lockouts.length} lockout(s) in force (${actor.label})` }),
  );
  return { lockouts };
}

export async function liftSignInLockout(ctx: Deps, input: OperationInput<'lockout.lift'>, actor: SignInAdminActor): Promise<OperationOutput<'lockout.lift'>> {
  const now = ctx.clock();
  return { lifted: await inTransaction(ctx.db, (tx) => liftLockout(tx, now, input.username, actor)) };
}

export async function resetUserSecondFactor(ctx: Deps, input: OperationInput<'secondFactor.reset'>, actor: SignInAdminActor): Promise<OperationOutput<'secondFactor.reset'>> {
  const now = ctx.clock();
  return inTransaction(ctx.db, (tx) => resetSecondFactor(tx, now, input.userId, actor));
}

/** The operations route's handlers (central/operations/index.ts). */
export const signInAdminHandlers = {
  'lockout.list': (ctx: StoreContext, session: SessionContext) => lockoutsNow(ctx, actorOf(session)),
  'lockout.lift': (ctx: StoreContext, session: SessionContext, input: OperationInput<'lockout.lift'>) => liftSignInLockout(ctx, input, actorOf(session)),
  'secondFactor.reset': (ctx: StoreContext, session: SessionContext, input: OperationInput<'secondFactor.reset'>) => resetUserSecondFactor(ctx, input, actorOf(session)),
};
