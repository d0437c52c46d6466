import { randomUUID } from 'node:crypto';
import type { Mutation, ServerEvent } from '../domain';
import { createDeviceRequest } from '../electron/core/device/identity';
import { CentralClient } from '../electron/core/sync/centralClient';
import { LOAD_PASSWORD, type LoadCustomer, type LoadRig } from './loadRig';

/**
 * A lightweight workstation for the load bench: its own enrolled device certificate, its care rep's
 * session, a registered client id, an open live-update stream, and contact edits pushed through the
 * real push endpoint with the desk's own client (electron/core/sync/centralClient.ts: undici over
 * TLS 1.3 with the device certificate, every answer parsed with domain/sync/protocol.ts) — each
 * mutation numbered in its client's sequence, with the base value it was made from and the caller
 * verification it rests on, as the outbox makes them. No encrypted cache and no sync engine: those
 * would measure the desks, not the centre.
 */
export interface PushSample {
  /** the node it went to */
  node: number;
  sentAt: number;
  ackAt: number;
  /** the change log's head in its answer: at least its own mutations' numbers */
  head: number;
  mutations: number;
}

export class LoadDesk {
  client!: CentralClient;
  token = '';
  clientId = randomUUID();
  private seq = 0;
  private verifications = new Map<string, string>();
  private emails = new Map<string, string>();
  private edits = 0;
  private stream: AbortController | null = null;
  /** every poke this desk's stream brought: its head and when it arrived (performance.now()) */
  readonly pokes: { head: number; at: number }[] = [];
  readonly pushes: PushSample[] = [];
  readonly errors: string[] = [];
  applied = 0;

  constructor(
    readonly index: number,
    readonly node: number,
    private readonly rig: LoadRig,
    readonly username: string,
    readonly customers: LoadCustomer[],
  ) {
    for (const c of customers) this.emails.set(c.id, c.email);
  }

  /** Enrols a device with the shared enrolment code (as an IT admin's many-use code), signs in, registers its client id. */
  async prepare(): Promise<void> {
    const { url, enrolmentUrl } = this.rig.nodes[this.node]!;
    const name = `load desk ${this.index + 1}`;
    const { csrPem, keyPem } = await createDeviceRequest(name);
    const anonymous = new CentralClient(enrolmentUrl, this.rig.caPem, null);
    try {
      const enrolled = await anonymous.enrol({ code: this.rig.enrolmentCode, deviceName: name, csrPem });
      this.client = new CentralClient(url, this.rig.caPem, { certificatePem: enrolled.certificatePem, keyPem });
    } finally {
      await anonymous.close();
    }
    const answer = await this.client.signIn({ username: this.username, password: LOAD_PASSWORD });
    // a care rep signs in with the password alone (domain/secondFactor.ts)
    if (!('token' in answer)) throw new Error('the load desks must sign in as a role without a second factor');
    this.token = answer.token;
    this.seq = (await this.client.registerClient(this.token, this.clientId)).lastSeq;
    for (const c of this.customers) {
      const verified = await this.client.verify(this.token, c.id, { method: 'ssn_last4', answer: c.ssnLast4 });
      if (!verified.verificationId) throw new Error(`verification of ${c.id} failed`);
      this.verifications.set(c.id, verified.verificationId);
    }
  }

  /** Opens the live-update stream; resolves once the store answered it. */
  async openStream(): Promise<void> {
    const controller = new AbortController();
    this.stream = controller;
    await new Promise<void>((resolve, reject) => {
      const onEvent = (event: ServerEvent) => {
        if (event.type === 'poke') this.pokes.push({ head: event.head, at: performance.now() });
        else this.errors.push(`stream revoked: ${event.reason}`);
      };
      this.client.events(this.token, onEvent, controller.signal, resolve).catch((err: unknown) => {
        if (controller.signal.aborted) return;
        this.errors.push(`stream: ${(err as Error).message}`);
        reject(err as Error);
      });
    });
  }

  async closeStream(): Promise<void> {
    this.stream?.abort();
    await this.client?.close();
  }

  /** The next edit: a customer of this desk's own (no other desk touches it: no conflict by design), from the value it last saw. */
  private nextMutation(): Mutation {
    const customer = this.customers[this.edits % this.customers.length]!;
    this.edits += 1;
    const before = this.emails.get(customer.id)!;
    const after = `load.${this.index + 1}.${this.edits}@example.net`;
    this.emails.set(customer.id, after);
    return {
      id: randomUUID(),
      clientId: this.clientId,
      seq: ++this.seq,
      entity: 'customer',
      entityId: customer.id,
      base: { email: before },
      changes: { email: after },
      reason: 'caller gave a new email address',
      verificationId: this.verifications.get(customer.id)!,
      createdAt: new Date().toISOString(),
    };
  }

  /** Pushes batches of `batch` edits, each after the last one's answer, until `deadline` (performance.now()). */
  async pushUntil(deadline: number, batch: number): Promise<void> {
    while (performance.now() < deadline && this.errors.length === 0) {
      const mutations = Array.from({ length: batch }, () => this.nextMutation());
      const sentAt = performance.now();
      try {
        const answer = await this.client.push(this.token, { clientId: this.clientId, mutations, views: [] });
        const ackAt = performance.now();
        this.pushes.push({ node: this.node, sentAt, ackAt, head: answer.head, mutations: mutations.length });
        for (const r of answer.results) {
          if (r.status === 'applied') this.applied += 1;
          else this.errors.push(`mutation ${r.status}: ${r.rejection?.code ?? r.conflicts.map((c) => c.field).join(', ')}`);
        }
      } catch (err) {
        // not knowing whether it was applied, a real desk would resend the batch; here it is an error
        this.errors.push(`push: ${(err as Error).message}`);
      }
    }
  }
}

/** Runs `work` over `items`, `width` at a time. */
export async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** One desk per care rep of the rig, each with its own customers, alternating between the nodes. */
export function desksOf(rig: LoadRig): LoadDesk[] {
  const perDesk = rig.customers.length / rig.usernames.length;
  return rig.usernames.map((username, i) => new LoadDesk(i, i % rig.nodes.length, rig, username, rig.customers.slice(i * perDesk, (i + 1) * perDesk)));
}
