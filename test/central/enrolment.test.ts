import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENROLMENT_THROTTLE } from '../../central/identity/enrolmentThrottle';
import { API } from '../../domain';
import { Harness, keysAndCsr } from './harness';

describe('device enrolment', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.dispose());

  async function enrolWith(code: string, csrPem?: string) {
    const csr = csrPem ?? (await keysAndCsr('desk')).csrPem;
    return h.call(h.anonymous, 'POST', API.enrol, { body: { code, deviceName: 'desk', csrPem: csr }, listener: 'enrolment' });
  }

  it('issues a client certificate, signed by the organisation CA, naming the device', async () => {
    const code = await h.store.admin.createEnrolmentCode();
    const res = await enrolWith(code);
    expect(res.status).toBe(200);
    const cert = new x509.X509Certificate(res.json.certificatePem);
    expect(cert.subject).toBe(`CN=${res.json.deviceId}`);
    expect(await cert.verify({ publicKey: new x509.X509Certificate(h.store.caPem).publicKey })).toBe(true);
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([x509.ExtendedKeyUsage.clientAuth]);
    expect(res.json.caPem).toBe(h.store.caPem);
    const device = await h.store.db.selectFrom('devices').selectAll().where('id', '=', res.json.deviceId).executeTakeFirstOrThrow();
    expect(device.certificate_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(device.revoked_at).toBeNull();
    const audit = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'device.enrolled').where('device_id', '=', res.json.deviceId).execute();
    expect(audit).toEqual([expect.objectContaining({ outcome: 'ok', entity: 'device', entity_id: res.json.deviceId, detail: 'desk (from 127.0.0.1)' })]);
  });

  it('refuses an unknown code', async () => {
    const res = await enrolWith('ABCD-EFGH-JKMN-PQRS');
    expect(res.status).toBe(403);
    expect(res.json.error.issues[0]).toMatchObject({ field: 'code', rule: 'enrolment.code' });
  });

  it('refuses an expired code', async () => {
    const code = await h.store.admin.createEnrolmentCode({ hours: 1 });
    h.clock.advance(61 * 60_000);
    expect((await enrolWith(code)).status).toBe(403);
  });

  it('refuses a used-up code', async () => {
    const code = await h.store.admin.createEnrolmentCode({ uses: 2 });
    expect((await enrolWith(code)).status).toBe(200);
    expect((await enrolWith(code)).status).toBe(200);
    expect((await enrolWith(code)).status).toBe(403);
  });

  it('refuses a certificate request whose signature does not verify, without using up the code', async () => {
    const code = await h.store.admin.createEnrolmentCode();
    const { csrPem } = await keysAndCsr('desk');
    const der = Buffer.from(x509.PemConverter.decodeFirst(csrPem));
    der[der.length - 5]! ^= 0xff; // inside the signature
    const res = await enrolWith(code, x509.PemConverter.encode(der, 'CERTIFICATE REQUEST'));
    expect(res.status).toBe(400);
    expect(res.json.error.issues[0]).toMatchObject({ field: 'csrPem', rule: 'csr.signature' });
    expect((await enrolWith(code)).status).toBe(200);
  });

  it('stores enrolment codes only hashed', async () => {
    const code = await h.store.admin.createEnrolmentCode();
    const rows = await h.store.db.selectFrom('enrolment_codes').select('code_hash').execute();
    expect(rows.some((r) => r.code_hash.includes(code) || r.code_hash === code)).toBe(false);
  });
});

describe('device enrolment under a flood of wrong codes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ customers: 1 });
  });
  afterAll(() => h.dispose());

  const auditRows = async () => Number((await h.store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('refuses 100 wrong codes, rate-limits after the limit with a clear answer, audits two rows, and takes a right code after the window', async () => {
    const { csrPem } = await keysAndCsr('desk');
    const rowsBefore = await auditRows();
    const statuses: number[] = [];
    let last: { error: { code: string; message: string } } | null = null;
    for (let i = 0; i < 100; i++) {
      const res = await h.call(h.anonymous, 'POST', API.enrol, { body: { code: `GUES-SNUM-${String(i).padStart(4, '0')}-ABCD`, deviceName: 'desk', csrPem }, listener: 'enrolment' });
      statuses.push(res.status);
      last = res.json;
    }
    expect(statuses.filter((s) => s === 403)).toHaveLength(ENROLMENT_THROTTLE.perSource);
    expect(statuses.slice(ENROLMENT_THROTTLE.perSource).every((s) => s === 429)).toBe(true);
    expect(last!.error).toEqual({ code: 'rate_limited', message: expect.stringContaining('try again in up to 15 minutes') });
    expect((await auditRows()) - rowsBefore).toBe(2);
    expect(await h.store.db.selectFrom('devices').selectAll().execute()).toEqual([]);

    const code = await h.store.admin.createEnrolmentCode();
    expect((await h.call(h.anonymous, 'POST', API.enrol, { body: { code, deviceName: 'desk', csrPem }, listener: 'enrolment' })).status).toBe(429);
    h.clock.advance(ENROLMENT_THROTTLE.windowMs + 1000);
    const enrolled = await h.call(h.anonymous, 'POST', API.enrol, { body: { code, deviceName: 'desk', csrPem }, listener: 'enrolment' });
    expect(enrolled.status).toBe(200);
    const row = await h.store.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ action: 'device.enrolled', outcome: 'ok', device_id: enrolled.json.deviceId });
  });
});
