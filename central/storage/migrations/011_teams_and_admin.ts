import type { Kysely } from 'kysely';

/**
 * Teams and what the administrator's console reads (issue 14, central/admin/):
 * - `teams` and `team_leads` (the supervisors who lead each), and `users.team_id` (a user is in at most one);
 * - `users.status_changed_at`: when an admin last enabled (or disabled) the account, so that the
 *   90-day inactivity rule counts from an enabling, not from a sign-in long before it;
 * - `device_reports`: per workstation and user, the edits its outbox held as the desk last said
 *   (a header of its pull), and when: the admin sees what a wipe would lose before it happens.
 * Central only: nothing here syncs to a desk.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('team_leads')
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('team_leads_pk', ['team_id', 'user_id'])
    .execute();
  await db.schema.createIndex('team_leads_user').on('team_leads').column('user_id').execute();
  await db.schema.alterTable('users').addColumn('team_id', 'text').execute();
  await db.schema.alterTable('users').addColumn('status_changed_at', 'text').execute();
  await db.schema.createIndex('users_team').on('users').column('team_id').execute();
  await db.schema
    .createTable('device_reports')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('pending', 'integer', (c) => c.notNull())
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_reports_pk', ['device_id', 'user_id'])
    .execute();
  await db.schema.createIndex('device_reports_user').on('device_reports').column('user_id').execute();
}
