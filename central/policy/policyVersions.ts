import {
  CareDeskError,
  DEMO_POLICY_CHANGES,
  POLICY_ENTITY,
  POLICY_PENDING_SHOWN,
  PolicyPublishRequest,
  ROLES,
  ValidationError,
  parseOrThrow,
  type PolicyAcknowledgeRequest,
  type PolicyStatus,
  type PolicyVersion,
  type PolicyVersionList,
  type Role,
  type StaffRef,
} from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction, type Tx } from '../storage/database';
import type { CentralDb, CentralSchema } from '../storage/schema';

/**
 * Privacy-policy versions and their acknowledgements (issue 14, domain/policyVersions.ts): the one
 * module that writes `policy_versions` and `policy_acknowledgements`. A version is numbered here,
 * inserted once and never updated or deleted; the one in force is the highest number. The store,
 * not a desk, says who acknowledged (the session's user), from where (its device) and when (the
 * store's clock), and which version a consent or a lead was given under (`versionInForce`).
 */
type Deps = Pick<StoreContext, 'db' | 'clock'>;

/** Who publishes or reads the acknowledgements: a signed-in admin (from the console), or the command line (the OS account that ran it). */
export interface PolicyActor {
  userId: string | null;
  role: Role | null;
  deviceId: string | null;
  /** as staff read it beside the version: the admin's display name, or the command line */
  name: string;
}

const versionOf = (row: CentralSchema['policy_versions']): PolicyVersion => ({
  version: Number(row.version),
  changes: row.changes,
  publishedAt: row.published_at,
  publishedBy: row.published_by,
});

/** The version in force now (the latest published), or null when none is: what consents and leads are stamped with. */
export async function versionInForce(db: CentralDb | Tx): Promise<number | null> {
  const row = await db.selectFrom('policy_versions').select((eb) => eb.fn.max('version').as('v')).executeTakeFirst();
  return row?.v === null || row?.v === undefined ? null : Number(row.v);
}

/** Publishes what changed as the next version, in one transaction with its audit row. */
export async function publishPolicyVersion(ctx: Deps, by: PolicyActor, request: PolicyPublishRequest): Promise<PolicyVersion> {
  const { changes } = parseOrThrow(PolicyPublishRequest, request);
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const version = ((await versionInForce(tx)) ?? 0) + 1;
    const row = { version, changes, published_at: now.toISOString(), published_by: by.name, published_by_user_id: by.userId };
    await tx.insertInto('policy_versions').values(row).execute();
    await appendAudit(tx, now, {
      action: 'policy.published',
      outcome: 'ok',
      userId: by.userId,
      role: by.role,
      deviceId: by.deviceId,
      entity: POLICY_ENTITY,
      entityId: String(version),
      fields: ['changes'],
      detail: `version ${version} published by ${by.name}`,
    });
    return versionOf(row);
  });
}

const actorOf = ({ user, deviceId }: SessionContext): PolicyActor => ({ userId: user.id, role: user.role, deviceId, name: user.displayName });

/** The operations route's handlers: the admin signed in is the publisher or the reader. */
export async function publishFromConsole(ctx: Deps, session: SessionContext, request: PolicyPublishRequest): Promise<{ published: PolicyVersion }> {
  return { published: await publishPolicyVersion(ctx, actorOf(session), request) };
}
export const listFromConsole = (ctx: Deps, session: SessionContext): Promise<PolicyVersionList> => listPolicyVersions(ctx, actorOf(session));

/**
 * The session's user acknowledges a version that exists, from the session's device, at the store's
 * time. A version never published is refused naming the field and the rule (audited as denied);
 * acknowledging one again changes nothing and answers the first acknowledgement.
 */
export async function acknowledgePolicy(ctx: Deps, session: SessionContext, { version }: PolicyAcknowledgeRequest) {
  const { user, deviceId } = session;
  const now = ctx.clock();
  const audit = (tx: Tx, outcome: 'ok' | 'denied', detail: string) =>
    appendAudit(tx, now, { action: 'policy.acknowledged', outcome, userId: user.id, role: user.role, deviceId, entity: POLICY_ENTITY, entityId: String(version), detail });
  const outcome = await inTransaction(ctx.db, async (tx) => {
    const exists = await tx.selectFrom('policy_versions').select('version').where('version', '=', version).executeTakeFirst();
    if (!exists) {
      await audit(tx, 'denied', `version ${version} was never published`);
      return null;
    }
    const before = await tx.selectFrom('policy_acknowledgements').selectAll().where('user_id', '=', user.id).where('version', '=', version).executeTakeFirst();
    if (before) return { acknowledgement: { version, acknowledgedAt: before.acknowledged_at, deviceId: before.device_id }, already: true };
    const row = { user_id: user.id, version, acknowledged_at: now.toISOString(), device_id: deviceId };
    await tx.insertInto('policy_acknowledgements').values(row).execute();
    await audit(tx, 'ok', `version ${version} acknowledged`);
    return { acknowledgement: { version, acknowledgedAt: row.acknowledged_at, deviceId }, already: false };
  });
  if (!outcome) throw new ValidationError([{ field: 'version', rule: 'policy.version_unknown', message: `no privacy-policy version ${version} was published` }]);
  return outcome;
}

