import { CareDeskError, type Lockout, type Role, type SessionPolicy, type StaffDirectory, type Team, type User } from '../../domain';
import { verifyAuditChain, type AuditVerification } from '../audit/auditLog';
import type { CheckpointReport } from '../audit/auditCheckpointVerify';
import { verifyAuditTrail } from '../audit/auditIntegrity';
import { writeCheckpoint, type AuditCheckpoint, type CheckpointSink } from '../audit/checkpoints';
import { rotateMasterKey, type RotationSummary } from '../billing/rotateMasterKey';
import type { StoreContext } from '../context';
import { disableUser, enableUser, type StatusChange } from '../identity/accountStatus';
import { createEnrolmentCode, listDevices, revokeDevice, type DeviceListing, type DeviceRevocation } from '../identity/devices';
import { liftSignInLockout, lockoutsNow, resetUserSecondFactor } from '../identity/lockoutAdmin';
import { generatePassword } from '../identity/passwords';
import { revokeSessions } from '../identity/sessions';
import { addUser, findUserByUsername, userOf, type NewUser } from '../identity/users';
import { seedDemo, type SeedOptions, type SeedSummary } from './seedDemo';
import { disableInactiveUsers, type InactivitySweep } from './inactivity';
import { commandLine } from './operator';
import { assignTeam, changeRole, resetPassword, saveTeam, staffDirectory } from './staff';
import { issueEnrolmentCode, sessionPolicyOf, setSessionPolicy } from './workstations';

/** What an administrator does to the store, from the CLI or from tests. */
export interface CentralAdmin {
  addUser(input: NewUser): Promise<User>;
  /** the user with this username; `not_found` naming it otherwise */
  userNamed(username: string): Promise<User>;
  /** a disabled user cannot sign in, their live sessions end, and their workstations wipe their cache */
  disableUser(userId: string, actor?: AdminActor): Promise<StatusChange>;
  enableUser(userId: string, actor?: AdminActor): Promise<StatusChange>;
  /** a code for `uses` workstations (default 1), valid `hours` (default 24) */
  createEnrolmentCode(options?: { uses?: number; hours?: number }): Promise<string>;
  seedDemo(count: number, options?: SeedOptions): Promise<SeedSummary>;
  /** one user per role, each with a generated password; existing demo users are left as they are */
  seedDemoUsers(): Promise<DemoUserCredentials[]>;
  /** the device's certificate stops working, its sessions end, and it wipes every cache and its keys */
  revokeDevice(deviceId: string, actor?: AdminActor): Promise<DeviceRevocation>;
  listDevices(): Promise<DeviceListing[]>;
  revokeSessionsOf(userId: string): Promise<number>;
  /** the hash chain recomputed from its first row */
  verifyAudit(): Promise<AuditVerification>;
  /** the chain, then the chain against its signed checkpoints (issue 16): those in `file`, by default the configured one */
  verifyAuditAgainstCheckpoints(file?: string): Promise<{ ok: boolean; chain: AuditVerification; checkpoints: CheckpointReport }>;
  /** signs the audit chain's head now and writes it where checkpoints go (on demand; `serve` does it every interval) */
  checkpointAudit(): Promise<AuditCheckpoint>;
  // the administrator's operations (issue 14), the same functions the console's admin.* operations call
  changeRole(userId: string, role: Role, actor?: AdminActor): Promise<StatusChange>;
  resetPassword(userId: string, actor?: AdminActor): Promise<{ user: User; temporaryPassword: string }>;
  saveTeam(input: { id?: string; name: string; leads: readonly string[] }, actor?: AdminActor): Promise<Team>;
  assignTeam(userId: string, teamId: string | null, actor?: AdminActor): Promise<StatusChange>;
  staffDirectory(actor?: AdminActor): Promise<StaffDirectory>;
  issueEnrolmentCode(options: { hours: number; uses?: number }, actor?: AdminActor): Promise<{ code: string; expiresAt: string }>;
  setSessionPolicy(policy: SessionPolicy, actor?: AdminActor): Promise<SessionPolicy>;
  sessionPolicy(): Promise<SessionPolicy>;
  /** accounts without a sign-in for 90 days disabled now (PCI DSS 8.2.6; `serve` does it hourly) */
  disableInactiveUsers(): Promise<InactivitySweep>;
  /** every card's data key wrapped under a new master key; the old key leaves the key file */
  rotateMasterKey(): Promise<RotationSummary>;
  /** the sign-in lockouts in force (the `lockout.list` operation's function; an audited read) */
  listLockouts(actor?: AdminActor): Promise<Lockout[]>;
  /** lifts a username's lockout in force (`lockout.lift`); false when none was */
  liftLockout(username: string, actor?: AdminActor): Promise<boolean>;
  /** the user enrols a new second factor at their next sign-in (`secondFactor.reset`); false when they had none */
  resetSecondFactor(userId: string, actor?: AdminActor): Promise<boolean>;
}

/** Who made a change, for its audit row: the CLI names the operating-system account that ran it. */
export interface AdminActor {
  by?: string;
}
const DEFAULT_ACTOR = 'an administrator';

export interface DemoUserCredentials {
  username: string;
  role: Role;
  /** null when the user already existed */
  password: string | null;
}

