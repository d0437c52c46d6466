import type { Kysely } from 'kysely';

/**
 * The second factor at sign-in and the lockouts (issue 14; identity/secondFactor.ts, identity/lockouts.ts).
 * Secrets are sealed (AES-256-GCM under the key file the data dir keeps apart from the database);
 * recovery codes and challenges are stored only as keyed hashes: a copy of the database signs nobody in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // what failed: a password or a code (counted together per username, PCI DSS 8.3.4)
  await db.schema.alterTable('sign_in_failures').addColumn('kind', 'text', (c) => c.notNull().defaultTo('password')).execute();
  await db.schema
    .createTable('sign_in_lockouts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('locked_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text', (c) => c.notNull())
    .addColumn('password_failures', 'integer', (c) => c.notNull())
    .addColumn('code_failures', 'integer', (c) => c.notNull())
    .addColumn('lifted_at', 'text')
    .addColumn('lifted_by', 'text')
    .execute();
  await db.schema.createIndex('sign_in_lockouts_by_username').on('sign_in_lockouts').columns(['username', 'locked_until']).execute();
  await db.schema
    .createTable('second_factors')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('enrolled_at', 'text', (c) => c.notNull())
    // the TOTP time step of the last code accepted: a code of that step or an earlier one is refused (replay)
    .addColumn('last_step', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('recovery_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('recovery_codes_by_user').on('recovery_codes').column('user_id').execute();
  await db.schema
    .createTable('sign_in_challenges')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    // at enrolment: the secret offered, sealed, until a code of it confirms it
    .addColumn('enrol_secret_sealed', 'text')
    .execute();
}
