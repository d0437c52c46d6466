import 'reflect-metadata';
import { randomUUID, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { generate } from 'otplib';
import { Agent, request } from 'undici';
import { startCentralStore, type CentralStore, type InternalErrorLog, type SeedSummary } from '../../central';
import { API, PROTOCOL, PullLine, ServerEvent, TOTP, type Mutation, type Role, type User } from '../../domain';
import { demoCustomer, type DemoCustomer } from '../../domain/demo/generator';
import { useTestDatabase } from '../support/testDatabase';

/**
 * A real central store over real TLS on loopback, with a real SQLite file in a temp dir (or a real
 * PostgreSQL database when the run is on PostgreSQL: test/support/testDatabase.ts), and the
 * pieces a test needs to talk to it the way a workstation does: enrolled devices, users, sessions.
 */
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const PASSWORD = 'correct horse battery staple';
export const DEMO = { seed: 424242, historyMonths: 2 } as const;

export interface TestClock {
  (): Date;
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let now = Date.now();
  const clock = (() => new Date(now)) as TestClock;
  clock.advance = (ms) => void (now += ms);
  return clock;
}

export interface TestDevice {
  id: string;
  certificatePem: string;
  keyPem: string;
  agent: Agent;
}

export interface TestSession {
  token: string;
  user: User;
  device: TestDevice;
  clientId: string;
}

export interface Reply {
  status: number;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read whatever the store answered
  headers: Record<string, string | string[] | undefined>;
}

export async function keysAndCsr(name: string): Promise<{ csrPem: string; keyPem: string }> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${name}`, keys, signingAlgorithm: algorithm });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { csrPem: csr.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

export class Harness {
  readonly agents: Agent[] = [];
  /** every response body this harness received, for the tests that look for what must never be sent */
  readonly responses: string[] = [];
  /** an agent that trusts the CA but shows no client certificate */
  readonly anonymous: Agent;
  private users = 0;

  private constructor(
    readonly store: CentralStore,
    readonly dataDir: string,
    readonly clock: TestClock,
    readonly seeded: SeedSummary,
  ) {
    this.anonymous = this.agent({});
  }

  /** `errorLog`: where the store writes its internal errors (default: stderr), for the tests that read them */
  /** `config`: the store's config.json (a mail relay, a retention), written before it starts */
  static async start(options: { customers?: number; errorLog?: InternalErrorLog; config?: Record<string, unknown> } = {}): Promise<Harness> {
    const dataDir = mkdtempSync(join(tmpdir(), 'caredesk-central-test-'));
    if (options.config) writeFileSync(join(dataDir, 'config.json'), JSON.stringify(options.config));
    await useTestDatabase(dataDir);
    const clock = testClock();
    const store = await startCentralStore({ dataDir, port: 0, clock, errorLog: options.errorLog });
    const seeded = await store.admin.seedDemo(options.customers ?? 5, DEMO);
    return new Harness(store, dataDir, clock, seeded);
  }

  agent(connect: { cert?: string; key?: string; ca?: string | null; maxVersion?: 'TLSv1.2' | 'TLSv1.3' }): Agent {
    const { ca = this.store.caPem, ...rest } = connect;
    const agent = new Agent({ connect: { ...(ca ? { ca } : {}), ...rest } });
    this.agents.push(agent);
    return agent;
  }

  /** The i-th seeded demo customer, regenerated with its verification answers. */
  customer(i: number): DemoCustomer {
    return demoCustomer(this.seeded.firstIndex + i, DEMO);
  }

  /** `listener`: the API (default), or the enrolment listener, the one that takes a handshake without a device certificate */
  /** `node`: the URL of another central node on the same database (default: this harness's store) */
  async call(agent: Agent, method: 'GET' | 'POST' | 'DELETE', path: string, options: { token?: string; body?: unknown; rawBody?: string; listener?: 'api' | 'enrolment'; headers?: Record<string, string>; node?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await request(new URL(path, options.listener === 'enrolment' ? this.store.enrolmentUrl : (options.node ?? this.store.url)), { method, headers, body, dispatcher: agent });
    const text = await res.body.text();
    this.responses.push(text);
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.statusCode, text, json, headers: res.headers };
  }

  async enrol(name = 'test desk', code?: string): Promise<TestDevice> {
    const { csrPem, keyPem } = await keysAndCsr(name);
    const res = await this.call(this.anonymous, 'POST', API.enrol, { body: { code: code ?? (await this.store.admin.createEnrolmentCode()), deviceName: name, csrPem }, listener: 'enrolment' });
    if (res.status !== 200) throw new Error(`enrolment failed: ${res.text}`);
    return { id: res.json.deviceId, certificatePem: res.json.certificatePem, keyPem, agent: this.agent({ cert: res.json.certificatePem, key: keyPem }) };
  }

  async addUser(role: Role, username = `${role.replace('_', '.')}.${++this.users}`): Promise<User> {
    return this.store.admin.addUser({ username, displayName: `Test ${username}`, role, password: PASSWORD });
  }

  async signIn(device: TestDevice, username: string, password = PASSWORD, headers?: Record<string, string>): Promise<Reply> {
    return this.call(device.agent, 'POST', API.session, { body: { username, password }, ...(headers ? { headers } : {}) });
  }

  /** each second-factor user's TOTP secret as enrolment showed it, and the last time step this harness used */
  readonly totpSecrets = new Map<string, { secret: string; lastStep: number }>();

  /**
   * The code an authenticator app shows `username` now (by the store's clock), never one this harness
   * used before: the next step's when this one's is spent (the store allows one step of drift), the
   * clock moved on a step when that is spent too.
   */
  async totp(username: string): Promise<string> {
    const known = this.totpSecrets.get(username);
    if (!known) throw new Error(`no second factor enrolled by the harness for ${username}`);
    let now = Math.floor(this.clock().getTime() / 1000 / TOTP.periodSeconds);
    if (known.lastStep > now) {
      this.clock.advance(TOTP.periodSeconds * 1000);
      now += 1;
    }
    const step = Math.max(now, known.lastStep + 1);
    known.lastStep = step;
    return generate({ secret: known.secret, epoch: step * TOTP.periodSeconds });
  }

  /**
   * The whole sign-in as a desk does it: the password, then (for a role with a second factor) a code,
   * enrolling the first time with the secret offered. The reply of the last step.
   */
  async signInFully(device: TestDevice, username: string, password = PASSWORD, headers?: Record<string, string>): Promise<Reply> {
    const first = await this.signIn(device, username, password, headers);
    const step = first.json?.secondFactor;
    if (first.status !== 200 || !step) return first;
    if (step.enrol) this.totpSecrets.set(username, { secret: step.enrol.secret, lastStep: 0 });
    return this.call(device.agent, 'POST', API.secondFactor, { body: { challenge: step.challenge, code: await this.totp(username) }, ...(headers ? { headers } : {}) });
  }

  /** A user of `role` signed in on a freshly enrolled device (or `device`), with a registered client id. */
  async session(role: Role, device?: TestDevice): Promise<TestSession> {
    const desk = device ?? (await this.enrol());
    const user = await this.addUser(role);
    const res = await this.signInFully(desk, user.username);
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.text}`);
    const clientId = randomUUID();
    const registered = await this.call(desk.agent, 'POST', API.clients, { token: res.json.token, body: { clientId } });
    if (registered.status !== 200) throw new Error(`client registration failed: ${registered.text}`);
    return { token: res.json.token, user, device: desk, clientId };
  }

  async pull(session: TestSession, cursor = 0, limit?: number): Promise<{ status: number; lines: PullLine[]; contentType: string | undefined }> {
    const query = `cursor=${cursor}${limit ? `&limit=${limit}` : ''}`;
    const res = await this.call(session.device.agent, 'GET', `${API.pull}?${query}`, { token: session.token });
    const lines = res.status === 200 ? res.text.trim().split('\n').map((l) => PullLine.parse(JSON.parse(l))) : [];
    return { status: res.status, lines, contentType: res.headers['content-type'] as string | undefined };
  }

  /** `protocol`: the sync protocol version the desk speaks (no header: a desk from before it, version 1) */
  async push(session: TestSession, mutations: Mutation[], options: { clientId?: string; views?: unknown[]; protocol?: number; node?: string } = {}): Promise<Reply> {
    const headers = options.protocol === undefined ? {} : { headers: { [PROTOCOL.header]: String(options.protocol) } };
    return this.call(session.device.agent, 'POST', API.push, { token: session.token, body: { clientId: options.clientId ?? session.clientId, mutations, views: options.views ?? [] }, ...headers, ...(options.node ? { node: options.node } : {}) });
  }

  /** `extra`: the rest of the body, e.g. the caller verification it rests on (`verificationId`) */
  async replaceCard(session: TestSession, paymentMethodId: string, card: Record<string, unknown>, replacementId: string = randomUUID(), extra: Record<string, unknown> = {}): Promise<Reply> {
    return this.call(session.device.agent, 'POST', API.replaceCard(paymentMethodId), { token: session.token, body: { replacementId, card, ...extra } });
  }

  /** as this build's desk sends it (its protocol version: the answer carries the approval state) */
  async adjust(session: TestSession, billingAccountId: string, body: Record<string, unknown>): Promise<Reply> {
    return this.call(session.device.agent, 'POST', API.adjustments(billingAccountId), { token: session.token, body: { id: randomUUID(), ...body }, headers: { [PROTOCOL.header]: String(PROTOCOL.version) } });
  }

  /** an online operation through the store's operations route (domain/operations.ts), as this build's desk sends it */
  async operation(session: TestSession, name: string, body: unknown): Promise<Reply> {
    return this.call(session.device.agent, 'POST', API.operation(name), { token: session.token, body, headers: { [PROTOCOL.header]: String(PROTOCOL.version) } });
  }

  async verify(session: TestSession, customerId: string, method: 'ssn_last4' | 'account_pin', answer: string): Promise<Reply> {
    return this.call(session.device.agent, 'POST', API.verify(customerId), { token: session.token, body: { method, answer } });
  }

  /** The i-th demo customer's caller verified by `session` with the right answer: the verification's id. */
  async verified(session: TestSession, i: number): Promise<string> {
    const { customer, secrets } = this.customer(i);
    const res = await this.verify(session, customer.id, 'ssn_last4', secrets.ssnLast4);
    if (res.status !== 200 || !res.json.verified) throw new Error(`verification failed: ${res.text}`);
    return res.json.verificationId as string;
  }

  async verificationAttempts(session: TestSession, customerId: string): Promise<Reply> {
    return this.call(session.device.agent, 'GET', API.verify(customerId), { token: session.token });
  }

  private readonly seqs = new Map<string, number>();

  /** The next sequence number of a session's client, as its outbox would number it. */
  nextSeq(session: TestSession): number {
    const n = this.lastSeq(session) + 1;
    this.seqs.set(session.clientId, n);
    return n;
  }

  lastSeq(session: TestSession): number {
    return this.seqs.get(session.clientId) ?? 0;
  }

  /** A refused push used none of the numbers taken for it. */
  giveBackSeq(session: TestSession, count = 1): void {
    this.seqs.set(session.clientId, this.lastSeq(session) - count);
  }

  /** A mutation as the workstation's outbox makes it, dated by the store's clock; each client numbers its own from 1. */
  mutation(
    session: TestSession,
    seq: number,
    target: { entity: Mutation['entity']; id: string },
    base: Record<string, unknown>,
    changes: Record<string, unknown>,
    extra: Partial<Pick<Mutation, 'verificationId' | 'createdAt' | 'reason' | 'clientId'>> = {},
  ): Mutation {
    return {
      id: randomUUID(),
      clientId: extra.clientId ?? session.clientId,
      seq,
      entity: target.entity,
      entityId: target.id,
      base,
      changes,
      reason: extra.reason ?? 'caller asked for a correction',
      verificationId: extra.verificationId ?? null,
      createdAt: extra.createdAt ?? this.clock().toISOString(),
    };
  }

  /** The stored record, as the store holds it (not projected). */
  async record(entity: string, id: string): Promise<{ seq: number; data: Record<string, unknown>; updated_by: string | null }> {
    const row = await this.store.db.selectFrom('records').select(['seq', 'data', 'updated_by']).where('entity', '=', entity).where('id', '=', id).executeTakeFirstOrThrow();
    return { seq: Number(row.seq), data: JSON.parse(row.data ?? 'null') as Record<string, unknown>, updated_by: row.updated_by };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.destroy()));
    await this.store.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Reads server-sent events from a live stream (of `node`, default the harness's store) until `until` says stop. */
export async function readEvents(h: Harness, session: TestSession, until: (events: ServerEvent[]) => boolean, onOpen: () => Promise<void>, node = h.store.url): Promise<ServerEvent[]> {
  const res = await request(new URL(API.events, node), { dispatcher: session.device.agent, headers: { authorization: `Bearer ${session.token}` } });
  if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/event-stream')) {
    throw new Error(`no event stream: ${res.statusCode} ${await res.body.text()}`);
  }
  const events: ServerEvent[] = [];
  let buffer = '';
  let opened = false;
  for await (const chunk of res.body) {
    buffer += chunk.toString();
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (data) events.push(ServerEvent.parse(JSON.parse(data.slice(6))));
    }
    if (!opened && events.length) {
      opened = true;
      await onOpen();
    }
    if (until(events)) break;
  }
  res.body.destroy();
  return events;
}
