import { z } from 'zod';
import { Id, IsoDateTime, type EntityName } from './entities';
import { Username } from './entities/identity';
import { visibleEntities } from './policy';
import { SignInResponse } from './sync/protocol';
import { ROLES, Role } from './roles';
import { rule } from './validation/rule';

/**
 * The second factor at sign-in (issue 14, PCI DSS 8.4.2): every role that sees payment data or
 * administers signs in with a password and a time-based one-time code (TOTP, RFC 6238). Offline
 * unlock of a desk's cache stays password-only: the code proves who signs in at the central store.
 */

/** The payment data of the privacy policy (invoices, payments, the cards on file): seeing any field of one needs a second factor. */
const PAYMENT_DATA: readonly EntityName[] = ['invoice', 'payment', 'paymentMethod'];
/** The roles that administer users, devices, enrolment codes and session policy (DESIGN §3, last row). */
export const ADMINISTERING_ROLES: readonly Role[] = ['admin'];

/** Derived, never listed: the field policy says who sees payment data, and the administering roles. */
export const SECOND_FACTOR_ROLES: readonly Role[] = ROLES.filter(
  (role) => ADMINISTERING_ROLES.includes(role) || visibleEntities(role).some((entity) => PAYMENT_DATA.includes(entity)),
);

export function needsSecondFactor(role: Role): boolean {
  return SECOND_FACTOR_ROLES.includes(role);
}

/** RFC 6238 defaults that every authenticator app reads from the QR code, and one step of clock drift either way. */
export const TOTP = { issuer: 'CareDesk', digits: 6, periodSeconds: 30, toleranceSeconds: 30 } as const;

/**
 * PCI DSS 8.3.4: after at most 10 failed attempts (a wrong password or a wrong code, counted together
 * per username) the account is locked for at least 30 minutes, or until an administrator lifts it.
 */
export const SIGN_IN_LOCKOUT = { maxFailures: 10, minutes: 30 } as const;

/** How long a half-done sign-in (the password proven, the code not yet) may be finished. */
export const SECOND_FACTOR_CHALLENGE_MINUTES = 5;

/** Recovery codes, shown once at enrolment: each signs in once instead of a code. */
export const RECOVERY_CODES = { count: 10, pattern: /^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/ } as const;

export const TotpCode = z
  .string()
  .trim()
  .refine((value) => /^\d{6}$/.test(value), rule('totp.format', 'the 6 digits your authenticator app shows'));
export const RecoveryCode = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => RECOVERY_CODES.pattern.test(value), rule('recovery_code.format', 'a recovery code as it was shown: four groups of four letters and digits'));

/** The one-use token of a password step that awaits its code (stored only hashed by the store). */
const ChallengeToken = z.string().min(20).max(200);

/**
 * What the password step answers a role with a second factor: not a session, a challenge that only
 * the second-factor step takes (bound to this device, short-lived). `enrol`: the user has no second
 * factor yet; here is the secret to add to an authenticator app (as a QR code of `otpauthUri`, or typed).
 */
export const SecondFactorChallenge = z.strictObject({
  secondFactor: z.strictObject({
    challenge: ChallengeToken,
    expiresAt: IsoDateTime,
    enrol: z.strictObject({ secret: z.string().min(16).max(64), otpauthUri: z.string().max(500) }).nullable(),
  }),
});
export type SecondFactorChallenge = z.infer<typeof SecondFactorChallenge>;

/** What the password step answers: a session (a role without a second factor), or a challenge. */
export const SignInAnswer = z.union([SignInResponse, SecondFactorChallenge]);
export type SignInAnswer = z.infer<typeof SignInAnswer>;

/** The second step: the challenge and either the code of the moment or one recovery code. */
export const SecondFactorRequest = z.union([
  z.strictObject({ challenge: ChallengeToken, code: TotpCode }),
  z.strictObject({ challenge: ChallengeToken, recoveryCode: RecoveryCode }),
]);
export type SecondFactorRequest = z.infer<typeof SecondFactorRequest>;

/** A finished sign-in (the same as a password-only one), and at enrolment the recovery codes, shown once. */
export const SecondFactorSignIn = SignInResponse.safeExtend({ recoveryCodes: z.array(z.string()).optional() });
export type SecondFactorSignIn = z.infer<typeof SecondFactorSignIn>;

// ── the administrator's operations (domain/operations.ts) ──────────────────────────────────────
export const Lockout = z.strictObject({
  username: Username,
  /** null: no account has this username (a guesser's lockout, shown all the same) */
  userId: Id.nullable(),
  role: Role.nullable(),
  lockedAt: IsoDateTime,
  lockedUntil: IsoDateTime,
  /** what the failures were: wrong passwords, wrong codes, or both */
  failures: z.strictObject({ password: z.number().int().min(0), code: z.number().int().min(0) }),
});
export type Lockout = z.infer<typeof Lockout>;

export const LockoutListRequest = z.strictObject({});
export const LockoutListResult = z.strictObject({ lockouts: z.array(Lockout) });
export const LockoutLiftRequest = z.strictObject({ username: Username });
export const LockoutLiftResult = z.strictObject({ lifted: z.boolean() });
export const SecondFactorResetRequest = z.strictObject({ userId: Id });
export const SecondFactorResetResult = z.strictObject({ reset: z.boolean(), username: Username });
