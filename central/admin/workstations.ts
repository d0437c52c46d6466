import { DEFAULT_SESSION_POLICY, SessionPolicy, type DeviceDirectory, type DeviceOverview } from '../../domain';
import type { StoreContext } from '../context';
import { createEnrolmentCode, revokeDevice, type DeviceRevocation } from '../identity/devices';
import type { SessionContext } from '../identity/sessions';
import { readMeta, writeMeta } from '../storage/changeLog';
import { inTransaction } from '../storage/database';
import type { CentralDb } from '../storage/schema';
import { appendAdminAudit, type Operator } from './operator';

/**
 * Workstations as the administrator sees them (issue 14): each desk's last contact and the edits its
 * outbox held for each user as it last said, the enrolment codes still open, and the session policy
 * the store gives every desk. Shared by the console's `admin.*` operations and the CLI.
 */

/** A desk's word on its outbox above this is absurd, and is not recorded. */
const MAX_REPORTED_PENDING = 1_000_000;

/** Records a desk's contact (a pull) and its pending count for this user, when it says one. */
export async function noteDeskReport(ctx: Pick<StoreContext, 'db' | 'clock'>, session: SessionContext, header: string | string[] | undefined): Promise<void> {
  const text = Array.isArray(header) ? header[0] : header;
  const pending = text !== undefined && /^\d{1,7}$/.test(text) ? Number(text) : null;
  if (pending === null || pending > MAX_REPORTED_PENDING) return;
  const at = ctx.clock().toISOString();
  await ctx.db
    .insertInto('device_reports')
    .values({ device_id: session.deviceId, user_id: session.user.id, pending, reported_at: at })
    .onConflict((oc) => oc.columns(['device_id', 'user_id']).doUpdateSet({ pending, reported_at: at }))
    .execute();
}

const POLICY_KEY = 'session_policy';

/** The session policy in force: the admin's, else config.json's (`fallback`), else the default. */
export async function sessionPolicyOf(ctx: Pick<StoreContext, 'db' | 'sessionPolicy'>): Promise<SessionPolicy> {
  const value = await readMeta(ctx.db, POLICY_KEY);
  const stored = value === null ? null : SessionPolicy.safeParse(JSON.parse(value));
  return stored?.success ? stored.data : (ctx.sessionPolicy ?? DEFAULT_SESSION_POLICY);
}

/** Sets it; desks take it at their next sign-in or unlock (or session check). */
export async function setSessionPolicy(ctx: Pick<StoreContext, 'db' | 'clock' | 'sessionPolicy'>, operator: Operator, policy: SessionPolicy): Promise<SessionPolicy> {
  const before = await sessionPolicyOf(ctx);
  const now = ctx.clock();
  await inTransaction(ctx.db, async (tx) => {
    await writeMeta(tx, POLICY_KEY, JSON.stringify(policy));
    await appendAdminAudit(tx, now, operator, {
      action: 'session_policy.changed',
      outcome: 'ok',
      entity: 'sessionPolicy',
      fields: Object.keys(policy).filter((k) => before[k as keyof SessionPolicy] !== policy[k as keyof SessionPolicy]),
      detail: `idle lock ${before.idleLockMinutes} → ${policy.idleLockMinutes} min, offline ${before.maxOfflineHours} → ${policy.maxOfflineHours} h, by ${operator.by}`,
    });
  });
  return policy;
}

/** A code for one workstation, `hours` long; the code is shown once and stored only hashed. Audited, never with the code. */
export async function issueEnrolmentCode(ctx: Pick<StoreContext, 'db' | 'clock'>, operator: Operator, options: { hours: number; uses?: number }): Promise<{ code: string; expiresAt: string }> {
  const now = ctx.clock();
  // the code and its audit row together: a crash between them would leave a usable code no row tells of
  return inTransaction(ctx.db, async (tx) => {
    const issued = await createEnrolmentCode(tx, now, options);
    await appendAdminAudit(tx, now, operator, { action: 'enrolment.code_issued', outcome: 'ok', entity: 'enrolmentCode', detail: `${options.uses ?? 1} use(s), ${options.hours} h, until ${issued.expiresAt}, by ${operator.by}` });
    return issued;
  });
}

export function revokeWorkstation(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>, operator: Operator, deviceId: string): Promise<DeviceRevocation> {
  return revokeDevice(ctx, deviceId, operator);
}

async function deviceOverviews(db: CentralDb): Promise<DeviceOverview[]> {
  const devices = await db.selectFrom('devices').select(['id', 'name', 'enrolled_at', 'revoked_at']).orderBy('enrolled_at').orderBy('id').execute();
  const signIns = await db.selectFrom('sessions').select((eb) => ['device_id', eb.fn.max('created_at').as('at')]).groupBy('device_id').execute();
  const reports = await db
    .selectFrom('device_reports')
    .innerJoin('users', 'users.id', 'device_reports.user_id')
    .select(['device_reports.device_id', 'device_reports.user_id', 'users.username', 'device_reports.pending', 'device_reports.reported_at'])
    .orderBy('users.username')
    .execute();
  return devices.map((d) => {
    const mine = reports.filter((r) => r.device_id === d.id);
    const contacts = [signIns.find((s) => s.device_id === d.id)?.at ?? null, ...mine.map((r) => r.reported_at)].filter((t): t is string => !!t).sort();
    return {
      id: d.id,
      name: d.name,
      enrolledAt: d.enrolled_at,
      lastContactAt: contacts.at(-1) ?? null,
      revokedAt: d.revoked_at,
      users: mine.map((r) => ({ userId: r.user_id, username: r.username, pending: Number(r.pending), reportedAt: r.reported_at })),
    };
  });
}

/** Every workstation, the codes still usable (never the code: a reference), and the policy; the listing is audited. */
export async function deviceDirectory(ctx: Pick<StoreContext, 'db' | 'clock' | 'sessionPolicy'>, operator: Operator): Promise<DeviceDirectory> {
  const now = ctx.clock();
  const devices = await deviceOverviews(ctx.db);
  const codes = await ctx.db.selectFrom('enrolment_codes').select(['code_hash', 'created_at', 'expires_at', 'uses_left']).where('expires_at', '>', now.toISOString()).where('uses_left', '>', 0).orderBy('expires_at').execute();
  const policy = await sessionPolicyOf(ctx);
  await inTransaction(ctx.db, (tx) => appendAdminAudit(tx, now, operator, { action: 'admin.viewed', outcome: 'ok', entity: 'device', detail: `workstations: ${devices.length} device(s), ${codes.length} open code(s)` }));
  return { devices, codes: codes.map((c) => ({ ref: c.code_hash.slice(0, 8), createdAt: c.created_at, expiresAt: c.expires_at, usesLeft: Number(c.uses_left) })), policy };
}
