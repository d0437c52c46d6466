import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, PROTOCOL, SUPPORTED_PROTOCOLS } from '../../domain';
import { Harness, type TestSession } from './harness';

/** The sync protocol version (domain/sync/protocol.ts): a desk outside the store's range is told plainly which side to update, before anything else of its request is read. */
describe('protocol versions', () => {
  let h: Harness;
  let rep: TestSession;
  beforeAll(async () => {
    h = await Harness.start({ customers: 1 });
    rep = await h.session('care_rep');
  });
  afterAll(() => h.dispose());

  const pull = (version?: string) => h.call(rep.device.agent, 'GET', `${API.pull}?cursor=0`, { token: rep.token, ...(version === undefined ? {} : { headers: { [PROTOCOL.header]: version } }) });

  it('serves the version it speaks, and a desk from before the header (version 1)', async () => {
    expect((await pull(String(PROTOCOL.version))).status).toBe(200);
    expect((await pull()).status).toBe(200);
  });

  it('tells a desk too old to update itself, and a desk too new that the store needs updating', async () => {
    const old = await pull(String(SUPPORTED_PROTOCOLS.min - 1));
    expect(old.status).toBe(426);
    expect(old.json.error).toMatchObject({ code: 'protocol_unsupported', message: expect.stringMatching(/too old.*update CareDesk on this workstation/) });
    const young = await pull(String(SUPPORTED_PROTOCOLS.max + 1));
    expect(young.status).toBe(426);
    expect(young.json.error.message).toMatch(/ask IT to update the central store/);
    // the enrolment listener says the same to a desk that has yet to enrol
    const enrol = await h.call(h.anonymous, 'POST', API.enrol, { body: {}, listener: 'enrolment', headers: { [PROTOCOL.header]: String(SUPPORTED_PROTOCOLS.max + 1) } });
    expect(enrol.json.error.code).toBe('protocol_unsupported');
  });

  it('refuses a version that is not a number, naming the header and the rule', async () => {
    const res = await pull('1; drop table');
    expect(res.status).toBe(400);
    expect(res.json.error.issues).toEqual([expect.objectContaining({ field: `(header ${PROTOCOL.header})`, rule: 'protocol.version' })]);
  });
});