/** What the session's user must read before working: the version in force, their latest acknowledgement, what changed since. */
export async function policyStatus(ctx: Deps, session: SessionContext): Promise<PolicyStatus> {
  const latest = await ctx.db
    .selectFrom('policy_acknowledgements')
    .selectAll()
    .where('user_id', '=', session.user.id)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  const since = latest ? Number(latest.version) : 0;
  const pending = await ctx.db.selectFrom('policy_versions').selectAll().where('version', '>', since).orderBy('version', 'desc').limit(POLICY_PENDING_SHOWN).execute();
  const current = pending[0] ?? (await ctx.db.selectFrom('policy_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst());
  return {
    current: current ? versionOf(current) : null,
    acknowledged: latest ? { version: Number(latest.version), acknowledgedAt: latest.acknowledged_at, deviceId: latest.device_id } : null,
    pending: pending.map(versionOf),
  };
}

/**
 * Every version, newest first, with who acknowledged it (when, from which workstation), who
 * acknowledged only a later one, and which active staff have not yet acknowledged it or a later one.
 * Staff names only, no customer data; the read itself is audited.
 */
export async function listPolicyVersions(ctx: Deps, reader: PolicyActor): Promise<PolicyVersionList> {
  const [versions, users, acks, devices] = await Promise.all([
    ctx.db.selectFrom('policy_versions').selectAll().orderBy('version', 'desc').execute(),
    ctx.db.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'status']).orderBy('username').execute(),
    ctx.db.selectFrom('policy_acknowledgements').selectAll().orderBy('acknowledged_at').execute(),
    ctx.db.selectFrom('devices').select(['id', 'name']).execute(),
  ]);
  const ref = (u: (typeof users)[number]): StaffRef => ({ userId: u.id, username: u.username, displayName: u.display_name, role: parseRole(u.role) });
  const deviceName = new Map(devices.map((d) => [d.id, d.name]));
  const highest = new Map<string, number>();
  for (const a of acks) highest.set(a.user_id, Math.max(highest.get(a.user_id) ?? 0, Number(a.version)));
  const list = versions.map((row) => {
    const v = Number(row.version);
    const exact = new Map(acks.filter((a) => Number(a.version) === v).map((a) => [a.user_id, a]));
    return {
      ...versionOf(row),
      acknowledged: users.flatMap((u) => {
        const a = exact.get(u.id);
        return a ? [{ ...ref(u), acknowledgedAt: a.acknowledged_at, deviceId: a.device_id, deviceName: deviceName.get(a.device_id) ?? '(unknown workstation)' }] : [];
      }),
      acknowledgedLater: users.filter((u) => !exact.has(u.id) && (highest.get(u.id) ?? 0) > v).map(ref),
      notYet: users.filter((u) => u.status === 'active' && (highest.get(u.id) ?? 0) < v).map(ref),
    };
  });
  await inTransaction(ctx.db, (tx) =>
    appendAudit(tx, ctx.clock(), {
      action: 'policy.read',
      outcome: 'ok',
      userId: reader.userId,
      role: reader.role,
      deviceId: reader.deviceId,
      entity: POLICY_ENTITY,
      detail: `acknowledgements of ${versions.length} version(s) read by ${reader.name}`,
    }),
  );
  return { versions: list };
}

function parseRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new CareDeskError('internal', `a user has an unknown role: ${role.slice(0, 40)}`);
  return role as Role;
}

/** The demo store's first version (`npm start`): published once, by the store itself, when none is. */
export async function seedDemoPolicy(ctx: Deps): Promise<PolicyVersion | null> {
  if ((await versionInForce(ctx.db)) !== null) return null;
  return publishPolicyVersion(ctx, { userId: null, role: null, deviceId: null, name: 'CareDesk demo data' }, { changes: DEMO_POLICY_CHANGES });
}
