import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SECOND_FACTOR_CHALLENGE_MINUTES } from '../../../domain/secondFactor';
import { PendingSignInHold, stepDeadline, type PendingSignIn } from '../../../electron/core/session/pendingSignIn';

/**
 * Issue 14: a sign-in between its password and its second factor keeps the typed password (and at
 * enrolment the finished session and the recovery codes) in the workstation's process. Nobody coming
 * back to the desk must not leave them there: each step is forgotten at its deadline.
 */
const MINUTES = SECOND_FACTOR_CHALLENGE_MINUTES * 60_000;
const clock = () => new Date();
const pending = (expiresAt: number, step: 'code' | 'recovery_codes' = 'code'): PendingSignIn => ({
  username: 'clerk.slow',
  password: 'the typed password',
  challenge: 'c'.repeat(32),
  expiresAt,
  prompt: step === 'code' ? { step } : { step, codes: ['aaaa-bbbb-cccc-dddd'] },
  signedIn: null,
});

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a half-done sign-in', () => {
  it('forgets the password at the challenge’s deadline, and says so once', () => {
    const expired = vi.fn();
    const hold = new PendingSignInHold(clock, expired);
    hold.hold(pending(Date.now() + 60_000));
    vi.advanceTimersByTime(59_999);
    expect(hold.current?.password).toBe('the typed password');
    vi.advanceTimersByTime(1);
    expect(hold.current).toBeNull();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('keeps the recovery codes step no longer than a challenge’s minutes', () => {
    const expired = vi.fn();
    const hold = new PendingSignInHold(clock, expired);
    hold.hold(pending(Date.now() + 10_000));
    vi.advanceTimersByTime(9_000);
    // the code was accepted: the codes are shown, with a deadline of their own
    hold.hold(pending(stepDeadline(clock()), 'recovery_codes'));
    vi.advanceTimersByTime(MINUTES - 1);
    expect(hold.current?.prompt.step).toBe('recovery_codes');
    vi.advanceTimersByTime(1);
    expect(hold.current).toBeNull();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('takes the store’s deadline only when it is sooner than the challenge’s minutes by this desk’s clock', () => {
    const now = new Date('2025-03-01T10:00:00Z');
    expect(stepDeadline(now, '2025-03-01T10:02:00Z')).toBe(Date.parse('2025-03-01T10:02:00Z'));
    // a desk clock behind the store's does not stretch the step
    expect(stepDeadline(now, '2025-03-01T12:00:00Z')).toBe(now.getTime() + MINUTES);
  });

  it('ends at once on a deadline that is not a time', () => {
    const expired = vi.fn();
    const hold = new PendingSignInHold(clock, expired);
    hold.hold(pending(stepDeadline(clock(), 'not a time')));
    vi.advanceTimersByTime(0);
    expect(hold.current).toBeNull();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('says nothing when the step ended otherwise (finished, signed out, a new sign-in)', () => {
    const expired = vi.fn();
    const hold = new PendingSignInHold(clock, expired);
    hold.hold(pending(Date.now() + 60_000));
    hold.drop();
    hold.hold(pending(Date.now() + 120_000));
    vi.advanceTimersByTime(60_000);
    expect(hold.current).not.toBeNull();
    hold.drop();
    vi.advanceTimersByTime(MINUTES);
    expect(expired).not.toHaveBeenCalled();
  });
});
