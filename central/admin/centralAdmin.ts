import { CareDeskError, type Lockout, type Role, type User } from '../../domain';
import { verifyAuditChain, type AuditVerification } from '../audit/auditLog';
import { rotateMasterKey, type RotationSummary } from '../billing/rotateMasterKey';
import type { StoreContext } from '../context';
import { disableUser, enableUser, type StatusChange } from '../identity/accountStatus';
import { createEnrolmentCode, listDevices, revokeDevice, type DeviceListing, type DeviceRevocation } from '../identity/devices';
import { liftSignInLockout, lockoutsNow, resetUserSecondFactor } from '../identity/lockoutAdmin';
import { generatePassword } from '../identity/passwords';
import { revokeSessions } from '../identity/sessions';
import { addUser, findUserByUsername, userOf, type NewUser } from '../identity/users';
import { seedDemo, type SeedOptions, type SeedSummary } from './seedDemo';

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
  verifyAudit(): Promise<AuditVerification>;
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

export function centralAdmin(ctx: StoreContext, files: { cardKeyFile: string }): CentralAdmin {
  return {
    addUser: (input) => addUser(ctx.db, ctx.clock, input),
    async userNamed(username) {
      const row = await findUserByUsername(ctx.db, username.trim().toLowerCase());
      if (!row) throw new CareDeskError('not_found', `no such user: ${username}`);
      return userOf(row);
    },
    disableUser: (userId, actor) => disableUser(ctx, userId, actor?.by ?? DEFAULT_ACTOR),
    enableUser: (userId, actor) => enableUser(ctx, userId, actor?.by ?? DEFAULT_ACTOR),
    createEnrolmentCode: (options) => createEnrolmentCode(ctx, options),
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
      return out;
    },
    revokeDevice: (deviceId, actor) => revokeDevice(ctx, deviceId, actor?.by ?? DEFAULT_ACTOR),
    listDevices: () => listDevices(ctx.db),
    revokeSessionsOf: (userId) => revokeSessions(ctx, { userId }, 'session', 'sessions revoked by an administrator'),
    verifyAudit: () => verifyAuditChain(ctx.db),
    rotateMasterKey: () => rotateMasterKey(ctx.db, files.cardKeyFile, ctx.clock()),
    listLockouts: async (actor) => (await lockoutsNow(ctx, { label: actor?.by ?? DEFAULT_ACTOR })).lockouts,
    liftLockout: async (username, actor) => (await liftSignInLockout(ctx, { username: username.trim().toLowerCase() }, { label: actor?.by ?? DEFAULT_ACTOR })).lifted,
    resetSecondFactor: async (userId, actor) => (await resetUserSecondFactor(ctx, { userId }, { label: actor?.by ?? DEFAULT_ACTOR })).reset,
  };
}
