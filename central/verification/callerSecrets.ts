import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CentralSchema } from '../storage/schema';

/**
 * The answers a caller proves themselves with (last 4 of the SSN, account PIN). DESIGN §1: SSNs
 * never reach a workstation, so the central store keeps only keyed hashes and checks answers
 * itself. The hash is HMAC-SHA256 under the server pepper (kept outside the database) over a
 * per-customer salt, the method and the answer: a stolen database alone cannot be brute-forced
 * over the small answer space.
 */
export type VerificationMethod = 'ssn_last4' | 'account_pin';

export function answerHash(pepper: Buffer, salt: Buffer, method: VerificationMethod, answer: string): Buffer {
  return createHmac('sha256', pepper).update(salt).update(method).update('\0').update(answer).digest();
}

export function callerSecretRow(pepper: Buffer, customerId: string, secrets: { ssnLast4: string; accountPin: string }): CentralSchema['caller_secrets'] {
  const salt = randomBytes(16);
  return {
    customer_id: customerId,
    salt: salt.toString('base64'),
    ssn_last4_hash: answerHash(pepper, salt, 'ssn_last4', secrets.ssnLast4).toString('base64'),
    pin_hash: answerHash(pepper, salt, 'account_pin', secrets.accountPin).toString('base64'),
  };
}

/** Constant-time comparison, so response timing says nothing about how close an answer was. */
export function answerMatches(pepper: Buffer, row: CentralSchema['caller_secrets'], method: VerificationMethod, answer: string): boolean {
  const expected = Buffer.from(method === 'ssn_last4' ? row.ssn_last4_hash : row.pin_hash, 'base64');
  const actual = answerHash(pepper, Buffer.from(row.salt, 'base64'), method, answer);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
