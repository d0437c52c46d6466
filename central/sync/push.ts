import { createHash } from 'node:crypto';
import { BILLING_ENTITIES, CareDeskError, HELD_EDIT_DECLINED, canonicalJson, mutationAuditAction, type Mutation, type MutationResult, type PushRequest, type PushResponse, type SearchEvent, type ViewEvent } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { changeHead } from '../storage/changeLog';
import { checkpoint, inTransaction, takeWriteOrder, type Tx } from '../storage/database';
import { readRecord } from '../storage/recordStore';
import { confirmPurges } from '../erasure/confirmations';
import { appendToLedger, type LedgerEntry } from '../erasure/ledger';
import { applyMutation } from './applyMutation';
import { expireIfDue } from '../review/unverifiedHolds';
import { rejected } from './mutationOutcome';
import { boundClient, clientLastSeq, useClientSeq } from './clients';
import { refuseStalePush } from './generation';
import { chainedReads, checkViewChain } from './viewChains';

/**
 * A push (DESIGN §5): the client's mutations in their sequence order, each once, each in its own
 * transaction with its audit row. A mutation is applied once per mutation id, whatever sequence
 * number carries it: a resend gets its stored result back and applies nothing, and an id that comes
 * back with other content is refused (`mutation_id_reused`). (client id, seq) orders a client's
 * mutations: a gap in the sequence stops the batch unrecorded, so the client resends from the gap;
 * a number already used by another mutation is refused (`sequence_reused`). Rejections are final and
 * recorded like any other outcome.
 */
export async function push(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed' | 'erasureLedgerFile' | 'generation'>, session: SessionContext, body: PushRequest): Promise<PushResponse> {
  // a desk that synced before a restore numbers its mutations past what the restore lost: it starts over first
  refuseStalePush(ctx, body);
  await boundClient(ctx.db, session, body.clientId);
  if (body.mutations.some((m) => m.clientId !== body.clientId)) {
    throw new CareDeskError('forbidden', 'every mutation must come from the client that pushes it');
  }
  const results: MutationResult[] = [];
  let changed = false;
  const erasures: LedgerEntry[] = [];
  const ordered = [...body.mutations].sort((a, b) => a.seq - b.seq);
  for (const [index, m] of ordered.entries()) {
    // the write lock covers the writes only: the checks and the merge run on the rows it locks (pushOne)
    const outcome = await inTransaction(ctx.db, (tx) => pushOne(tx, ctx.clock(), session, m), { writeOrder: 'late' });
    if (outcome === 'gap') {
      for (const later of ordered.slice(index)) results.push(rejected(later, 'sequence_gap', 'an earlier mutation of this client is missing: send from the gap'));
      break;
    }
    results.push(outcome.result);
    changed ||= outcome.wrote;
    if (outcome.erasure) erasures.push(outcome.erasure);
  }
  if (erasures.length) {
    // committed: the ledger gets its lines (a restore re-applies them), and the old pages must not wait in the WAL
    appendToLedger(ctx.erasureLedgerFile, erasures);
    await checkpoint(ctx.db);
  }
  if (body.searches?.length) await inTransaction(ctx.db, (tx) => recordSearches(tx, ctx.clock(), session, body.searches!));
  if (body.views.length) await inTransaction(ctx.db, (tx) => recordViews(tx, ctx.clock(), session, body.views));
  // the desk's chain of offline reads held to what it reported before (issue 16): a fault is an audit row, never a refusal
  const reads = chainedReads(body.views, body.searches ?? []);
  const unchained = body.views.length + (body.searches?.length ?? 0) - reads.length;
  if (reads.length || body.viewHead || unchained) await inTransaction(ctx.db, (tx) => checkViewChain(tx, ctx.clock(), session, body.clientId, reads, body.viewHead, unchained));
  if (body.purged?.length) await inTransaction(ctx.db, (tx) => confirmPurges(tx, session, body.clientId, body.purged!, ctx.clock()));
  const head = await changeHead(ctx.db);
  if (changed) ctx.feed.publish({ kind: 'advanced', head });
  return { results, head };
}

