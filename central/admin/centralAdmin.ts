import type { Role, User } from '../../domain';
import { verifyAuditChain, type AuditVerification } from '../audit/auditLog';
import { rotateMasterKey, type RotationSummary } from '../billing/rotateMasterKey';
import type { StoreContext } from '../context';
import { createEnrolmentCode, revokeDevice } from '../identity/devices';
import { generatePassword } from '../identity/passwords';
import { revokeSessions } from '../identity/sessions';
import { addUser, findUserByUsername, setUserStatus, type NewUser } from '../identity/users';
import { seedDemo, type SeedOptions, type SeedSummary } from './seedDemo';

/** What an administrator does to the store, from the CLI or from tests. */
export interface CentralAdmin {
  addUser(input: NewUser): Promise<User>;
  /** a disabled user cannot sign in, and their live sessions end */
  disableUser(userId: string): Promise<void>;
  /** a code for `uses` workstations (default 1), valid `hours` (default 24) */
  createEnrolmentCode(options?: { uses?: number; hours?: number }): Promise<string>;
  seedDemo(count: number, options?: SeedOptions): Promise<SeedSummary>;
  /** one user per role, each with a generated password; existing demo users are left as they are */
  seedDemoUsers(): Promise<DemoUserCredentials[]>;
  revokeDevice(deviceId: string): Promise<void>;
  revokeSessionsOf(userId: string): Promise<number>;
  verifyAudit(): Promise<AuditVerification>;
  /** every card's data key wrapped under a new master key; the old key leaves the key file */
  rotateMasterKey(): Promise<RotationSummary>;
}

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
    async disableUser(userId) {
      await setUserStatus(ctx.db, userId, 'disabled');
      await revokeSessions(ctx, { userId }, 'user', 'account disabled');
    },
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
    revokeDevice: (deviceId) => revokeDevice(ctx, deviceId),
    revokeSessionsOf: (userId) => revokeSessions(ctx, { userId }, 'session', 'sessions revoked by an administrator'),
    verifyAudit: () => verifyAuditChain(ctx.db),
    rotateMasterKey: () => rotateMasterKey(ctx.db, files.cardKeyFile, ctx.clock()),
  };
}
