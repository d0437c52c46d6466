import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentralStore } from '../../central';
import { changeHead, readMeta } from '../../central/storage/changeLog';
import { API, PROTOCOL, PullLine, StoreGeneration, issuesFromZod } from '../../domain';
import { Harness, type TestSession } from './harness';
import { backupDatabase, restoreBackup } from '../support/databaseBackup';
import { useTestDatabase } from '../support/testDatabase';

/**
 * The store's generation (protocol 3): a random id made with the database and replaced by every
 * restore, named in a pull's `begin` line to desks that speak protocol 3. A desk whose cursor belongs
 * to another generation — or runs past the head — is answered `resync_required` before anything is
 * streamed or applied, with an audit row for the pull. A desk of protocol 1 or 2 is served as before.
 */
describe('the store generation', () => {
  let h: Harness;
  let rep: TestSession;
  const OTHER = 'a0b1c2d3-0000-4000-8000-00000000000e';
  beforeAll(async () => {
    h = await Harness.start({ customers: 2 });
    rep = await h.session('care_rep');
  });
  afterAll(() => h.dispose().catch(() => undefined));

  const v = (version: number) => ({ headers: { [PROTOCOL.header]: String(version) } });
  const pull = (query: string, version: number = PROTOCOL.version) => h.call(rep.device.agent, 'GET', `${API.pull}?${query}`, { token: rep.token, ...v(version) });
  const lines = (text: string) => text.trim().split('\n').map((l) => PullLine.parse(JSON.parse(l)));
  const generation = async () => (await readMeta(h.store.db, 'store_generation'))!;

  it('is made with the database and named in the begin line to a desk of protocol 3 only', async () => {
    const current = await generation();
    expect(StoreGeneration.safeParse(current).success).toBe(true);
    const begin = lines((await pull('cursor=0')).text)[0]!;
    expect(begin).toMatchObject({ t: 'begin', generation: current });
    // an older desk parses `begin` strictly: a field it does not know would refuse the whole pull
    for (const version of [1, 2]) expect(lines((await pull('cursor=0', version)).text)[0]).not.toHaveProperty('generation');
    expect(lines((await pull(`cursor=0&generation=${current}`)).text).at(-1)).toMatchObject({ t: 'end', more: false });
  });

  it('refuses a malformed generation in a pull or a push, naming the field and the rule', async () => {
    for (const bad of ['not-a-generation', OTHER.toUpperCase(), `${OTHER}x`]) {
      const res = await pull(`cursor=0&generation=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(res.json.error.issues).toEqual([expect.objectContaining({ field: 'generation', rule: 'generation.format' })]);
    }
    const push = await h.call(rep.device.agent, 'POST', API.push, { token: rep.token, ...v(PROTOCOL.version), body: { clientId: rep.clientId, mutations: [], views: [], generation: 'x' } });
    expect(push.status).toBe(400);
    expect(push.json.error.issues).toEqual([expect.objectContaining({ field: 'generation', rule: 'generation.format' })]);
    // the same rule where the schema is used on its own
    expect(issuesFromZod(StoreGeneration.safeParse('x').error!)).toEqual([expect.objectContaining({ rule: 'generation.format' })]);
  });

  it('answers a pull of another generation, or past the head, resync_required before streaming, and audits it', async () => {
    const head = await changeHead(h.store.db);
    const before = Number((await h.store.db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow()).seq);
    const other = await pull(`cursor=${head}&generation=${OTHER}`);
    expect(other.status).toBe(409);
    expect(other.json.error).toMatchObject({ code: 'resync_required', message: expect.stringContaining('restored from a backup') });
    const ahead = await pull(`cursor=${head + 50}`);
    expect([ahead.status, ahead.json.error.code]).toEqual([409, 'resync_required']);
    const audit = await h.store.db.selectFrom('audit_log').select(['action', 'outcome', 'user_id', 'device_id', 'detail']).where('seq', '>', before).orderBy('seq').execute();
    expect(audit).toEqual([
      { action: 'sync.pull', outcome: 'conflict', user_id: rep.user.id, device_id: rep.device.id, detail: expect.stringMatching(new RegExp(`^resync required: cursor ${head} of generation ${OTHER}; the store is at generation ${await generation()}, head ${head}`)) },
      { action: 'sync.pull', outcome: 'conflict', user_id: rep.user.id, device_id: rep.device.id, detail: expect.stringContaining(`cursor ${head + 50} of no generation`) },
    ]);
  });

  it('serves a desk of protocol 2 as before, even past the head', async () => {
    const head = await changeHead(h.store.db);
    const res = await pull(`cursor=${head + 50}`, 2);
    expect(res.status).toBe(200);
    expect(lines(res.text).at(-1)).toEqual({ t: 'end', cursor: head + 50, head, more: false });
  });

  it('refuses a push of another generation whole, applying nothing; the store’s own generation is served', async () => {
    const { customer, secrets } = h.customer(0);
    const verificationId = (await h.verify(rep, customer.id, 'account_pin', secrets.accountPin)).json.verificationId as string;
    const edit = h.mutation(rep, 1, { entity: 'customer', id: customer.id }, { email: customer.email }, { email: 'generation.test@example.org' }, { verificationId });
    const send = (gen: string) => h.call(rep.device.agent, 'POST', API.push, { token: rep.token, ...v(PROTOCOL.version), body: { clientId: rep.clientId, mutations: [edit], views: [], generation: gen } });
    const refused = await send(OTHER);
    expect([refused.status, refused.json.error.code]).toEqual([409, 'resync_required']);
    expect(await h.store.db.selectFrom('client_mutations').select('mutation_id').where('mutation_id', '=', edit.id).execute()).toEqual([]);
    expect((await h.record('customer', customer.id)).data.email).toBe(customer.email);
    const applied = await send(await generation());
    expect(applied.status, applied.text).toBe(200);
    expect(applied.json.results[0].status).toBe('applied');
  });
});

describe('a restore', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'caredesk-generation-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('gives the store a new generation, which the restarted store names', async () => {
    const dataDir = join(scratch, 'central');
    await useTestDatabase(dataDir);
    let store = await startCentralStore({ dataDir, port: 0 });
    const before = (await readMeta(store.db, 'store_generation'))!;
    const backup = join(scratch, 'backup');
    await backupDatabase(store, backup);
    await store.close();
    await restoreBackup(dataDir, backup);
    store = await startCentralStore({ dataDir, port: 0 });
    try {
      const after = (await readMeta(store.db, 'store_generation'))!;
      expect(StoreGeneration.safeParse(after).success).toBe(true);
      expect(after).not.toBe(before);
    } finally {
      await store.close();
    }
  });
});
