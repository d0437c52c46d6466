import { Agent, request, type Dispatcher } from 'undici';
import { createParser } from 'eventsource-parser';
import type { z } from 'zod';
import { CareDeskError, fromErrorBody, issuesFromZod, type ErrorBody } from '../../../domain/errors';
import {
  API,
  PROTOCOL,
  AdjustmentResponse,
  EnrolResponse,
  ErasureCertificate,
  HistoryResponse,
  PullLine,
  PushResponse,
  RegisterClientResponse,
  ReplaceCardResponse,
  ServerEvent,
  SessionInfo,
  liveStreamSilenceMs,
  VerificationAttempts,
  VerifyResponse,
  type AdjustmentRequest,
  type EnrolRequest,
  type PushRequest,
  type ReplaceCardRequest,
  type SignInRequest,
  type VerifyRequest,
} from '../../../domain/sync/protocol';
import type { EntityName } from '../../../domain/entities';
import { SecondFactorSignIn, SignInAnswer, type SecondFactorRequest } from '../../../domain/secondFactor';
import { PENDING_HEADER } from '../../../domain/admin';
import { VIEW_HEAD_HEADER, viewHeadHeader, type ViewHeadReport } from '../../../domain/sync/viewChain';
import { OPERATIONS, type OperationInput, type OperationOutput, type RoutedOperationName } from '../../../domain/operations';
import { ndjsonLines } from './ndjson';
import { readSnapshot, type SnapshotHandlers } from './snapshotStream';

export interface ClientIdentity {
  certificatePem: string;
  keyPem: string;
}

/**
 * How long the client waits on the network before it calls the central store unreachable. Each
 * bounds a stalled connection: without one, a sync would hang while the console says online.
 */
export interface ClientTimeouts {
  /** TCP and TLS handshake */
  connectMs: number;
  /** from a request sent to its response's headers */
  headersMs: number;
  /** silence inside a response body */
  bodyMs: number;
  /** silence inside a pull stream (a page query runs between chunks) */
  pullBodyMs: number;
  /** silence on the live-update stream: a few missed heartbeats (LIVE_STREAM) */
  liveSilenceMs: number;
}

export const DEFAULT_TIMEOUTS: ClientTimeouts = {
  connectMs: 5_000,
  headersMs: 15_000,
  bodyMs: 30_000,
  pullBodyMs: 60_000,
  liveSilenceMs: liveStreamSilenceMs(),
};

/**
 * What a pull or a snapshot request tells of the desk: the outbox's size, for the admin's view of this
 * desk (PENDING_HEADER: never more than a count), and the signed head of its chain of offline reads
 * (VIEW_HEAD_HEADER, protocol 9).
 */
function deskHeaders(pending: number | undefined, viewHead: ViewHeadReport | undefined): Record<string, string> {
  return { ...(pending === undefined ? {} : { [PENDING_HEADER]: String(pending) }), ...(viewHead ? { [VIEW_HEAD_HEADER]: viewHeadHeader(viewHead) } : {}) };
}

/**
 * The central store was not reached: the request could not have been delivered (no connection, or
 * no TLS session to carry it). A push that fails so changed nothing at the store, for certain.
 */
export class NotSentError extends CareDeskError {
  constructor(message: string) {
    super('offline', message);
    this.name = 'NotSentError';
  }
}
const NOT_CONNECTED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** Network-level failures that mean "the central store is not reachable now": work on offline. */
const OFFLINE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED', 'UND_ERR_ABORTED', 'ABORT_ERR']);

function transportError(err: unknown): CareDeskError {
  if (err instanceof CareDeskError) return err;
  const e = err as { code?: string; cause?: { code?: string }; message?: string };
  const code = e.code ?? e.cause?.code ?? '';
  const said = `${e.message ?? ''} ${(e.cause as { message?: string } | undefined)?.message ?? ''}`;
  if (NOT_CONNECTED_CODES.has(code) || /before secure TLS connection was established/.test(said)) {
    return new NotSentError('The central store cannot be reached; working offline.');
  }
  if (OFFLINE_CODES.has(code) || e.message?.includes('other side closed')) {
    return new CareDeskError('offline', 'The central store cannot be reached; working offline.');
  }
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(code + (e.message ?? ''))) {
    return new CareDeskError('untrusted_server', `The central store's identity could not be verified (${code || e.message}). Nothing was sent.`);
  }
  return new CareDeskError('offline', `The central store cannot be reached (${code || e.message || 'unknown error'}).`);
}

/**
 * The workstation's only way to the central store: HTTPS, TLS 1.3 only, the organisation CA pinned
 * (no system roots), and the device certificate offered (DESIGN §1). Every response body is parsed
 * with the protocol's schema; a malformed message is refused whole.
 */
export class CentralClient {
  private readonly dispatcher: Agent;
  private readonly timeouts: ClientTimeouts;

