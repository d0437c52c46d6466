import { sql } from 'kysely';
import { CareDeskError, PRIVILEGED_ROLES, ROLE_LABELS, type Role, type StaffDirectory, type StaffMember, type Team, type User } from '../../domain';
import type { StoreContext } from '../context';
import type { StatusChange } from '../identity/accountStatus';
import { generatePassword, hashPassword } from '../identity/passwords';
import { endSessions } from '../identity/sessions';
import { insertUser, setUserPasswordHash, setUserRole, userOf } from '../identity/users';
import { inTransaction, type Tx } from '../storage/database';
import { listTeams, placeInTeam, stopLeading, writeTeam } from '../teams/teams';
import { appendAdminAudit, guarded, isLastActiveAdmin, LAST_ADMIN_ISSUE, Refusal, selfIssue, type Operator } from './operator';
import { lastActivity } from './inactivity';

/**
 * The administrator's work on staff accounts and teams (issue 14, item 5), shared by the console
 * (the `admin.*` operations) and the CLI. Each change is one transaction with its audit row; a grant
 * of admin or compliance gets a `user.privilege_granted` row of its own; a refusal is audited with
 * its rule (operator.ts). Passwords are made here, shown once and kept only hashed.
 */
type Deps = Pick<StoreContext, 'db' | 'clock' | 'feed'>;

async function userRow(tx: Tx, userId: string) {
  const row = await tx.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'status']).where('id', '=', userId).executeTakeFirst();
  if (!row) throw new CareDeskError('not_found', `no such user: ${userId}`);
  return row;
}

async function auditGrant(tx: Tx, at: Date, operator: Operator, user: { id: string; username: string }, role: Role): Promise<void> {
  if (!PRIVILEGED_ROLES.includes(role)) return;
  await appendAdminAudit(tx, at, operator, { action: 'user.privilege_granted', outcome: 'ok', entity: 'user', entityId: user.id, fields: ['role'], detail: `${user.username} granted ${ROLE_LABELS[role]} (${role}) by ${operator.by}` });
}

/** A new account with a one-time password for the admin to hand over, in a team if given: an unknown team leaves no account behind. */
export async function createStaffUser(ctx: Deps, operator: Operator, input: { username: string; displayName: string; role: Role; teamId: string | null }): Promise<{ user: User; temporaryPassword: string }> {
  const temporaryPassword = generatePassword();
  const passwordHash = await hashPassword(temporaryPassword);
  const now = ctx.clock();
  // the account and its audit row together: a crash between them would leave an account no row tells of
  const user = await inTransaction(ctx.db, async (tx) => {
    const user = await insertUser(tx, now, { username: input.username, displayName: input.displayName, role: input.role }, passwordHash);
    if (input.teamId) await placeInTeam(tx, user.id, input.teamId);
    await appendAdminAudit(tx, now, operator, { action: 'user.created', outcome: 'ok', entity: 'user', entityId: user.id, fields: ['username', 'displayName', 'role', ...(input.teamId ? ['teamId'] : [])], detail: `${user.username} (${user.role}) created by ${operator.by}` });
    await auditGrant(tx, now, operator, user, user.role);
    return user;
  });
  return { user, temporaryPassword };
}

/**
 * A new role. The user's desks hold the old role's projection, so their sessions end with a `user`
 * revocation and connected desks wipe the cache; they sign in afresh. Never one's own role; the
 * last active admin keeps theirs.
 */
export async function changeRole(ctx: Deps, operator: Operator, userId: string, role: Role): Promise<StatusChange> {
  const now = ctx.clock();
  const outcome = await guarded(ctx, operator, 'user.role_changed', { entity: 'user', id: userId }, () =>
    inTransaction(ctx.db, async (tx) => {
      const row = await userRow(tx, userId);
      const self = selfIssue(operator, userId, 'role');
      if (self) throw new Refusal('forbidden', self);
      if (row.role === role) return { user: userOf(row), changed: false, revocation: null };
      if (row.role === 'admin' && (await isLastActiveAdmin(tx, userId))) throw new Refusal('conflict', LAST_ADMIN_ISSUE);
      await setUserRole(tx, userId, role);
      if (row.role === 'supervisor') await stopLeading(tx, userId);
      const revocation = await endSessions(tx, now, { userId }, 'user', 'role changed');
      await appendAdminAudit(tx, now, operator, { action: 'user.role_changed', outcome: 'ok', entity: 'user', entityId: userId, fields: ['role'], detail: `${row.username}: ${row.role} → ${role} by ${operator.by}; ${revocation?.sessions.length ?? 0} live session(s) ended` });
      await auditGrant(tx, now, operator, row, role);
      return { user: userOf({ ...row, role }), changed: true, revocation };
    }),
  );
  if (outcome.revocation) ctx.feed.publish({ kind: 'revoked', ...outcome.revocation });
  return { user: outcome.user, changed: outcome.changed, sessionsEnded: outcome.revocation?.sessions.length ?? 0 };
}

