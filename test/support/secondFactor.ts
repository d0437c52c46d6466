import { generate } from 'otplib';
import type { SessionState } from '../../domain/console/contract';
import { TOTP } from '../../domain/secondFactor';
import { PASSWORD, type TestCentral } from './central';
import { startWorkstation, type TestWorkstation } from './workstation';

/**
 * What a user's authenticator app knows: each second-factor user's secret as enrolment showed it,
 * and the last time step a test used, so that no code is sent twice (the store refuses a replay).
 */
const secrets = new Map<string, { secret: string; lastStep: number }>();

/**
 * The code the app shows now by `clock` (the central store's), never one used before: the next
 * step's when this one's is spent (the store allows one step of drift), or, that spent too, the
 * next step's after waiting for it.
 */
export async function totpFor(username: string, clock: () => Date = () => new Date()): Promise<string> {
  const known = secrets.get(username);
  if (!known) throw new Error(`no second factor enrolled in this test run for ${username}`);
  const now = () => Math.floor(clock().getTime() / 1000 / TOTP.periodSeconds);
  while (known.lastStep > now()) await new Promise((r) => setTimeout(r, 1000));
  const step = Math.max(now(), known.lastStep + 1);
  known.lastStep = step;
  return generate({ secret: known.secret, epoch: step * TOTP.periodSeconds });
}

/** Remembers the secret an enrolment step shows (e2e reads it from the page). */
export function rememberSecret(username: string, secret: string): void {
  secrets.set(username, { secret, lastStep: 0 });
}

/**
 * A whole sign-in through the console channels, as the sign-in screen does it: the password, then
 * for a role with a second factor the code (enrolling the first time, the recovery codes "saved").
 */
export async function signInDesk(ws: TestWorkstation, username: string, options: { password?: string; clock?: () => Date } = {}): Promise<SessionState> {
  let state = await ws.call('session.signIn', { username, password: options.password ?? PASSWORD });
  if (state.secondFactor?.step === 'enrol') rememberSecret(username, state.secondFactor.secret);
  if (state.secondFactor && state.secondFactor.step !== 'recovery_codes') state = await ws.call('session.secondFactor', { code: await totpFor(username, options.clock) });
  if (state.secondFactor?.step === 'recovery_codes') state = await ws.call('session.recoveryCodesSaved');
  return state;
}

/** A workstation enrolled with `central`, signed in as `username` (through the second factor, for a role with one) and synced once; `into` keeps it for disposal. */
export async function syncedDesk(central: TestCentral, username: string, into: TestWorkstation[]): Promise<TestWorkstation> {
  const ws = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl, deviceName: `desk of ${username}` });
  into.push(ws);
  await signInDesk(ws, username);
  await ws.call('sync.now');
  return ws;
}
