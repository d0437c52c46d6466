import { CareDeskError } from '../../../domain/errors';
import type { SessionPolicy } from '../../../domain/entities';
import type { WorkstationCache } from '../cache';

/**
 * How far the desk's clock may step back before an offline unlock is refused: an NTP correction or a
 * resumed virtual machine moves it by seconds, a rollback that would stretch the offline allowance by hours.
 */
export const CLOCK_STEP_BACK_TOLERANCE_MS = 5 * 60_000;

const LAST_UNLOCK = 'last_unlock_at';
const LAST_ONLINE = 'last_online_at';
const timeOf = (cache: WorkstationCache, key: string) => Date.parse(cache.getMeta(key) ?? '');

/**
 * DESIGN §4's maximum offline age, held against the desk's own clock (issue 16): an unlock that has not
 * reached the central store is refused past the policy's age since the last online contact, and also
 * when the clock reads earlier than the last online contact or unlock this cache recorded — setting the
 * clock back would otherwise make an old cache look fresh. Either way the way out is an online sign-in,
 * whose contact vouches for the time.
 */
export function refuseStaleOfflineUnlock(cache: WorkstationCache, policy: SessionPolicy, now: Date): void {
  const lastOnline = timeOf(cache, LAST_ONLINE);
  const latest = Math.max(lastOnline, timeOf(cache, LAST_UNLOCK) || 0);
  if (now.getTime() < latest - CLOCK_STEP_BACK_TOLERANCE_MS) {
    throw new CareDeskError('offline_too_long', `This workstation's clock reads earlier than its last use (${new Date(latest).toISOString()}): correct the clock, or sign in while connected to the central store.`, [
      { field: 'clock', rule: 'clock.rolled_back', message: 'the clock is earlier than the last online contact or unlock recorded by this cache' },
    ]);
  }
  if (!(now.getTime() - lastOnline < policy.maxOfflineHours * 3_600_000)) {
    throw new CareDeskError('offline_too_long', `This workstation has been offline longer than ${policy.maxOfflineHours} hours: sign in while connected to the central store.`, [
      { field: 'clock', rule: 'session.max_offline_age', message: `more than ${policy.maxOfflineHours} hours since the last online contact` },
    ]);
  }
}

/**
 * Records an unlock or sign-in: the latest time the clock showed, so a later offline unlock can tell it
 * was set back. After contact with the central store the clock is taken as it is (a clock corrected
 * backwards by its owner is not held against the next offline unlock); offline, the mark only moves on.
 */
export function recordUnlock(cache: WorkstationCache, now: Date, contacted: boolean): void {
  const previous = timeOf(cache, LAST_UNLOCK);
  const mark = contacted || !(previous > now.getTime()) ? now.getTime() : previous;
  cache.setMeta(LAST_UNLOCK, new Date(mark).toISOString());
}