export async function assignTeam(ctx: Deps, operator: Operator, userId: string, teamId: string | null): Promise<StatusChange> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const row = await userRow(tx, userId);
    const changed = await placeInTeam(tx, userId, teamId);
    if (changed) await appendAdminAudit(tx, now, operator, { action: 'user.team_assigned', outcome: 'ok', entity: 'user', entityId: userId, fields: ['teamId'], detail: `${row.username} → team ${teamId ?? '(none)'} by ${operator.by}` });
    return { user: userOf(row), changed, sessionsEnded: 0 };
  });
}

/**
 * A new one-time password. The old one wrapped the user's caches: their sessions end with a `user`
 * revocation and connected desks wipe them (the user signs in with the new one and starts afresh).
 */
export async function resetPassword(ctx: Deps, operator: Operator, userId: string): Promise<{ user: User; temporaryPassword: string }> {
  const temporaryPassword = generatePassword();
  const hash = await hashPassword(temporaryPassword);
  const now = ctx.clock();
  const outcome = await inTransaction(ctx.db, async (tx) => {
    const row = await userRow(tx, userId);
    await setUserPasswordHash(tx, userId, hash);
    const revocation = await endSessions(tx, now, { userId }, 'user', 'password reset');
    await appendAdminAudit(tx, now, operator, { action: 'user.password_reset', outcome: 'ok', entity: 'user', entityId: userId, fields: ['password'], detail: `${row.username} by ${operator.by}; ${revocation?.sessions.length ?? 0} live session(s) ended` });
    return { user: userOf(row), revocation };
  });
  if (outcome.revocation) ctx.feed.publish({ kind: 'revoked', ...outcome.revocation });
  return { user: outcome.user, temporaryPassword };
}

export async function saveTeam(ctx: Pick<StoreContext, 'db' | 'clock'>, operator: Operator, input: { id?: string; name: string; leads: readonly string[] }): Promise<Team> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const team = await writeTeam(tx, input, now);
    await appendAdminAudit(tx, now, operator, { action: 'team.saved', outcome: 'ok', entity: 'team', entityId: team.id, fields: ['name', 'leads'], detail: `${team.name}: ${team.leads.length} lead(s), by ${operator.by}` });
    return team;
  });
}

/** Every staff account with its team, last activity and the desks holding its cache; the teams. The listing is audited. */
export async function staffDirectory(ctx: Pick<StoreContext, 'db' | 'clock'>, operator: Operator): Promise<StaffDirectory> {
  const rows = await ctx.db.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'status', 'team_id', 'created_at']).orderBy('username').execute();
  const active = await lastActivity(ctx.db);
  const desks = await ctx.db
    .selectFrom('device_reports')
    .innerJoin('devices', 'devices.id', 'device_reports.device_id')
    .select(['device_reports.user_id', 'device_reports.device_id', 'devices.name', 'device_reports.pending', 'device_reports.reported_at', 'devices.revoked_at'])
    .orderBy(sql`device_reports.reported_at`, 'desc')
    .execute();
  const users: StaffMember[] = rows.map((r) => ({
    ...userOf(r),
    teamId: r.team_id,
    createdAt: r.created_at,
    lastActiveAt: active.get(r.id) ?? r.created_at,
    desks: desks.filter((d) => d.user_id === r.id).map((d) => ({ deviceId: d.device_id, deviceName: d.name, pending: Number(d.pending), reportedAt: d.reported_at, revoked: d.revoked_at !== null })),
  }));
  const teams = await listTeams(ctx.db);
  await inTransaction(ctx.db, (tx) => appendAdminAudit(tx, ctx.clock(), operator, { action: 'admin.viewed', outcome: 'ok', entity: 'user', detail: `staff directory: ${users.length} account(s), ${teams.length} team(s)` }));
  return { users, teams };
}
