import { randomUUID } from 'node:crypto';
import { connect, type ConnectionOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API } from '../../domain';
import { createCertificateAuthority, loadCertificateAuthority, readCertificateRequest, signDeviceCertificate } from '../../central/pki/certificates';
import { Harness, keysAndCsr, type TestDevice } from './harness';

/** Opens a bare TLS connection and reports whether the handshake completed. */
function handshake(url: string, options: ConnectionOptions): Promise<{ ok: true; protocol: string | null } | { ok: false; error: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), servername: 'localhost', ...options });
    socket.once('secureConnect', () => {
      resolve({ ok: true, protocol: socket.getProtocol() });
      socket.destroy();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: err.code ?? err.message }));
  });
}

describe('TLS and device identity', () => {
  let h: Harness;
  let desk: TestDevice;

  beforeAll(async () => {
    h = await Harness.start();
    desk = await h.enrol('front desk 1');
  });
  afterAll(() => h.dispose());

  it('speaks TLS 1.3 to a client that trusts the organisation CA', async () => {
    expect(await handshake(h.store.url, { ca: h.store.caPem })).toEqual({ ok: true, protocol: 'TLSv1.3' });
  });

  it('refuses a client capped at TLS 1.2', async () => {
    const result = await handshake(h.store.url, { ca: h.store.caPem, maxVersion: 'TLSv1.2' });
    expect(result.ok).toBe(false);
    await expect(h.call(h.agent({ maxVersion: 'TLSv1.2' }), 'GET', API.health)).rejects.toThrow();
  });

  it('is not trusted by a client that does not pin the organisation CA', async () => {
    const result = await handshake(h.store.url, {});
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/CERT|SIGNATURE|ISSUER/) });
    await expect(h.call(h.agent({ ca: null }), 'GET', API.health)).rejects.toThrow();
  });

  it('answers health and enrolment without a device certificate', async () => {
    expect((await h.call(h.anonymous, 'GET', API.health)).status).toBe(200);
    const { csrPem } = await keysAndCsr('new desk');
    const enrol = await h.call(h.anonymous, 'POST', API.enrol, { body: { code: 'NOT-A-REAL-CODE', deviceName: 'new desk', csrPem } });
    expect(enrol.json.error.code).not.toBe('device_not_enrolled');
  });

  const guarded: [method: 'GET' | 'POST' | 'DELETE', path: string][] = [
    ['POST', API.session],
    ['DELETE', API.session],
    ['POST', API.clients],
    ['GET', `${API.pull}?cursor=0`],
    ['POST', API.push],
    ['GET', API.events],
    ['POST', API.verify(randomUUID())],
  ];

  it.each(guarded)('refuses %s %s to a client without a device certificate', async (method, path) => {
    const res = await h.call(h.anonymous, method, path, { body: method === 'POST' ? {} : undefined });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('device_not_enrolled');
  });

  it('refuses a device certificate issued by another CA', async () => {
    const rogue = await loadCertificateAuthority(await createCertificateAuthority('Rogue', new Date()));
    const { csrPem, keyPem } = await keysAndCsr('rogue desk');
    const cert = await signDeviceCertificate(rogue, await readCertificateRequest(csrPem), desk.id, new Date());
    const res = await h.call(h.agent({ cert, key: keyPem }), 'POST', API.session, { body: { username: 'anyone', password: 'whatever it is' } });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('device_not_enrolled');
  });

  it('refuses a revoked device, and ends its sessions', async () => {
    const lost = await h.enrol('lost laptop');
    const session = await h.session('care_rep', lost);
    expect((await h.pull(session)).status).toBe(200);

    await h.store.admin.revokeDevice(lost.id);
    const res = await h.call(lost.agent, 'GET', `${API.pull}?cursor=0`, { token: session.token });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('device_not_enrolled');
    const session2 = await h.store.db.selectFrom('sessions').select('revoked_at').where('device_id', '=', lost.id).execute();
    expect(session2.every((s) => s.revoked_at !== null)).toBe(true);
  });
});
