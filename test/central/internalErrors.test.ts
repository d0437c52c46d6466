import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InternalErrorEntry } from '../../central';
import { stderrErrorLog } from '../../central/http/internalErrors';
import { Harness, type TestSession } from './harness';
import { testBackend } from '../support/testDatabase';

/** what the log says of a failing query: its class and code, as the driver names them (42P01: undefined table) */
const DATABASE_ERROR = testBackend() === 'postgres' ? { errorClass: 'DatabaseError', code: '42P01' } : { errorClass: 'SqliteError', code: 'SQLITE_ERROR' };

/**
 * An error the store did not expect is answered `500 internal`, and never silently: it is logged
 * (error class, code, route, request id; never the body, which may hold PII or a card number) and counted.
 */
describe('internal errors', () => {
  let h: Harness;
  let rep: TestSession;
  const logged: InternalErrorEntry[] = [];

  beforeAll(async () => {
    h = await Harness.start({ customers: 1, errorLog: (entry) => logged.push(entry) });
    rep = await h.session('care_rep');
  });
  afterAll(() => h.dispose());

  it('logs and counts a failure under a push, with nothing of the body, and serves again once the cause is gone', async () => {
    const { customer, secrets } = h.customer(0);
    const { verificationId } = (await h.verify(rep, customer.id, 'ssn_last4', secrets.ssnLast4)).json;
    const canary = 'canary.7f3a@example.com';
    const m = h.mutation(rep, 1, { entity: 'customer', id: customer.id }, { email: customer.email }, { email: canary }, { verificationId, reason: `caller ${customer.lastName} moved` });
    const before = h.store.metrics.internalErrors;

    // the database fails under the push: its bookkeeping table is gone
    await sql`alter table client_mutations rename to client_mutations_away`.execute(h.store.db);
    const res = await h.push(rep, [m]);
    await sql`alter table client_mutations_away rename to client_mutations`.execute(h.store.db);

    expect(res.status).toBe(500);
    expect(res.json.error).toMatchObject({ code: 'internal' });
    expect(h.store.metrics.internalErrors).toBe(before + 1);
    expect(logged).toEqual([{ at: expect.any(String), ...DATABASE_ERROR, method: 'POST', route: '/v1/sync/push', requestId: expect.any(String) }]);
    // the answer names the request id, so a rep's report finds the log line
    expect(res.json.error.message).toContain(logged[0]!.requestId);
    const line = JSON.stringify(logged);
    for (const secret of [canary, customer.email, customer.lastName, customer.id, verificationId, m.id, rep.token]) expect(line).not.toContain(secret);

    const again = await h.push(rep, [m]);
    expect(again.status).toBe(200);
    expect(again.json.results[0].status).toBe('applied');
    expect(h.store.metrics.internalErrors).toBe(before + 1);
    expect(logged).toHaveLength(1);
  });

  it('logs and counts a failure in the middle of a pull stream, after its 200 went out', async () => {
    const before = h.store.metrics.internalErrors;
    logged.length = 0;
    // the pull's audit row is written after `begin` and the pages have gone out, before `end`
    await sql`alter table audit_log rename to audit_log_away`.execute(h.store.db);
    const ended = await h.pull(rep).then(
      (reply) => reply.lines.some((l) => l.t === 'end'),
      () => false,
    );
    await sql`alter table audit_log_away rename to audit_log`.execute(h.store.db);

    expect(ended).toBe(false);
    expect(h.store.metrics.internalErrors).toBe(before + 1);
    expect(logged).toEqual([expect.objectContaining({ errorClass: DATABASE_ERROR.errorClass, method: 'GET', route: '/v1/sync/pull' })]);
    expect((await h.pull(rep)).lines.at(-1)).toMatchObject({ t: 'end' });
  });

  it('logs to stderr by default, one JSON line, so that `serve` without a request log still shows it', () => {
    const entry: InternalErrorEntry = { at: '2026-12-02T00:00:00.000Z', errorClass: 'RangeError', code: null, method: 'POST', route: '/v1/sync/push', requestId: 'r-1' };
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      stderrErrorLog(entry);
      expect(write).toHaveBeenCalledTimes(1);
      const line = String(write.mock.calls[0]![0]);
      expect(line.endsWith('\n')).toBe(true);
      expect(JSON.parse(line)).toEqual({ level: 'error', msg: 'internal error', ...entry });
    } finally {
      write.mockRestore();
    }
  });

  it('counts nothing for an error the store meant to give', async () => {
    const before = h.store.metrics.internalErrors;
    expect((await h.call(rep.device.agent, 'GET', '/v1/nothing-here', { token: rep.token })).status).toBe(404);
    expect((await h.call(rep.device.agent, 'POST', '/v1/sync/push', { token: rep.token, rawBody: '{' })).status).toBe(400);
    expect(h.store.metrics.internalErrors).toBe(before);
  });
});
