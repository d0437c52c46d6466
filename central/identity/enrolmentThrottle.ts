import { randomUUID } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { CareDeskError } from '../../domain';
import type { Tx } from '../storage/database';
import type { CentralDb } from '../storage/schema';

/**
 * Online guessing defence for enrolment codes, on the model of the sign-in throttle: after 20
 * refused codes from one address within 15 minutes, that address is refused — even with a right
 * code — until the window passes; after 200 from all addresses together, everyone is. A code has
 * about 78 bits, so the limit is less about guessing than about load and a quiet audit log: a
 * refused request does no certificate work, and a throttled one writes nothing at all.
 */
export const ENROLMENT_THROTTLE = { perSource: 20, global: 200, windowMs: 15 * 60_000 } as const;

export interface EnrolmentFailures {
  /** refused codes from this source within the window */
  source: number;
  /** refused codes from every source within the window */
  all: number;
}

/**
 * The address a limit is kept for: an IPv4 address, or an IPv6 /64 (one subscriber's network,
 * which hands its hosts any address within it).
 */
export function enrolmentSource(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export async function recentEnrolmentFailures(db: CentralDb, source: string, now: Date): Promise<EnrolmentFailures> {
  const since = new Date(now.getTime() - ENROLMENT_THROTTLE.windowMs).toISOString();
  const base = () => db.selectFrom('enrolment_failures').select((eb) => eb.fn.countAll<number>().as('n')).where('at', '>', since);
  const count = (query: ReturnType<typeof base>) => query.executeTakeFirstOrThrow().then((r) => Number(r.n));
  const [fromSource, all] = await Promise.all([count(base().where('source', '=', source)), count(base())]);
  return { source: fromSource, all };
}

/** Refuses the attempt when its source, or everyone together, is over the limit. */
export function assertNotThrottled(failures: EnrolmentFailures): void {
  const minutes = ENROLMENT_THROTTLE.windowMs / 60_000;
  if (failures.source >= ENROLMENT_THROTTLE.perSource) {
    throw new CareDeskError('rate_limited', `too many refused enrolment codes from this address: try again in up to ${minutes} minutes`);
  }
  if (failures.all >= ENROLMENT_THROTTLE.global) {
    throw new CareDeskError('rate_limited', `too many refused enrolment codes: enrolment is paused for up to ${minutes} minutes`);
  }
}

/** Counts one refused code; failures that have aged out of the window are dropped on the way. */
export async function recordEnrolmentFailure(tx: Tx, source: string, now: Date): Promise<void> {
  const since = new Date(now.getTime() - ENROLMENT_THROTTLE.windowMs).toISOString();
  await tx.deleteFrom('enrolment_failures').where('at', '<=', since).execute();
  await tx.insertInto('enrolment_failures').values({ id: randomUUID(), source, at: now.toISOString() }).execute();
}

/**
 * Which refusals get an audit row of their own, so a flood of guesses cannot flood the audit log:
 * the first from a source within the window, and the one that reaches a limit. The rest are
 * counted in `enrolment_failures` and summed up by the limit's row.
 */
export function failureAuditDetail(source: string, before: EnrolmentFailures): string | null {
  const minutes = ENROLMENT_THROTTLE.windowMs / 60_000;
  if (before.all + 1 === ENROLMENT_THROTTLE.global) {
    return `enrolment code refused from ${source}: ${ENROLMENT_THROTTLE.global} refused from all addresses within ${minutes} minutes, enrolment paused for everyone`;
  }
  if (before.source + 1 === ENROLMENT_THROTTLE.perSource) {
    return `enrolment code refused from ${source}: ${ENROLMENT_THROTTLE.perSource} refused from it within ${minutes} minutes, further attempts refused until the window passes`;
  }
  if (before.source === 0) {
    return `enrolment code refused from ${source} (further refusals from it within ${minutes} minutes are counted, and audited when they reach the limit)`;
  }
  return null;
}