/** What a mutation says, apart from the sequence number that carries it: a resend has the same, a reused id another. */
function contentHash(m: Mutation): string {
  const { seq: _carrier, ...content } = m;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/**
 * One mutation, in a transaction that takes the write order late (database.ts): the client's row and
 * then the record's are locked as they are read, so another push of the same client or to the same
 * record, on any node, waits for this one; the lock of the one order of writers comes with the first
 * number or audit row, or before anything that reads beyond those rows (a resend's stored outcome,
 * a create, a lifecycle step, a hold).
 */
async function pushOne(tx: Tx, now: Date, session: SessionContext, m: Mutation): Promise<'gap' | { result: MutationResult; wrote: boolean; erasure?: LedgerEntry }> {
  const lastSeq = await clientLastSeq(tx, m.clientId);
  if (m.seq > lastSeq + 1) return 'gap';
  const nextInLine = m.seq === lastSeq + 1;
  const hash = contentHash(m);

  // by id first: a desk (or an attacker replaying its traffic) may resend an applied mutation under a new number
  const seen = await tx.selectFrom('client_mutations').select(['client_id', 'content_hash', 'result']).where('mutation_id', '=', m.id).executeTakeFirst();
  if (seen) {
    await takeWriteOrder(tx);
    // rows from before content hashes (migration 005) are matched by client only
    const resend = seen.content_hash === null ? seen.client_id === m.clientId : seen.content_hash === hash;
    // the number that carried it is used up either way, or the client's next mutation would be a gap
    if (nextInLine) await useClientSeq(tx, m.clientId, m.seq);
    if (resend) {
      const stored = JSON.parse(seen.result) as MutationResult;
      // an unverified edit still held past its expiry becomes expired now, and its desk is told (issue 16)
      const expired = stored.held?.reason === 'caller.unverified' ? await expireIfDue(tx, m.id, now, (result) => answerHeldMutation(tx, result)) : null;
      return { result: expired ?? stored, wrote: expired !== null };
    }
    // the first outcome is not shown: the id may be another client's
    const result = rejected(m, 'mutation_id_reused', 'this mutation id already carried another change: a new change needs a new id');
    if (nextInLine) await auditOutcome(tx, now, session, m, result, null);
    return { result, wrote: false };
  }
  if (!nextInLine) return { result: rejected(m, 'sequence_reused', `sequence ${m.seq} of this client already carried another mutation`), wrote: false };

  // used up whatever the outcome (the row is locked: nothing else moves it before this commits)
  await useClientSeq(tx, m.clientId, m.seq);
  const { result, customerId, wrote, erasure } = await applyMutation(tx, session, m, now);
  await tx
    .insertInto('client_mutations')
    .values({ client_id: m.clientId, seq: m.seq, mutation_id: m.id, content_hash: hash, result: JSON.stringify(result), at: now.toISOString(), customer_id: customerId })
    .execute();
  await auditOutcome(tx, now, session, m, result, customerId);
  return { result, wrote, ...(erasure ? { erasure } : {}) };
}

async function auditOutcome(tx: Tx, now: Date, session: SessionContext, m: Mutation, result: MutationResult, customerId: string | null): Promise<void> {
  // a held edit's one audit row is written with its hold (review/heldMutations.ts)
  if (result.status === 'held') return;
  const { user } = session;
  await appendAudit(tx, now, {
    action: result.status === 'rejected' ? 'record.update_rejected' : mutationAuditAction(m.entity, m.op),
    outcome: result.status === 'rejected' ? 'denied' : result.status === 'conflict' ? 'conflict' : 'ok',
    userId: user.id,
    role: user.role,
    deviceId: session.deviceId,
    entity: m.entity,
    entityId: m.entityId,
    customerId,
    // field names only: the values (and the free-text reason, which may quote them) stay out of the log
    fields: Object.keys(m.changes),
    detail: result.rejection ? `mutation ${m.id}: ${result.rejection.code}` : `mutation ${m.id}`,
  });
}

/** Sensitive reads made on the workstation (a profile, a billing tab), one audit row each, once per view id. */
async function recordViews(tx: Tx, now: Date, session: SessionContext, views: readonly ViewEvent[]): Promise<void> {
  for (const view of views) {
    const seen = await tx.selectFrom('audit_log').select('seq').where('event_id', '=', view.id).executeTakeFirst();
    if (seen) continue;
    const record = await readRecord(tx, view.entity, view.entityId);
    await appendAudit(tx, now, {
      // a billing view is a read of billing data: PCI DSS 10.2.1.1 asks for each one
      action: BILLING_ENTITIES.includes(view.entity) ? 'billing.read' : 'record.view',
      outcome: 'ok',
      userId: session.user.id,
      role: session.user.role,
      deviceId: session.deviceId,
      entity: view.entity,
      entityId: view.entityId,
      customerId: record?.customerId ?? null,
      detail: `viewed at ${view.at}${view.searchId ? `; opened from search ${view.searchId}` : ''}`,
      eventId: view.id,
    });
  }
}

/** Searches made on the workstation, one audit row each, once per search id: the kinds and the count, never a query (the desk never sends one). */
async function recordSearches(tx: Tx, now: Date, session: SessionContext, searches: readonly SearchEvent[]): Promise<void> {
  for (const search of searches) {
    const seen = await tx.selectFrom('audit_log').select('seq').where('event_id', '=', search.id).executeTakeFirst();
    if (seen) continue;
    await appendAudit(tx, now, {
      action: 'customer.search',
      outcome: 'ok',
      userId: session.user.id,
      role: session.user.role,
      deviceId: session.deviceId,
      // the search's own id, which the views opened from it name
      entityId: search.id,
      detail: `${search.kinds.join(' or ')} search at ${search.at}: ${search.resultCount} ${search.resultCount === 1 ? 'result' : 'results'}`,
      eventId: search.id,
    });
  }
}

/**
 * A push answer as a desk speaking `version` reads it: before protocol 4 a conflict had no
 * `changeReason`, and such a desk's strict schema refuses an answer carrying one, so it goes.
 */
export function pushResponseFor(version: number, response: PushResponse): PushResponse {
  if (version >= 4) return response;
  return {
    ...response,
    results: response.results.map((r) => (r.conflicts.length ? { ...r, conflicts: r.conflicts.map(({ changeReason: _newer, ...c }) => c) } : r)),
  };
}

/**
 * A held mutation's stored answer becomes the supervisor's decision (review/heldEditDecision.ts, in
 * its transaction): the desk's resend of the held mutation, which every desk makes until it hears
 * an outcome other than held, is answered with it (protocol 6).
 */
export async function answerHeldMutation(tx: Tx, result: MutationResult): Promise<void> {
  await tx.updateTable('client_mutations').set({ result: JSON.stringify(result) }).where('mutation_id', '=', result.id).execute();
}

/** What a declined edit's stored answer says once its customer is erased: the supervisor's reason is free text that may name them. */
export const DECLINED_AFTER_ERASURE = "declined by a supervisor (the reason was erased with the customer's data)";

/**
 * An erased customer's values leave the stored results of their mutations (issue 11): the outcome
 * stays (a replay is still answered), the values a conflict showed, the reason of the change it met
 * and a supervisor's reason for declining a held edit (free text that may name the customer) do not.
 * An edit still held goes with the customer (review/heldMutations.ts): its answer becomes final.
 */
export async function forgetResultValues(tx: Tx, customerId: string): Promise<void> {
  const rows = await tx.selectFrom('client_mutations').select(['mutation_id', 'result']).where('customer_id', '=', customerId).execute();
  for (const row of rows) {
    const result = JSON.parse(row.result) as MutationResult;
    const stripped = withoutValues(result);
    if (stripped !== result) await tx.updateTable('client_mutations').set({ result: JSON.stringify(stripped) }).where('mutation_id', '=', row.mutation_id).execute();
  }
}

function withoutValues(result: MutationResult): MutationResult {
  if (result.status === 'held') {
    return { ...result, status: 'rejected', held: null, rejection: { code: 'erased', message: "the customer's data was erased before a supervisor decided this change", issues: [] } };
  }
  if (result.rejection?.code === HELD_EDIT_DECLINED) return { ...result, rejection: { ...result.rejection, message: DECLINED_AFTER_ERASURE } };
  if (!result.conflicts.length) return result;
  return { ...result, conflicts: result.conflicts.map((c) => ({ ...c, base: null, mine: null, theirs: null, ...(c.changeReason === undefined ? {} : { changeReason: null }) })) };
}