export const DEMO_USERS: readonly { username: string; role: Role; displayName: string }[] = [
  { username: 'care.rep', role: 'care_rep', displayName: 'Casey Care' },
  { username: 'billing.clerk', role: 'billing_clerk', displayName: 'Blair Billing' },
  { username: 'net.ops', role: 'network_ops', displayName: 'Noor Network' },
  { username: 'supervisor', role: 'supervisor', displayName: 'Sam Supervisor' },
  { username: 'compliance', role: 'compliance', displayName: 'Cleo Compliance' },
  { username: 'admin', role: 'admin', displayName: 'Ada Admin' },
];

export function centralAdmin(ctx: StoreContext, files: { cardKeyFile: string; auditCheckpoints: CheckpointSink }): CentralAdmin {
  return {
    addUser: (input) => addUser(ctx.db, ctx.clock, input),
    async userNamed(username) {
      const row = await findUserByUsername(ctx.db, username.trim().toLowerCase());
      if (!row) throw new CareDeskError('not_found', `no such user: ${username}`);
      return userOf(row);
    },
    disableUser: (userId, actor) => disableUser(ctx, userId, commandLine(actor?.by ?? DEFAULT_ACTOR)),
    enableUser: (userId, actor) => enableUser(ctx, userId, commandLine(actor?.by ?? DEFAULT_ACTOR)),
    createEnrolmentCode: async (options) => (await createEnrolmentCode(ctx.db, ctx.clock(), options)).code,
    seedDemo: (count, options) => seedDemo(ctx, count, options),
    async seedDemoUsers() {
      const out: DemoUserCredentials[] = [];
      for (const demo of DEMO_USERS) {
        if (await findUserByUsername(ctx.db, demo.username)) {
          out.push({ username: demo.username, role: demo.role, password: null });
          continue;
        }
        const password = generatePassword();
        await addUser(ctx.db, ctx.clock, { ...demo, password });
        out.push({ username: demo.username, role: demo.role, password });
      }
      await seedDemoTeam(ctx);
      return out;
    },
    revokeDevice: (deviceId, actor) => revokeDevice(ctx, deviceId, commandLine(actor?.by ?? DEFAULT_ACTOR)),
    listDevices: () => listDevices(ctx.db),
    revokeSessionsOf: (userId) => revokeSessions(ctx, { userId }, 'session', 'sessions revoked by an administrator'),
    verifyAudit: () => verifyAuditChain(ctx.db),
    verifyAuditAgainstCheckpoints: (file) => verifyAuditTrail(ctx.db, files.auditCheckpoints, file),
    checkpointAudit: () => writeCheckpoint(ctx.db, files.auditCheckpoints, ctx.clock()),
    changeRole: (userId, role, actor) => changeRole(ctx, commandLine(actor?.by ?? DEFAULT_ACTOR), userId, role),
    resetPassword: (userId, actor) => resetPassword(ctx, commandLine(actor?.by ?? DEFAULT_ACTOR), userId),
    saveTeam: (input, actor) => saveTeam(ctx, commandLine(actor?.by ?? DEFAULT_ACTOR), input),
    assignTeam: (userId, teamId, actor) => assignTeam(ctx, commandLine(actor?.by ?? DEFAULT_ACTOR), userId, teamId),
    staffDirectory: (actor) => staffDirectory(ctx, commandLine(actor?.by ?? DEFAULT_ACTOR)),
    issueEnrolmentCode: (options, actor) => issueEnrolmentCode(ctx, commandLine(actor?.by ?? DEFAULT_ACTOR), options),
    setSessionPolicy: (policy, actor) => setSessionPolicy(ctx, commandLine(actor?.by ?? DEFAULT_ACTOR), policy),
    sessionPolicy: () => sessionPolicyOf(ctx),
    disableInactiveUsers: () => disableInactiveUsers(ctx),
    rotateMasterKey: () => rotateMasterKey(ctx.db, files.cardKeyFile, ctx.clock()),
    listLockouts: async (actor) => (await lockoutsNow(ctx, { label: actor?.by ?? DEFAULT_ACTOR })).lockouts,
    liftLockout: async (username, actor) => (await liftSignInLockout(ctx, { username: username.trim().toLowerCase() }, { label: actor?.by ?? DEFAULT_ACTOR })).lifted,
    resetSecondFactor: async (userId, actor) => (await resetUserSecondFactor(ctx, { userId }, { label: actor?.by ?? DEFAULT_ACTOR })).reset,
  };
}

/** The demo team: led by the demo supervisor, with the demo care rep and the supervisor in it (once). */
export const DEMO_TEAM = { name: 'Care team North', lead: 'supervisor', members: ['care.rep', 'supervisor'] } as const;

async function seedDemoTeam(ctx: StoreContext): Promise<void> {
  if (await ctx.db.selectFrom('teams').select('id').where('name', '=', DEMO_TEAM.name).executeTakeFirst()) return;
  const lead = await findUserByUsername(ctx.db, DEMO_TEAM.lead);
  if (!lead || lead.role !== 'supervisor') return;
  const operator = commandLine('the demo data');
  const team = await saveTeam(ctx, operator, { name: DEMO_TEAM.name, leads: [lead.id] });
  for (const username of DEMO_TEAM.members) {
    const member = await findUserByUsername(ctx.db, username);
    if (member) await assignTeam(ctx, operator, member.id, team.id);
  }
}
