import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentralStore } from '../../central';
import { API, PROTOCOL } from '../../domain';
import { Harness, readEvents, type TestSession } from './harness';

/**
 * A node told to stop (SIGTERM from `serve`, a rolling restart behind the load balancer): the push
 * it is reading when told is committed and answered — the desk is not left guessing whether its
 * edit went in — its event streams end so that desks reconnect elsewhere, and it stops.
 */
describe('a node stopping with requests in flight', () => {
  let h: Harness;
  let rep: TestSession;
  beforeAll(async () => {
    h = await Harness.start({ customers: 2 });
    rep = await h.session('care_rep');
  });
  afterAll(async () => h.dispose());

  it('answers and applies the push it was reading, ends its event streams, then stops', async () => {
    const { customer } = h.customer(0);
    const m = h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer.id }, { email: customer.email }, { email: 'still.applied@example.com' }, { verificationId: await h.verified(rep, 0) });
    const body = JSON.stringify({ clientId: rep.clientId, mutations: [m], views: [] });

    // an open live-update stream: it must end when the node stops, not hold the stop up
    let streamEnded!: Promise<unknown>;
    await new Promise<void>((opened) => {
      streamEnded = readEvents(h, rep, () => false, async () => opened());
    });

    // the push's headers are in (the store said 100 Continue) and half its body: it is in flight
    const agent = new HttpsAgent({ ca: h.store.caPem, cert: rep.device.certificatePem, key: rep.device.keyPem });
    const push = httpsRequest(new URL(API.push, h.store.url), {
      method: 'POST',
      agent,
      headers: {
        authorization: `Bearer ${rep.token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        expect: '100-continue',
        [PROTOCOL.header]: String(PROTOCOL.version),
      },
    });
    const answered = new Promise<{ status: number; json: { results: { status: string; id: string }[] } }>((resolve, reject) => {
      push.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
        res.on('error', reject);
      });
      push.on('error', reject);
    });
    await new Promise<void>((resolve) => push.once('continue', resolve));
    push.write(body.slice(0, body.length / 2));

    const stopping = h.store.close();
    push.end(body.slice(body.length / 2));

    const answer = await answered;
    expect(answer.status).toBe(200);
    expect(answer.json.results).toEqual([expect.objectContaining({ id: m.id, status: 'applied' })]);
    await expect(streamEnded).resolves.toBeDefined();
    await stopping;
    agent.destroy();

    // the edit is in the database: a node started again on it has it
    const again = await startCentralStore({ dataDir: h.dataDir, port: 0 });
    try {
      const row = await again.db.selectFrom('records').select('data').where('entity', '=', 'customer').where('id', '=', customer.id).executeTakeFirstOrThrow();
      expect(JSON.parse(row.data!)).toMatchObject({ email: 'still.applied@example.com' });
    } finally {
      await again.close();
    }
  });
});
