import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VIEW_CHAIN_GENESIS, ViewHeadReport, viewChainFaultDetail, viewChainFaultOf, viewChainPreimage, viewHeadFromHeader, viewHeadHeader, viewHeadMessage } from '../../domain/sync/viewChain';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const event = { id: '0b6f3f0e-6a4e-4a8c-9d7e-2f1d6c1b9a10', entity: 'customer', entityId: 'c1', at: '2026-12-04T10:00:00.000Z' };

describe('the chain of offline reads (domain)', () => {
  it("hashes an entry's number, the hash before it and its content, whatever the order of its keys", () => {
    const link = { seq: 1, prev: VIEW_CHAIN_GENESIS };
    const hash = sha(viewChainPreimage(link, { kind: 'view', event }));
    expect(sha(viewChainPreimage(link, { kind: 'view', event: { at: event.at, entityId: 'c1', entity: 'customer', id: event.id } }))).toBe(hash);
    for (const other of [
      viewChainPreimage({ ...link, seq: 2 }, { kind: 'view', event }),
      viewChainPreimage({ ...link, prev: 'f'.repeat(64) }, { kind: 'view', event }),
      viewChainPreimage(link, { kind: 'search', event }),
      viewChainPreimage(link, { kind: 'view', event: { ...event, entityId: 'c2' } }),
    ]) {
      expect(sha(other)).not.toBe(hash);
    }
    // the signed head names the device and the cache: a head of one cache is no other's
    expect(viewHeadMessage('d1', 'c1', { seq: 3, hash })).not.toBe(viewHeadMessage('d1', 'c2', { seq: 3, hash }));
  });

  it("reads the pull's header back into the head it carries, and another shape fails the schema", () => {
    const report = { clientId: event.id, head: { seq: 42, hash: 'a'.repeat(64), signature: 'MEUCIQ+/=' } };
    expect(ViewHeadReport.parse(viewHeadFromHeader(viewHeadHeader(report)))).toEqual(report);
    for (const text of ['', 'x', `${event.id}.42.${'a'.repeat(64)}`, `${event.id}.4.2.${'a'.repeat(64)}.sig`, `${event.id}.-3.${'a'.repeat(64)}.sig`]) {
      expect(ViewHeadReport.safeParse(viewHeadFromHeader(text)).success, text).toBe(false);
    }
  });

  it("tells a fault's message and rule apart from its audit row's detail, and nothing else", () => {
    expect(viewChainFaultOf(viewChainFaultDetail('entry 4 is missing (covered by a head)', 'view_chain.gap'))).toEqual({ message: 'entry 4 is missing (covered by a head)', rule: 'view_chain.gap' });
    expect(viewChainFaultOf('viewed at 2026-12-04 (view_chain.other)')).toBeNull();
    expect(viewChainFaultOf('no rule here')).toBeNull();
  });
});
