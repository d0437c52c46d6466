import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API } from '../../domain';
import { Harness, readEvents, type TestSession } from './harness';
import { testBackend } from '../support/testDatabase';

/**
 * Prometheus metrics (issue 15, item 7) on the ops listener, a plain-HTTP listener of its own: they
 * move with the traffic, carry no user, customer, device or session id, and the API's listeners do
 * not serve them.
 */
describe('metrics on the ops listener', () => {
  let h: Harness;
  let rep: TestSession;
  let watcher: TestSession;
  beforeAll(async () => {
    h = await Harness.start({ customers: 3, config: { ops: { port: 0 } } });
    rep = await h.session('care_rep');
    watcher = await h.session('care_rep');
  });
  afterAll(async () => h.dispose());

  async function scrape(path = '/metrics'): Promise<{ status: number; text: string; type: string }> {
    const res = await request(new URL(path, h.store.opsUrl!));
    return { status: res.statusCode, text: await res.body.text(), type: String(res.headers['content-type']) };
  }
  /** the value of one series, e.g. `caredesk_pull_pages_total` or `caredesk_http_requests_total{…}`; 0 when absent */
  function value(text: string, series: string): number {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  }
  const requests = (labels: string) => `caredesk_http_requests_total{${labels}}`;

  it('is served on loopback, over plain HTTP, only when configured', () => {
    expect(h.store.opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('counts requests by route template, pushes, pull pages, open streams and pokes; with no id in any label', async () => {
    const before = await scrape();
    expect(before.status).toBe(200);
    expect(before.type).toContain('text/plain');
    const customer = h.customer(0).customer;

    expect((await h.pull(rep)).status).toBe(200);
    let whileOpen = '';
    await readEvents(
      h,
      watcher,
      (seen) => seen.filter((e) => e.type === 'poke').length >= 2,
      async () => {
        const m = h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer.id }, { email: customer.email }, { email: 'metrics.check@example.org' }, { verificationId: await h.verified(rep, 0) });
        expect((await h.push(rep, [m])).json.results[0].status).toBe('applied');
        whileOpen = (await scrape()).text;
      },
    );
    // a refusal and a path the store does not know, the latter holding an id
    expect((await h.call(rep.device.agent, 'GET', API.session)).status).toBe(401);
    expect((await h.call(rep.device.agent, 'GET', `/v1/customers/${customer.id}/nothing-here`, { token: rep.token })).status).toBe(404);

    // the stream's close reaches the gauge when the socket closes: wait for it, boundedly
    let after = await scrape();
    for (let i = 0; i < 50 && value(after.text, 'caredesk_connected_desks') !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await scrape();
    }
    const { text } = after;

    expect(value(whileOpen, 'caredesk_connected_desks')).toBe(1);
    expect(value(text, 'caredesk_connected_desks')).toBe(0);
    expect(value(text, requests('listener="api",route="/v1/sync/push",method="POST",status_class="2xx"'))).toBe(value(before.text, requests('listener="api",route="/v1/sync/push",method="POST",status_class="2xx"')) + 1);
    expect(value(text, requests('listener="api",route="/v1/customers/:customerId/verification",method="POST",status_class="2xx"'))).toBeGreaterThanOrEqual(1);
    expect(value(text, requests('listener="api",route="/v1/session",method="GET",status_class="4xx"'))).toBeGreaterThanOrEqual(1);
    expect(value(text, requests('listener="api",route="unmatched",method="GET",status_class="4xx"'))).toBeGreaterThanOrEqual(1);
    expect(value(text, requests('listener="enrolment",route="/v1/devices/enrol",method="POST",status_class="2xx"'))).toBeGreaterThanOrEqual(2);
    expect(value(text, 'caredesk_push_duration_seconds_count')).toBe(value(before.text, 'caredesk_push_duration_seconds_count') + 1);
    expect(value(text, 'caredesk_pushed_mutations_total{outcome="applied"}')).toBe(value(before.text, 'caredesk_pushed_mutations_total{outcome="applied"}') + 1);
    expect(value(text, 'caredesk_pull_pages_total')).toBeGreaterThan(value(before.text, 'caredesk_pull_pages_total'));
    // the push's advance poked the one open stream
    expect(value(text, 'caredesk_poke_fanout_desks_count')).toBeGreaterThan(value(before.text, 'caredesk_poke_fanout_desks_count'));
    expect(value(text, 'caredesk_poke_fanout_desks_sum')).toBeGreaterThan(value(before.text, 'caredesk_poke_fanout_desks_sum'));
    // the pool's connections where there is a pool
    if (testBackend() === 'postgres') expect(value(text, 'caredesk_db_pool_connections')).toBeGreaterThan(0);
    else expect(text).not.toContain('caredesk_db_pool_');

    // no id of anyone or anything: users, devices, sessions, clients, customers, their tokens
    const ids = [rep, watcher].flatMap((s) => [s.user.id, s.user.username, s.device.id, s.clientId, s.token]);
    ids.push(customer.id, h.customer(0).customer.accountNumber);
    for (const id of ids) expect(text, id).not.toContain(id);
    for (const id of ids) expect(whileOpen, id).not.toContain(id);
    // every label value is a template, a fixed word or a number: nothing shaped like an id
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
  });

  it('answers health and readiness there too, and nothing else', async () => {
    expect((await scrape(API.ready)).status).toBe(200);
    expect((await scrape(API.health)).status).toBe(200);
    expect((await scrape(API.session)).status).toBe(404);
  });

  it('is not served by the API or the enrolment listener', async () => {
    const signedIn = await h.call(rep.device.agent, 'GET', '/metrics', { token: rep.token });
    expect(signedIn.status).toBe(404);
    // without a session the access check answers first, as for any path
    const noSession = await h.call(rep.device.agent, 'GET', '/metrics');
    expect(noSession.status).toBe(401);
    const enrolment = await h.call(h.anonymous, 'GET', '/metrics', { listener: 'enrolment' });
    expect(enrolment.status).toBe(404);
    for (const res of [signedIn, noSession, enrolment]) expect(res.text).not.toContain('caredesk_');
  });
});

describe('the ops listener when not configured', () => {
  it('is off', async () => {
    const h = await Harness.start({ customers: 1 });
    try {
      expect(h.store.opsUrl).toBeNull();
    } finally {
      await h.dispose();
    }
  });
});
