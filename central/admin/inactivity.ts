import { INACTIVITY_DISABLE_DAYS } from '../../domain';
import type { StoreContext } from '../context';
import { disableUser } from '../identity/accountStatus';
import type { CentralDb } from '../storage/schema';
import { isLastActiveAdmin, THE_STORE } from './operator';

/**
 * PCI DSS 8.2.6: an account unused for 90 days is disabled by the store itself, with the same effect
 * as an admin's disabling (sessions end, desks wipe its cache). "Used" is its last sign-in, else its
 * creation or the admin's last enabling (`status_changed_at`): an account enabled again has its 90
 * days from then. Judged by the store's clock; run by `serve` at start and hourly with the retention
 * purge, and by the `disable-inactive` command. The last active admin is kept (and named), so that
 * the store never ends up with no one to enable the others; the CLI still can.
 */
export async function lastActivity(db: CentralDb): Promise<Map<string, string>> {
  const signIns = await db.selectFrom('sessions').select((eb) => ['user_id', eb.fn.max('created_at').as('at')]).groupBy('user_id').execute();
  const users = await db.selectFrom('users').select(['id', 'created_at', 'status_changed_at']).execute();
  const last = new Map<string, string>();
  for (const u of users) {
    const signIn = signIns.find((s) => s.user_id === u.id)?.at ?? null;
    last.set(u.id, [u.created_at, u.status_changed_at, signIn].filter((t): t is string => !!t).sort().at(-1)!);
  }
  return last;
}

export interface InactivitySweep {
  disabled: { id: string; username: string; lastActiveAt: string }[];
  /** the last active admin, inactive too, kept */
  kept: string[];
}

export async function disableInactiveUsers(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>): Promise<InactivitySweep> {
  const now = ctx.clock();
  const cutoff = new Date(now.getTime() - INACTIVITY_DISABLE_DAYS * 86_400_000).toISOString();
  const last = await lastActivity(ctx.db);
  const active = await ctx.db.selectFrom('users').select(['id', 'username']).where('status', '=', 'active').orderBy('username').execute();
  const due = active.filter((u) => (last.get(u.id) ?? '') < cutoff);
  const sweep: InactivitySweep = { disabled: [], kept: [] };
  for (const user of due) {
    // kept before disableUser would refuse it: a refusal on the log at every hourly sweep would tell nothing new
    if (await isLastActiveAdmin(ctx.db, user.id)) {
      sweep.kept.push(user.username);
      continue;
    }
    const lastActiveAt = last.get(user.id)!;
    const rule = { action: 'user.disabled_inactive', detail: `${user.username}: no sign-in since ${lastActiveAt} (${INACTIVITY_DISABLE_DAYS} days, PCI DSS 8.2.6)` } as const;
    const { changed } = await disableUser(ctx, user.id, THE_STORE, rule);
    if (changed) sweep.disabled.push({ id: user.id, username: user.username, lastActiveAt });
  }
  return sweep;
}
