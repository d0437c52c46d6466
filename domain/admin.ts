import { z } from 'zod';
import { Id, IsoDateTime, SessionPolicy, User, Username } from './entities';
import { Role } from './roles';
import { requiredText } from './validation/text';

/**
 * What an administrator manages (DESIGN §3's last row: users, devices, enrolment codes, session
 * policy; issue 14's teams). None of it is a customer record, none of it syncs to a desk: the admin
 * reads and changes it online only, through the operations declared in operations.ts, and the CLI
 * calls the same central functions. The admin sees no customer data at all.
 */
export const ADMIN_ENTITIES = ['user', 'team', 'device', 'enrolmentCode', 'sessionPolicy'] as const;
export type AdminEntity = (typeof ADMIN_ENTITIES)[number];

/**
 * The header of a desk's pull saying how many of its user's edits wait in its outbox: the admin sees,
 * before disabling a user or revoking a desk, what a wipe would lose. Only ever shown, never trusted.
 */
export const PENDING_HEADER = 'caredesk-pending';

/** PCI DSS 8.2.6: an account unused this long is disabled by the central store itself. */
export const INACTIVITY_DISABLE_DAYS = 90;

/** Roles whose grant is a privilege the audit log names on a line of its own (issue 14). */
export const PRIVILEGED_ROLES: readonly Role[] = ['admin', 'compliance'];

/** The rules an admin action may break, named in the refusal. */
export const ADMIN_RULES = {
  selfRoleChange: 'admin.self_role_change',
  selfDisable: 'admin.self_disable',
  lastAdmin: 'admin.last_admin',
  teamLeadRole: 'team.lead_role',
  teamUnknown: 'team.unknown',
  teamNameTaken: 'team.name_taken',
} as const;

export const TeamName = requiredText(60);
export const Team = z.strictObject({
  id: Id,
  name: TeamName,
  /** the supervisors who lead it */
  leads: z.array(Id),
});
export type Team = z.infer<typeof Team>;

/** A workstation that holds the user's cache, with its outbox as it last said (pending edits not yet at the store). */
export const UserDesk = z.strictObject({
  deviceId: Id,
  deviceName: z.string(),
  pending: z.number().int().min(0),
  reportedAt: IsoDateTime,
  revoked: z.boolean(),
});
export type UserDesk = z.infer<typeof UserDesk>;

export const StaffMember = User.extend({
  teamId: Id.nullable(),
  createdAt: IsoDateTime,
  /** the last sign-in, else when the account was made or last enabled: what the 90-day rule counts from */
  lastActiveAt: IsoDateTime,
  desks: z.array(UserDesk),
});
export type StaffMember = z.infer<typeof StaffMember>;

export const StaffDirectory = z.strictObject({ users: z.array(StaffMember), teams: z.array(Team) });
export type StaffDirectory = z.infer<typeof StaffDirectory>;

export const DeviceOverview = z.strictObject({
  id: Id,
  name: z.string(),
  enrolledAt: IsoDateTime,
  /** the last sign-in or sync from it */
  lastContactAt: IsoDateTime.nullable(),
  revokedAt: IsoDateTime.nullable(),
  /** whose caches it holds, each with its pending edits as last reported */
  users: z.array(z.strictObject({ userId: Id, username: z.string(), pending: z.number().int().min(0), reportedAt: IsoDateTime })),
});
export type DeviceOverview = z.infer<typeof DeviceOverview>;

/** An enrolment code as listed: never the code (stored only hashed), a reference to tell them apart. */
export const EnrolmentCodeListing = z.strictObject({ ref: z.string(), createdAt: IsoDateTime, expiresAt: IsoDateTime, usesLeft: z.number().int().min(0) });
export type EnrolmentCodeListing = z.infer<typeof EnrolmentCodeListing>;

export const DeviceDirectory = z.strictObject({ devices: z.array(DeviceOverview), codes: z.array(EnrolmentCodeListing), policy: SessionPolicy });
export type DeviceDirectory = z.infer<typeof DeviceDirectory>;

/** Short-lived: an enrolment code from the console lives at most a day (the CLI may give up to 30 for a rollout). */
export const MAX_CONSOLE_CODE_HOURS = 24;

export const AdminUserRef = z.strictObject({ userId: Id });
export const StatusChangeResult = z.strictObject({ user: User, changed: z.boolean(), sessionsEnded: z.number().int().min(0) });
export type StatusChangeResult = z.infer<typeof StatusChangeResult>;

export const ADMIN_INPUTS = {
  createUser: z.strictObject({ username: Username, displayName: requiredText(100), role: Role, teamId: Id.nullable().default(null) }),
  changeRole: z.strictObject({ userId: Id, role: Role }),
  assignTeam: z.strictObject({ userId: Id, teamId: Id.nullable() }),
  saveTeam: z.strictObject({ id: Id.optional(), name: TeamName, leads: z.array(Id).max(20) }),
  revokeDevice: z.strictObject({ deviceId: Id }),
  issueEnrolmentCode: z.strictObject({ hours: z.number().int().min(1).max(MAX_CONSOLE_CODE_HOURS) }),
} as const;

export const ADMIN_OUTPUTS = {
  /** the password is shown once, to the admin, to hand over; the store keeps only its hash */
  userWithPassword: z.strictObject({ user: User, temporaryPassword: z.string() }),
  team: z.strictObject({ team: Team }),
  deviceRevoked: z.strictObject({ deviceId: Id, changed: z.boolean(), sessionsEnded: z.number().int().min(0) }),
  enrolmentCode: z.strictObject({ code: z.string(), expiresAt: IsoDateTime }),
  policy: z.strictObject({ policy: SessionPolicy }),
} as const;