  constructor(
    readonly serverUrl: string,
    caPem: string,
    identity: ClientIdentity | null,
    timeouts: Partial<ClientTimeouts> = {},
  ) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...timeouts };
    this.dispatcher = new Agent({
      connect: {
        ca: [caPem],
        ...(identity ? { cert: identity.certificatePem, key: identity.keyPem } : {}),
        minVersion: 'TLSv1.3',
        rejectUnauthorized: true,
      },
      connectTimeout: this.timeouts.connectMs,
      keepAliveTimeout: 30_000,
    });
  }

  async close(): Promise<void> {
    await this.dispatcher.destroy().catch(() => undefined);
  }

  health(): Promise<unknown> {
    return this.call('GET', API.health, null, null, null);
  }

  enrol(body: EnrolRequest) {
    return this.call('POST', API.enrol, null, body, EnrolResponse);
  }

  /** `signal` bounds the wait, e.g. at unlock, which goes on offline rather than hang; a role with a second factor is answered a challenge */
  signIn(body: SignInRequest, signal?: AbortSignal) {
    return this.call('POST', API.session, null, body, SignInAnswer, signal);
  }

  /** The second step of a sign-in (issue 14): the challenge and a code, or a recovery code. */
  secondFactor(body: SecondFactorRequest, signal?: AbortSignal) {
    return this.call('POST', API.secondFactor, null, body, SecondFactorSignIn, signal);
  }

  /** Whether the session is still good (its user active, its device enrolled), with the policy now in force. */
  session(token: string, signal?: AbortSignal) {
    return this.call('GET', API.session, token, null, SessionInfo, signal);
  }

  async signOut(token: string): Promise<void> {
    await this.call('DELETE', API.session, token, null, null);
  }

  registerClient(token: string, clientId: string) {
    return this.call('POST', API.clients, token, { clientId }, RegisterClientResponse);
  }

  push(token: string, body: PushRequest, signal?: AbortSignal) {
    return this.call('POST', API.push, token, body, PushResponse, signal);
  }

  verify(token: string, customerId: string, body: VerifyRequest) {
    return this.call('POST', API.verify(customerId), token, body, VerifyResponse);
  }

  /** A customer's verification attempts left now (counted across all users) and, at 0, until when. */
  verificationAttempts(token: string, customerId: string) {
    return this.call('GET', API.verify(customerId), token, null, VerificationAttempts);
  }

  /**
   * Online only: the card goes in this request's body and nowhere else on the workstation; the
   * answer, parsed with a strict schema, is the masked form.
   */
  replaceCard(token: string, paymentMethodId: string, body: ReplaceCardRequest) {
    return this.call('POST', API.replaceCard(paymentMethodId), token, body, ReplaceCardResponse);
  }

  recordAdjustment(token: string, billingAccountId: string, body: AdjustmentRequest) {
    return this.call('POST', API.adjustments(billingAccountId), token, body, AdjustmentResponse);
  }

  history(token: string, entity: EntityName, id: string) {
    return this.call('GET', API.history(entity, id), token, null, HistoryResponse);
  }

  /** An online operation taken through the store's operations route: its declared input, its declared output. */
  operation<N extends RoutedOperationName>(token: string, name: N, input: OperationInput<N>): Promise<OperationOutput<N>> {
    const output: z.ZodType = OPERATIONS[name].output;
    return this.call('POST', API.operation(name), token, input, output) as Promise<OperationOutput<N>>;
  }

  erasureCertificate(token: string, requestId: string) {
    return this.call('GET', API.erasureCertificate(requestId), token, null, ErasureCertificate);
  }

  /**
   * Streams one pull response from `cursor`, of the store generation `generation` (null: none known
   * yet). `onBatch` receives validated lines in batches; a malformed line refuses its whole batch
   * (nothing of it is applied) and ends the pull with an error.
   */
  async pull(
    token: string,
    { cursor, generation, pending, viewHead }: { cursor: number; generation: string | null; pending?: number; viewHead?: ViewHeadReport },
    limit: number | undefined,
    onBatch: (lines: PullLine[]) => void | Promise<void>,
    batchSize = 5_000,
    signal?: AbortSignal,
  ): Promise<void> {
    const query = `cursor=${cursor}${limit ? `&limit=${limit}` : ''}${generation ? `&generation=${encodeURIComponent(generation)}` : ''}`;
    // the outbox's size rides along for the admin's view of this desk (PENDING_HEADER): never more than a count
    const res = await this.send('GET', `${API.pull}?${query}`, token, null, { bodyTimeout: this.timeouts.pullBodyMs, signal, headers: deskHeaders(pending, viewHead) });
    await this.assertOk(res);
    let batch: PullLine[] = [];
    let ended = false;
    try {
      for await (const text of ndjsonLines(res.body)) {
        const line = parseLine(text);
        if (line.t === 'end') ended = true;
        batch.push(line);
        if (batch.length >= batchSize) {
          await onBatch(batch);
          batch = [];
        }
      }
    } catch (err) {
      res.body.destroy();
      throw err instanceof CareDeskError ? err : transportError(err);
    }
    if (batch.length) await onBatch(batch);
    if (!ended) throw new CareDeskError('offline', 'The pull was cut short; it resumes from the last complete batch.');
  }

  /**
   * Streams one response of a first sync's snapshot (protocol 7): from the start, or resumed at the
   * head `at` after the page ending at `after`. Pages reach `handlers` whole and checked
   * (snapshotStream.ts); returns whether the snapshot is complete.
   */
  async snapshot(
    token: string,
    { at, after, generation, pending, viewHead, limit, page }: { at?: number; after?: string; generation: string | null; pending?: number; viewHead?: ViewHeadReport; limit?: number; page?: number },
    handlers: SnapshotHandlers,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const query = new URLSearchParams();
    if (at !== undefined) query.set('at', String(at));
    if (after !== undefined) query.set('after', after);
    if (limit) query.set('limit', String(limit));
    if (page) query.set('page', String(page));
    if (generation) query.set('generation', generation);
    const res = await this.send('GET', `${API.snapshot}?${query}`, token, null, { bodyTimeout: this.timeouts.pullBodyMs, signal, headers: deskHeaders(pending, viewHead) });
    await this.assertOk(res);
    try {
      return await readSnapshot(res.body, handlers);
    } catch (err) {
      res.body.destroy();
      throw err instanceof CareDeskError ? err : transportError(err);
    }
  }

  /** Server-sent events until `signal` aborts or the connection drops (then the promise rejects). */
  async events(token: string, onEvent: (event: ServerEvent) => void, signal: AbortSignal, onOpen: () => void = () => undefined): Promise<void> {
    const res = await this.send('GET', API.events, token, null, { bodyTimeout: this.timeouts.liveSilenceMs, signal, accept: 'text/event-stream' });
    await this.assertOk(res);
    onOpen();
    const parser = createParser({
      onEvent: (message) => {
        const parsed = ServerEvent.safeParse(safeJson(message.data));
        if (parsed.success) onEvent(parsed.data);
      },
    });
    try {
      for await (const chunk of res.body) parser.feed(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    } catch (err) {
      if (signal.aborted) return;
      if ((err as { code?: string }).code === 'UND_ERR_BODY_TIMEOUT') throw new CareDeskError('offline', 'The live-update stream went silent; reconnecting.');
      throw transportError(err);
    }
    if (!signal.aborted) throw new CareDeskError('offline', 'The live-update stream closed; reconnecting.');
  }

  private async call<S extends z.ZodType>(
    method: Dispatcher.HttpMethod,
    path: string,
    token: string | null,
    body: unknown,
    schema: S | null,
    signal?: AbortSignal,
  ): Promise<z.output<S>> {
    const res = await this.send(method, path, token, body, signal ? { signal } : {});
    await this.assertOk(res);
    const text = await res.body.text().catch((err: unknown) => {
      throw transportError(err);
    });
    if (!schema) return undefined as z.output<S>;
    const parsed = schema.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new CareDeskError('internal', `The central store sent a malformed ${path} response; it was refused.`, issuesFromZod(parsed.error));
    }
    return parsed.data;
  }

  private async send(
    method: Dispatcher.HttpMethod,
    path: string,
    token: string | null,
    body: unknown,
    options: { bodyTimeout?: number; signal?: AbortSignal; accept?: string; headers?: Record<string, string> },
  ): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = { ...options.headers, accept: options.accept ?? 'application/json', [PROTOCOL.header]: String(PROTOCOL.version) };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== null) headers['content-type'] = 'application/json';
    try {
      return await request(new URL(path, this.serverUrl), {
        method,
        headers,
        body: body === null ? null : JSON.stringify(body),
        dispatcher: this.dispatcher,
        headersTimeout: this.timeouts.headersMs,
        bodyTimeout: options.bodyTimeout ?? this.timeouts.bodyMs,
        signal: options.signal,
      });
    } catch (err) {
      throw transportError(err);
    }
  }

  private async assertOk(res: Dispatcher.ResponseData): Promise<void> {
    if (res.statusCode >= 200 && res.statusCode < 300) return;
    const text = await res.body.text().catch(() => '');
    const body = (safeJson(text) as { error?: ErrorBody } | null)?.error;
    if (body?.code && typeof body.message === 'string') throw fromErrorBody(body);
    throw new CareDeskError(res.statusCode === 401 ? 'unauthenticated' : 'internal', `The central store answered ${res.statusCode}.`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function parseLine(text: string): PullLine {
  const parsed = PullLine.safeParse(safeJson(text));
  if (!parsed.success) throw new CareDeskError('internal', 'The central store sent a malformed sync message; the batch was refused.', issuesFromZod(parsed.error));
  return parsed.data;
}
