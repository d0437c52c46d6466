import { CareDeskError, type User } from '../../domain';
import { appendAdminAudit, guarded, isLastActiveAdmin, LAST_ADMIN_ISSUE, Refusal, selfIssue, type Operator } from '../admin/operator';
import type { StoreContext } from '../context';
import { inTransaction } from '../storage/database';
import { endSessions, USER_DISABLED_REASON } from './sessions';
import { setUserStatus, userOf } from './users';

/** What an administrator's status change did; `changed` is false when the account already was so. */
export interface StatusChange {
  user: User;
  changed: boolean;
  sessionsEnded: number;
}

type Deps = Pick<StoreContext, 'db' | 'clock' | 'feed'>;

/** The store's own rule that disables an account (admin/inactivity.ts): its audit action and its reason, in place of an administrator's. */
export interface DisablingRule {
  action: 'user.disabled_inactive';
  detail: string;
}

/**
 * Disables an account: it cannot sign in, its live sessions end with a `user` revocation, and every
 * workstation holding its cache wipes it — at once over an open event stream, otherwise at its next
 * contact, which is answered `user_disabled` (DESIGN §4). One transaction with its audit row, which
 * names the administrator, or the store and its `rule`. Guardrails (issue 14): no one disables
 * themselves, and the last active admin stays.
 */
export async function disableUser(ctx: Deps, userId: string, operator: Operator, rule?: DisablingRule): Promise<StatusChange> {
  const now = ctx.clock();
  const action = rule?.action ?? 'user.disabled';
  const outcome = await guarded(ctx, operator, action, { entity: 'user', id: userId }, () =>
    inTransaction(ctx.db, async (tx) => {
      const row = await tx.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'status']).where('id', '=', userId).executeTakeFirst();
      if (!row) throw new CareDeskError('not_found', `no such user: ${userId}`);
      if (row.status === 'disabled') return { user: userOf(row), changed: false, revocation: null };
      const self = selfIssue(operator, userId, 'disable');
      if (self) throw new Refusal('forbidden', self);
      if (await isLastActiveAdmin(tx, userId)) throw new Refusal('conflict', LAST_ADMIN_ISSUE);
      await setUserStatus(tx, userId, 'disabled', now);
      const revocation = await endSessions(tx, now, { userId }, 'user', USER_DISABLED_REASON);
      await appendAdminAudit(tx, now, operator, {
        action,
        outcome: 'ok',
        entity: 'user',
        entityId: userId,
        detail: `${rule?.detail ?? `${row.username} disabled by ${operator.by}`}; ${revocation?.sessions.length ?? 0} live session(s) ended`,
      });
      return { user: userOf({ ...row, status: 'disabled' }), changed: true, revocation };
    }),
  );
  if (outcome.revocation) ctx.feed.publish({ kind: 'revoked', ...outcome.revocation });
  return { user: outcome.user, changed: outcome.changed, sessionsEnded: outcome.revocation?.sessions.length ?? 0 };
}

/**
 * Lets a disabled account sign in again; its old sessions stay ended, and a desk starts a fresh
 * cache. The 90-day inactivity rule counts from now (`status_changed_at`).
 */
export async function enableUser(ctx: Pick<StoreContext, 'db' | 'clock'>, userId: string, operator: Operator): Promise<StatusChange> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const row = await tx.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'status']).where('id', '=', userId).executeTakeFirst();
    if (!row) throw new CareDeskError('not_found', `no such user: ${userId}`);
    if (row.status === 'active') return { user: userOf(row), changed: false, sessionsEnded: 0 };
    await setUserStatus(tx, userId, 'active', now);
    await appendAdminAudit(tx, now, operator, { action: 'user.enabled', outcome: 'ok', entity: 'user', entityId: userId, detail: `${row.username} enabled by ${operator.by}` });
    return { user: userOf({ ...row, status: 'active' }), changed: true, sessionsEnded: 0 };
  });
}
