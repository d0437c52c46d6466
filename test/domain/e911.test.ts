import { describe, expect, it } from 'vitest';
import { E911_UPDATE, FIELD_POLICY, ROLES, ServiceLine, e911AddressIssue, e911ReviewAfter, linesFollowing, mayPerform, project, sameAddress } from '../../domain';
import { demoCustomer } from '../../domain/demo/generator';

/** E911 follows the service address (domain/e911.ts): the rules the central store applies and the console shows. */
describe('E911 follows the service address', () => {
  const OLD = { line1: '12 Elm Street', city: 'Reno', state: 'NV', zip: '89501' };
  const NEW = { line1: '400 Pine Avenue', line2: 'Apt 3', city: 'Sparks', state: 'NV', zip: '89431' };
  const AT = '2026-03-02T10:00:00.000Z';
  const line = (e911Address: object, extra: Record<string, unknown> = {}): { id?: unknown; status: string; e911Address: object } => ({ status: 'active', e911Address, ...extra });

  it('takes two spellings of one address as the same place, and nothing else', () => {
    expect(sameAddress(OLD, { line1: ' 12  elm STREET ', city: 'reno', state: 'nv', zip: '89501', line2: '' })).toBe(true);
    expect(sameAddress(OLD, { ...OLD, zip: '89502' })).toBe(false);
    expect(sameAddress(NEW, { ...NEW, line2: undefined })).toBe(false);
    expect(sameAddress(OLD, null)).toBe(false);
    expect(sameAddress({}, {})).toBe(false);
  });

  it('offers the lines that were at the old service address, never one ported out', () => {
    const lines = [line(OLD, { id: 'a' }), line(NEW, { id: 'b' }), line(OLD, { id: 'c', status: 'ported_out' }), line({ ...OLD, line1: '12 elm street' }, { id: 'd' })];
    expect(linesFollowing(lines, OLD).map((l) => l.id)).toEqual(['a', 'd']);
  });

  it('flags a line whose E911 address is not the new service address, keeps when it was first flagged, and clears it once they match', () => {
    const flagged = e911ReviewAfter(line(OLD), NEW, AT);
    expect(flagged).toEqual({ since: AT, reason: 'service_address_changed', serviceAddress: NEW });
    // the same again: nothing to write
    expect(e911ReviewAfter(line(OLD, { e911Review: flagged }), NEW, '2026-03-02T11:00:00.000Z')).toBeUndefined();
    // corrected once more: the address it differs from follows, the time it was first flagged stays
    const third = { line1: '9 Oak Road', city: 'Reno', state: 'NV', zip: '89509' };
    expect(e911ReviewAfter(line(OLD, { e911Review: flagged }), third, '2026-03-02T12:00:00.000Z')).toEqual({ since: AT, reason: 'service_address_changed', serviceAddress: third });
    // back to where the line is: the flag goes
    expect(e911ReviewAfter(line(OLD, { e911Review: flagged }), OLD, '2026-03-02T12:00:00.000Z')).toBeNull();
    // the line already at the new address: not flagged, nothing written
    expect(e911ReviewAfter(line(NEW), NEW, AT)).toBeUndefined();
    // a number ported out is another carrier's to locate
    expect(e911ReviewAfter(line(OLD, { status: 'ported_out' }), NEW, AT)).toBeUndefined();
  });

  it('lets network operations set any valid address, and a caller-facing role only the service address', () => {
    expect(e911AddressIssue('network_ops', OLD, NEW)).toBeNull();
    expect(e911AddressIssue('care_rep', NEW, NEW)).toBeNull();
    expect(e911AddressIssue('supervisor', { ...NEW, city: 'SPARKS' }, NEW)).toBeNull();
    expect(e911AddressIssue('care_rep', OLD, NEW)).toEqual(expect.objectContaining({ field: 'address', rule: 'e911.service_address' }));
    expect(e911AddressIssue('care_rep', NEW, undefined)).toEqual(expect.objectContaining({ rule: 'e911.service_address' }));
    for (const role of ROLES) {
      const may = [...E911_UPDATE.anyAddress, ...E911_UPDATE.serviceAddressOnly].includes(role);
      expect(mayPerform('serviceLine.setE911Address', role), role).toBe(may);
      if (!may) expect(e911AddressIssue(role, NEW, NEW), role).not.toBeNull();
    }
  });

  it('sends the flag to every role that reads the line, and lets no role write it or the E911 address on a desk', () => {
    for (const field of ['e911Address', 'e911Review'] as const) expect(FIELD_POLICY.serviceLine[field]).toEqual(['read', 'read', 'read', 'read', 'read', 'hidden']);
    const demo = demoCustomer(4, { seed: 11 });
    const flagged = { ...demo.serviceLines[0]!, e911Review: { since: AT, reason: 'service_address_changed' as const, serviceAddress: NEW } };
    expect(ServiceLine.parse(flagged)).toEqual(flagged);
    expect(project('serviceLine', flagged, 'care_rep')!.e911Review).toEqual(flagged.e911Review);
    expect(project('serviceLine', flagged, 'admin')).toBeNull();
  });

  it('still reads a line stored before the flag existed', () => {
    const { e911Review: _none, ...before } = demoCustomer(4, { seed: 11 }).serviceLines[0]!;
    expect(ServiceLine.parse(before)).toEqual(before);
  });
});
