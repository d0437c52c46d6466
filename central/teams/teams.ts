import { randomUUID } from 'node:crypto';
import { ADMIN_RULES, CareDeskError, type Team } from '../../domain';
import type { Tx } from '../storage/database';
import type { CentralDb } from '../storage/schema';
import { setUserTeam } from '../identity/users';

/**
 * Teams (issue 14, item 1): the admin puts each user in at most one team, and supervisors lead
 * teams. The one owner of `teams` and `team_leads`, and what decides `users.team_id` (which
 * identity/users.ts, the users table's owner, writes). What other code reads for a
 * supervisor's "team" scope (DESIGN §3: the audit log's team row, the team's activity) is
 * `teamMembersOf`: nothing else restates who a supervisor's team is.
 */

/**
 * The users in the teams `supervisorId` leads, the supervisor among them when they are in one of
 * those teams: the team scope of whatever a supervisor may see of their team. Empty when they lead
 * none, or are no longer an active supervisor (a lead whose role changed leads nothing).
 */
export async function teamMembersOf(db: CentralDb, supervisorId: string): Promise<string[]> {
  const teams = await teamsLedBy(db, supervisorId);
  if (!teams.length) return [];
  const rows = await db.selectFrom('users').select('id').where('team_id', 'in', teams).orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** The ids of the teams an active supervisor leads. */
export async function teamsLedBy(db: CentralDb, supervisorId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('team_leads')
    .innerJoin('users', 'users.id', 'team_leads.user_id')
    .select('team_leads.team_id')
    .where('team_leads.user_id', '=', supervisorId)
    .where('users.role', '=', 'supervisor')
    .where('users.status', '=', 'active')
    .orderBy('team_leads.team_id')
    .execute();
  return rows.map((r) => r.team_id);
}

export async function listTeams(db: CentralDb): Promise<Team[]> {
  const teams = await db.selectFrom('teams').select(['id', 'name']).orderBy('name').execute();
  const leads = await db.selectFrom('team_leads').select(['team_id', 'user_id']).orderBy('user_id').execute();
  return teams.map((t) => ({ id: t.id, name: t.name, leads: leads.filter((l) => l.team_id === t.id).map((l) => l.user_id) }));
}

/**
 * Creates a team (no id) or renames it and sets its leads, in the caller's transaction. Every lead
 * must be a supervisor (a care rep cannot lead one: `team.lead_role`); a name is unique.
 */
export async function writeTeam(tx: Tx, input: { id?: string; name: string; leads: readonly string[] }, at: Date): Promise<Team> {
  const leads = [...new Set(input.leads)];
  if (leads.length) {
    const supervisors = await tx.selectFrom('users').select('id').where('id', 'in', leads).where('role', '=', 'supervisor').execute();
    const bad = leads.filter((id) => !supervisors.some((s) => s.id === id));
    if (bad.length) throw new CareDeskError('validation', 'a team is led by supervisors only', [{ field: 'leads', rule: ADMIN_RULES.teamLeadRole, message: `not a supervisor: ${bad.join(', ')}` }]);
  }
  const clash = await tx.selectFrom('teams').select('id').where('name', '=', input.name).executeTakeFirst();
  if (clash && clash.id !== input.id) throw new CareDeskError('conflict', `a team named ${input.name} exists`, [{ field: 'name', rule: ADMIN_RULES.teamNameTaken, message: 'already taken' }]);
  let id = input.id;
  if (id) {
    const updated = await tx.updateTable('teams').set({ name: input.name }).where('id', '=', id).executeTakeFirst();
    if (!updated.numUpdatedRows) throw unknownTeam('id');
    await tx.deleteFrom('team_leads').where('team_id', '=', id).execute();
  } else {
    id = randomUUID();
    await tx.insertInto('teams').values({ id, name: input.name, created_at: at.toISOString() }).execute();
  }
  for (const userId of leads) await tx.insertInto('team_leads').values({ team_id: id, user_id: userId }).execute();
  return { id, name: input.name, leads };
}

/** A supervisor no longer (a role change): leads no team, in the caller's transaction. */
export async function stopLeading(tx: Tx, userId: string): Promise<void> {
  await tx.deleteFrom('team_leads').where('user_id', '=', userId).execute();
}

/** Puts a user in a team (null: in none), in the caller's transaction; whether it changed. */
export async function placeInTeam(tx: Tx, userId: string, teamId: string | null): Promise<boolean> {
  if (teamId !== null && !(await tx.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst())) throw unknownTeam('teamId');
  const row = await tx.selectFrom('users').select('team_id').where('id', '=', userId).executeTakeFirst();
  if (!row) throw new CareDeskError('not_found', `no such user: ${userId}`);
  if (row.team_id === teamId) return false;
  await setUserTeam(tx, userId, teamId);
  return true;
}

function unknownTeam(field: string): CareDeskError {
  return new CareDeskError('validation', 'no such team', [{ field, rule: ADMIN_RULES.teamUnknown, message: 'no such team' }]);
}
