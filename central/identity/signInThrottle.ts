import { randomUUID } from 'node:crypto';
import type { CentralDb } from '../storage/schema';

/**
 * Online guessing defence (PCI DSS 8.3.4): after 5 failed sign-ins for a username within 15
 * minutes, further attempts are refused — even with the right password — until the window passes.
 */
export const SIGN_IN_THROTTLE = { maxFailures: 5, windowMs: 15 * 60_000 } as const;

export async function isThrottled(db: CentralDb, username: string, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - SIGN_IN_THROTTLE.windowMs).toISOString();
  const row = await db
    .selectFrom('sign_in_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('username', '=', username)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n) >= SIGN_IN_THROTTLE.maxFailures;
}

export async function recordFailure(db: CentralDb, username: string, now: Date): Promise<void> {
  await db.insertInto('sign_in_failures').values({ id: randomUUID(), username, at: now.toISOString() }).execute();
}

/** A successful sign-in starts the count again; old failures are dropped as they age out. */
export async function clearFailures(db: CentralDb, username: string, now: Date): Promise<void> {
  const since = new Date(now.getTime() - SIGN_IN_THROTTLE.windowMs).toISOString();
  await db.deleteFrom('sign_in_failures').where((eb) => eb.or([eb('username', '=', username), eb('at', '<=', since)])).execute();
}
