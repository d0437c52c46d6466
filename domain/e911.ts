import type { E911Review } from './entities/service';
import type { FieldIssue } from './errors';
import { mayWriteAny } from './policy/project';
import { ROLES, type Role } from './roles';
import type { PostalAddress } from './validation/address';

/**
 * E911 follows the service address (issue 13). A line's E911 address is where emergency dispatchers
 * are sent, so it is never left behind silently when the customer's service address is corrected:
 * the rep is offered, on the same verified call, to update the lines that were at the old address
 * (`linesFollowing`), online only (serviceLine.setE911Address); and the central store itself flags
 * every line whose E911 address is not the new service address (`e911ReviewAfter`), for network
 * operations, whatever the desk did. The one place these rules are written down: the central store
 * applies them, the console shows what they will do.
 */

/** What a line needs to be judged: its status and E911 address, and its flag if any. */
export interface E911Line {
  status?: string;
  e911Address?: unknown;
  e911Review?: E911Review | null;
}

/** A line that left for another carrier has its E911 address there: nothing here to follow or review. */
export function servesE911(line: E911Line): boolean {
  return line.status !== 'ported_out';
}

const words = (value: unknown) => (typeof value === 'string' ? value.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase() : '');

/**
 * Whether two postal addresses are the same place as typed: each part compared without case or runs
 * of spaces (a missing second line and an empty one are the same). Not a geocoder: "St" and "Street"
 * differ, and a line flagged for that costs network operations a look, never a dispatcher a wrong door.
 */
export function sameAddress(a: unknown, b: unknown): boolean {
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const x = a as Partial<Record<keyof PostalAddress, unknown>>;
  const y = b as Partial<Record<keyof PostalAddress, unknown>>;
  return (['line1', 'line2', 'city', 'state', 'zip'] as const).every((part) => words(x[part]) === words(y[part])) && words(x.line1) !== '';
}

/** The lines whose E911 address was the old service address: the ones a rep is offered to update with the correction. */
export function linesFollowing<L extends E911Line>(lines: readonly L[], oldServiceAddress: unknown): L[] {
  return lines.filter((line) => servesE911(line) && sameAddress(line.e911Address, oldServiceAddress));
}

/**
 * A line's flag once the customer's service address is `serviceAddress` (at `at`, by the store's
 * clock): a flag when its E911 address is another (kept `since` it was first raised), null when it is
 * this one, undefined when nothing changes.
 */
export function e911ReviewAfter(line: E911Line, serviceAddress: PostalAddress, at: string): E911Review | null | undefined {
  const flagged = line.e911Review ?? null;
  if (!servesE911(line) || sameAddress(line.e911Address, serviceAddress)) return flagged ? null : undefined;
  const next: E911Review = { since: flagged?.since ?? at, reason: 'service_address_changed', serviceAddress };
  return flagged && sameAddress(flagged.serviceAddress, serviceAddress) && flagged.reason === next.reason ? undefined : next;
}

/**
 * Who may set a line's E911 address to what. Network operations: any valid address (they review the
 * flagged lines, and a business line may be elsewhere). The roles that talk to callers: only the
 * customer's service address as the central store holds it, and only for a caller they verified
 * (checked by the store, which holds the verifications).
 */
export const E911_UPDATE: { anyAddress: readonly Role[]; serviceAddressOnly: readonly Role[] } = {
  anyAddress: ['network_ops'],
  // those who talk to callers: the roles that may change a customer record, and so verify a caller (customer.verifyCaller)
  serviceAddressOnly: ROLES.filter((role) => mayWriteAny('customer', role)),
};

/** Why `role` may not set a line's E911 address to `address` while the customer's service address is `serviceAddress`, or null. */
export function e911AddressIssue(role: Role, address: PostalAddress, serviceAddress: unknown): FieldIssue | null {
  if (E911_UPDATE.anyAddress.includes(role)) return null;
  if (E911_UPDATE.serviceAddressOnly.includes(role) && sameAddress(address, serviceAddress)) return null;
  return {
    field: 'address',
    rule: 'e911.service_address',
    message: "on a call, a line's E911 address can only be set to the customer's service address as the central store holds it (a correction saved a moment ago must reach it first); network operations set any other",
  };
}
