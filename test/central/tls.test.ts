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

/**
 * Sends one raw HTTP request over TLS and reports what came back. In TLS 1.3 the client finishes
 * its side of the handshake before the server has judged the client's certificate, so a refusal
 * shows as an alert where the answer would be: what the server sent is all that tells.
 */
function rawRequest(url: string, path: string, options: ConnectionOptions): Promise<{ answered: boolean; error: string | null; received: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), servername: 'localhost', ...options });
    let received = '';
    let error: string | null = null;
    socket.once('secureConnect', () => socket.write(`GET ${path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    socket.on('close', () => resolve({ answered: received.startsWith('HTTP/1.1 '), error, received }));
    socket.setTimeout(10_000, () => socket.destroy());
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

  const listeners = () => [h.store.url, h.store.enrolmentUrl];

  it('speaks TLS 1.3, on both listeners, to a client that trusts the organisation CA', async () => {
    const device = { ca: h.store.caPem, cert: desk.certificatePem, key: desk.keyPem };
    for (const url of listeners()) expect(await handshake(url, device)).toEqual({ ok: true, protocol: 'TLSv1.3' });
  });

  it('refuses a client capped at TLS 1.2 on both listeners', async () => {
    for (const url of listeners()) expect((await handshake(url, { ca: h.store.caPem, maxVersion: 'TLSv1.2' })).ok).toBe(false);
    await expect(h.call(h.agent({ maxVersion: 'TLSv1.2' }), 'GET', API.health, { listener: 'enrolment' })).rejects.toThrow();
  });

  it('is not trusted by a client that does not pin the organisation CA', async () => {
    for (const url of listeners()) expect(await handshake(url, {})).toEqual({ ok: false, error: expect.stringMatching(/CERT|SIGNATURE|ISSUER/) });
    await expect(h.call(h.agent({ ca: null }), 'GET', API.health, { listener: 'enrolment' })).rejects.toThrow();
  });

  it('the API listener ends a handshake without a device certificate: no request of it is read', async () => {
    const anonymous = await rawRequest(h.store.url, API.health, { ca: h.store.caPem });
    expect(anonymous).toMatchObject({ answered: false, error: expect.stringMatching(/CERTIFICATE_REQUIRED/) });
    const enrolled = await rawRequest(h.store.url, API.health, { ca: h.store.caPem, cert: desk.certificatePem, key: desk.keyPem });
    expect(enrolled).toMatchObject({ answered: true, error: null });
    expect(enrolled.received).toMatch(/^HTTP\/1\.1 200/);
  });

  it('the enrolment listener answers health and enrolment without a device certificate, and nothing else', async () => {
    expect((await h.call(h.anonymous, 'GET', API.health, { listener: 'enrolment' })).status).toBe(200);
    const { csrPem } = await keysAndCsr('new desk');
    const enrol = await h.call(h.anonymous, 'POST', API.enrol, { body: { code: 'NOT-A-REAL-CODE', deviceName: 'new desk', csrPem }, listener: 'enrolment' });
    expect(enrol.json.error.code).toMatch(/^(validation|forbidden)$/);
    // an enrolled device's requests get no further there than anyone's
    for (const [method, path] of guarded) {
      const res = await h.call(desk.agent, method, path, { body: method === 'POST' ? {} : undefined, listener: 'enrolment' });
      expect({ path, status: res.status, code: res.json.error.code }).toEqual({ path, status: 404, code: 'not_found' });
    }
  });

  it('serves enrolment only on the enrolment listener', async () => {
    const { csrPem } = await keysAndCsr('new desk');
    const res = await h.call(desk.agent, 'POST', API.enrol, { body: { code: 'NOT-A-REAL-CODE', deviceName: 'new desk', csrPem } });
    // the access check runs first (no bearer token), and there is no such route behind it either
    expect(res.json.error.code).toMatch(/^(unauthenticated|not_found)$/);
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

  it.each(guarded)('refuses %s %s to a client without a device certificate, at the handshake', async (method, path) => {
    await expect(h.call(h.anonymous, method, path, { body: method === 'POST' ? {} : undefined })).rejects.toThrow();
  });

  it('refuses a device certificate issued by another CA, at the handshake', async () => {
    const rogue = await loadCertificateAuthority(await createCertificateAuthority('Rogue', new Date()));
    const { csrPem, keyPem } = await keysAndCsr('rogue desk');
    const cert = await signDeviceCertificate(rogue, await readCertificateRequest(csrPem), desk.id, new Date());
    const raw = await rawRequest(h.store.url, API.health, { ca: h.store.caPem, cert, key: keyPem });
    expect(raw).toMatchObject({ answered: false, received: '' });
    await expect(h.call(h.agent({ cert, key: keyPem }), 'POST', API.session, { body: { username: 'anyone', password: 'whatever it is' } })).rejects.toThrow();
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
