import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    return h.call(h.anonymous, 'POST', API.enrol, { body: { code, deviceName: 'desk', csrPem: csr } });
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
