import { z } from 'zod';
import { rule } from '../validation/rule';
import { optionalText, requiredText } from '../validation/text';
import { Role } from '../roles';
import { Id, IsoDateTime } from './common';

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => /^[a-z][a-z0-9._-]{1,39}$/.test(value), rule('username.format', '2–40 letters, digits, dot, dash or underscore, starting with a letter'));

/** A password as chosen at enrolment; length over composition (NIST SP 800-63B). */
export const NewPassword = z
  .string()
  .refine((value) => value.length >= 12, rule('password.min', 'at least 12 characters'))
  .refine((value) => value.length <= 200, rule('password.max', 'at most 200 characters'));

export const User = z.strictObject({
  id: Id,
  username: Username,
  displayName: requiredText(100),
  role: Role,
  status: z.enum(['active', 'disabled']),
});
export type User = z.infer<typeof User>;

export const Device = z.strictObject({
  id: Id,
  name: optionalText(100),
  certificateFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  enrolledAt: IsoDateTime,
  revokedAt: IsoDateTime.nullable(),
});
export type Device = z.infer<typeof Device>;

/** Session policy, set on the server and applied by every workstation (DESIGN §4). */
export const SessionPolicy = z.strictObject({
  /** PCI DSS 8.2.8: re-authenticate after 15 minutes idle. */
  idleLockMinutes: z.number().int().min(1).max(15),
  /** Past this, the cache refuses to unlock until the user signs in online. */
  maxOfflineHours: z.number().int().min(1).max(24 * 14),
});
export type SessionPolicy = z.infer<typeof SessionPolicy>;
export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleLockMinutes: 15, maxOfflineHours: 72 };
