import type { SecondFactorPrompt } from '../../../domain/console/contract';
import { SECOND_FACTOR_CHALLENGE_MINUTES } from '../../../domain/secondFactor';
import type { SignInResponse } from '../../../domain/sync/protocol';

/**
 * A sign-in between its password and its second factor (issue 14): the challenge the store gave, and
 * the password, which opens the cache once the code is accepted; at enrolment, the finished sign-in
 * while the recovery codes are shown. `expiresAt`: until when this step may be finished.
 */
export interface PendingSignIn {
  username: string;
  password: string;
  challenge: string;
  expiresAt: number;
  prompt: SecondFactorPrompt;
  signedIn: SignInResponse | null;
}

const STEP_MS = SECOND_FACTOR_CHALLENGE_MINUTES * 60_000;

/**
 * When a step of a half-done sign-in ends: the store's deadline for the challenge, never later than
 * the challenge's minutes from now by this desk's clock (a desk clock behind the store's would
 * otherwise stretch it); for the recovery codes, which have no challenge left, those minutes alone.
 */
export function stepDeadline(now: Date, storeExpiresAt?: string): number {
  const bound = now.getTime() + STEP_MS;
  return storeExpiresAt === undefined ? bound : Math.min(Date.parse(storeExpiresAt), bound);
}

/**
 * Holds the one pending sign-in until its `expiresAt` by the session's clock, then forgets it and
 * says so: the typed password, the challenge, and at enrolment the finished session's token and the
 * recovery codes stay in this process no longer than the step may take, even if nobody comes back.
 */
export class PendingSignInHold {
  private held: PendingSignIn | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clock: () => Date,
    private readonly onExpired: () => void,
  ) {}

  get current(): PendingSignIn | null {
    return this.held;
  }

  hold(pending: PendingSignIn): void {
    this.drop();
    this.held = pending;
    // a deadline that is not a time (NaN) ends the step at once
    const delay = Math.min(Math.max(0, pending.expiresAt - this.clock().getTime()), STEP_MS) || 0;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.held = null;
      this.onExpired();
    }, delay);
    this.timer.unref?.();
  }

  drop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.held = null;
  }
}
