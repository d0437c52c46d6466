import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CareDeskError, NewPassword, Role, Username, parseOrThrow, type User } from '../../domain';
import type { Clock } from '../context';
import type { CentralDb, CentralSchema } from '../storage/schema';
import { hashPassword } from './passwords';

export const NewUser = z.strictObject({
  username: Username,
  displayName: z.string().trim().min(1).max(100),
  role: Role,
  password: NewPassword,
});
export type NewUser = z.input<typeof NewUser>;

export function userOf(row: Pick<CentralSchema['users'], 'id' | 'username' | 'display_name' | 'role' | 'status'>): User {
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role as Role, status: row.status as User['status'] };
}

export async function addUser(db: CentralDb, clock: Clock, input: NewUser): Promise<User> {
  const { password, ...account } = parseOrThrow(NewUser, input);
  return insertUser(db, clock(), account, await hashPassword(password));
}

/** What an account is besides its password. */
const NewAccount = NewUser.omit({ password: true });

/**
 * Adds an account whose password is already hashed, in the caller's transaction when it has one
 * (with the account's audit row): the hash is slow on purpose, and is made before a transaction opens.
 */
export async function insertUser(db: CentralDb, at: Date, input: z.input<typeof NewAccount>, passwordHash: string): Promise<User> {
  const user = parseOrThrow(NewAccount, input);
  const taken = await db.selectFrom('users').select('id').where('username', '=', user.username).executeTakeFirst();
  if (taken) throw new CareDeskError('conflict', `the username ${user.username} is taken`, [{ field: 'username', rule: 'username.unique', message: 'already taken' }]);
  const row = {
    id: randomUUID(),
    username: user.username,
    display_name: user.displayName,
    role: user.role,
    status: 'active',
    password_hash: passwordHash,
    created_at: at.toISOString(),
  };
  await db.insertInto('users').values(row).execute();
  return userOf(row);
}

export async function findUserByUsername(db: CentralDb, username: string): Promise<CentralSchema['users'] | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

/**
 * The writes of the users table: this module owns it (one module per table); the admin, team and
 * account-status modules decide and audit, and change a user only through these.
 */
export async function setUserStatus(db: CentralDb, userId: string, status: User['status'], at: Date): Promise<void> {
  // the 90-day inactivity rule counts from the last change of status (PCI DSS 8.2.6, admin/inactivity.ts)
  await updateUser(db, userId, { status, status_changed_at: at.toISOString() });
}

export async function setUserRole(db: CentralDb, userId: string, role: Role): Promise<void> {
  await updateUser(db, userId, { role });
}

export async function setUserPasswordHash(db: CentralDb, userId: string, passwordHash: string): Promise<void> {
  await updateUser(db, userId, { password_hash: passwordHash });
}

export async function setUserTeam(db: CentralDb, userId: string, teamId: string | null): Promise<void> {
  await updateUser(db, userId, { team_id: teamId });
}

type UserChange = Partial<Pick<CentralSchema['users'], 'status' | 'status_changed_at' | 'role' | 'password_hash' | 'team_id'>>;

async function updateUser(db: CentralDb, userId: string, change: UserChange): Promise<void> {
  const result = await db.updateTable('users').set(change).where('id', '=', userId).executeTakeFirst();
  if (!result.numUpdatedRows) throw new CareDeskError('not_found', `no such user: ${userId}`);
}
