import type { OperationInput, OperationOutput } from '../../domain';
import type { StoreContext } from '../context';
import { disableUser, enableUser } from '../identity/accountStatus';
import type { SessionContext } from '../identity/sessions';
import { operatorOf } from './operator';
import { assignTeam, changeRole, createStaffUser, resetPassword, saveTeam, staffDirectory } from './staff';
import { deviceDirectory, issueEnrolmentCode, revokeWorkstation, setSessionPolicy } from './workstations';

/**
 * The `admin.*` operations (domain/operations.ts) as the operations route takes them: the signed-in
 * admin becomes the operator, and the same functions the CLI calls do the work. The route has
 * already refused every other role and checked the input.
 */
type AdminName =
  | 'admin.users'
  | 'admin.createUser'
  | 'admin.disableUser'
  | 'admin.enableUser'
  | 'admin.changeRole'
  | 'admin.assignTeam'
  | 'admin.resetPassword'
  | 'admin.saveTeam'
  | 'admin.devices'
  | 'admin.revokeDevice'
  | 'admin.issueEnrolmentCode'
  | 'admin.setSessionPolicy';
type Handlers = { [N in AdminName]: (ctx: StoreContext, session: SessionContext, input: OperationInput<N>) => Promise<OperationOutput<N>> };

export const ADMIN_HANDLERS: Handlers = {
  'admin.users': (ctx, session) => staffDirectory(ctx, operatorOf(session)),
  'admin.createUser': (ctx, session, input) => createStaffUser(ctx, operatorOf(session), input),
  'admin.disableUser': (ctx, session, { userId }) => disableUser(ctx, userId, operatorOf(session)),
  'admin.enableUser': (ctx, session, { userId }) => enableUser(ctx, userId, operatorOf(session)),
  'admin.changeRole': (ctx, session, { userId, role }) => changeRole(ctx, operatorOf(session), userId, role),
  'admin.assignTeam': (ctx, session, { userId, teamId }) => assignTeam(ctx, operatorOf(session), userId, teamId),
  'admin.resetPassword': (ctx, session, { userId }) => resetPassword(ctx, operatorOf(session), userId),
  'admin.saveTeam': async (ctx, session, input) => ({ team: await saveTeam(ctx, operatorOf(session), input) }),
  'admin.devices': (ctx, session) => deviceDirectory(ctx, operatorOf(session)),
  'admin.revokeDevice': async (ctx, session, { deviceId }) => {
    const { changed, sessionsEnded } = await revokeWorkstation(ctx, operatorOf(session), deviceId);
    return { deviceId, changed, sessionsEnded };
  },
  'admin.issueEnrolmentCode': (ctx, session, { hours }) => issueEnrolmentCode(ctx, operatorOf(session), { hours, uses: 1 }),
  'admin.setSessionPolicy': async (ctx, session, policy) => ({ policy: await setSessionPolicy(ctx, operatorOf(session), policy) }),
};
