import { createHash, verify, X509Certificate } from 'node:crypto';
import {
  MAX_VIEW_CHAIN_AHEAD,
  VIEW_HEAD_HEADER,
  ViewHeadReport,
  parseOrThrow,
  viewChainFaultDetail,
  viewHeadFromHeader,
  VIEW_CHAIN_GENESIS,
  viewChainPreimage,
  viewHeadMessage,
  type SearchEvent,
  type ViewChainHead,
  type ViewChainRule,
  type ViewEvent,
} from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { SessionContext } from '../identity/sessions';
import type { StoreContext } from '../context';
import { inTransaction, type Tx } from '../storage/database';
import { boundClient } from './clients';

/**
 * Holds each desk's chain of offline reads (issue 16, domain/sync/viewChain.ts) to what it reported
 * before: the one module that writes `view_chains`, `view_chain_links` and `view_chain_heads`. A fault is never a reason
 * to refuse a push (the reads it carries are audited all the same); it is an audit row the compliance
 * view shows, naming the rule and the numbers.
 */

/** At most this many faults are written one by one per contact; the rest are counted in one more row. */
const MAX_FAULT_ROWS = 10;

interface Fault {
  rule: ViewChainRule;
  message: string;
}

interface ChainedRead {
  seq: number;
  prev: string;
  hash: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The views and searches of a push that carry a link, each with the hash the store computes for it, in chain order. */
export function chainedReads(views: readonly ViewEvent[], searches: readonly SearchEvent[]): ChainedRead[] {
  const reads = [
    ...views.flatMap(({ chain, ...event }) => (chain ? [{ ...chain, hash: sha256(viewChainPreimage(chain, { kind: 'view', event })) }] : [])),
    ...searches.flatMap(({ chain, ...event }) => (chain ? [{ ...chain, hash: sha256(viewChainPreimage(chain, { kind: 'search', event })) }] : [])),
  ];
  return reads.sort((a, b) => a.seq - b.seq);
}

/** Whether the head is signed by the key of the device this session authenticated as (mutual TLS). */
async function signedByDevice(tx: Tx, session: SessionContext, clientId: string, head: ViewChainHead): Promise<boolean> {
  const device = await tx.selectFrom('devices').select('certificate_pem').where('id', '=', session.deviceId).executeTakeFirst();
  if (!device) return false;
  try {
    const key = new X509Certificate(device.certificate_pem).publicKey;
    return verify('sha256', Buffer.from(viewHeadMessage(session.deviceId, clientId, head)), key, Buffer.from(head.signature, 'base64'));
  } catch {
    // a signature that is not DER at all: not this device's
    return false;
  }
}

/**
 * The reads a desk sent and the head it reported (either may be absent), checked against what the
 * store holds of this client's chain, in the caller's transaction; faults become audit rows.
 */
export async function checkViewChain(
  tx: Tx,
  now: Date,
  session: SessionContext,
  clientId: string,
  reads: readonly ChainedRead[],
  head: ViewChainHead | undefined,
  /** reads of the same contact that carry no link (what a desk before protocol 9 sends) */
  unchained = 0,
): Promise<Fault[]> {
  if (!reads.length && !head && !unchained) return [];
  const at = now.toISOString();
  const row = await tx.selectFrom('view_chains').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  // a desk that has a chain does not go back to sending reads outside it (posing as an older CareDesk)
  if (unchained && row) {
    await recordFault(tx, now, session, clientId, 'view_chain.unchained', `${unchained} ${unchained === 1 ? 'read came' : 'reads came'} without a place in the chain this desk keeps`);
  }
  if (!reads.length && !head) return [];
  const reported = row?.reported_seq != null ? { seq: Number(row.reported_seq), hash: row.reported_hash!, at: row.reported_at! } : null;
  let received = { seq: row ? Number(row.received_seq) : 0, hash: row?.received_hash ?? VIEW_CHAIN_GENESIS };
  const faults: Fault[] = [];
  const linkAt = async (seq: number) =>
    seq === 0 ? VIEW_CHAIN_GENESIS : ((await tx.selectFrom('view_chain_links').select('hash').where('client_id', '=', clientId).where('seq', '=', seq).executeTakeFirst())?.hash ?? null);
  // every head reported is kept: the entry under its number is held to it, whatever newer head came meanwhile
  const headAt = (seq: number) => tx.selectFrom('view_chain_heads').select(['hash', 'reported_at']).where('client_id', '=', clientId).where('seq', '=', seq).executeTakeFirst();

  for (const read of reads) {
    if (read.seq <= received.seq) {
      // sent again (an answer lost on the way): it must be the entry received under that number
      const stored = await linkAt(read.seq);
      if (stored === null) await tx.insertInto('view_chain_links').values({ client_id: clientId, seq: read.seq, hash: read.hash, received_at: at }).execute();
      else if (stored !== read.hash) faults.push({ rule: 'view_chain.altered', message: `entry ${read.seq} differs from the entry received under that number` });
      continue;
    }
    if (read.seq > received.seq + 1) {
      const first = received.seq + 1;
      const last = read.seq - 1;
      const covered = reported && reported.seq >= first ? ` (covered by the head the desk reported at ${reported.at})` : '';
      faults.push({ rule: 'view_chain.gap', message: `${first === last ? `entry ${first} is` : `entries ${first} to ${last} are`} missing${covered}` });
    } else if (read.prev !== received.hash) {
      faults.push({ rule: 'view_chain.fork', message: `entry ${read.seq} does not follow entry ${received.seq} as received: the chain was rebuilt from there` });
    }
    const signed = reported && read.seq <= reported.seq ? await headAt(read.seq) : undefined;
    if (signed && read.hash !== signed.hash) {
      faults.push({ rule: 'view_chain.altered', message: `entry ${read.seq} is not the one the head reported at ${signed.reported_at} signs` });
    }
    await tx.insertInto('view_chain_links').values({ client_id: clientId, seq: read.seq, hash: read.hash, received_at: at }).execute();
    received = { seq: read.seq, hash: read.hash };
  }

  let nextReported = reported;
  if (head) {
    const fault = await headFault(tx, session, clientId, head, reported, received, linkAt);
    if (fault) faults.push(fault);
    else if (!reported || head.seq > reported.seq) {
      nextReported = { seq: head.seq, hash: head.hash, at };
      await tx.insertInto('view_chain_heads').values({ client_id: clientId, seq: head.seq, hash: head.hash, reported_at: at }).execute();
    }
  }

  const values = {
    device_id: session.deviceId,
    reported_seq: nextReported?.seq ?? null,
    reported_hash: nextReported?.hash ?? null,
    reported_at: nextReported?.at ?? null,
    received_seq: received.seq,
    received_hash: received.hash,
  };
  if (row) await tx.updateTable('view_chains').set(values).where('client_id', '=', clientId).execute();
  else await tx.insertInto('view_chains').values({ client_id: clientId, ...values }).execute();

  for (const fault of faults.slice(0, MAX_FAULT_ROWS)) await recordFault(tx, now, session, clientId, fault.rule, fault.message);
  if (faults.length > MAX_FAULT_ROWS) {
    const rest = faults.slice(MAX_FAULT_ROWS);
    await recordFault(tx, now, session, clientId, rest[0]!.rule, `${rest.length} more faults in the same contact (${[...new Set(rest.map((f) => f.rule))].join(', ')})`);
  }
  return faults;
}

async function headFault(
  tx: Tx,
  session: SessionContext,
  clientId: string,
  head: ViewChainHead,
  reported: { seq: number; hash: string; at: string } | null,
  received: { seq: number; hash: string },
  linkAt: (seq: number) => Promise<string | null>,
): Promise<Fault | null> {
  // the head already held, reported again: nothing new (an entry that contradicts it was flagged on its own)
  if (reported && head.seq === reported.seq && head.hash === reported.hash) return null;
  if (!(await signedByDevice(tx, session, clientId, head))) {
    return { rule: 'view_chain.signature', message: `the head reported (entry ${head.seq}) is not signed by this desk's device key` };
  }
  if (reported && head.seq < reported.seq) {
    return { rule: 'view_chain.replay', message: `the head reported (entry ${head.seq}) is older than the head reported at ${reported.at} (entry ${reported.seq})` };
  }
  if (reported && head.seq === reported.seq && head.hash !== reported.hash) {
    return { rule: 'view_chain.fork', message: `the head reported for entry ${head.seq} differs from the one reported at ${reported.at}` };
  }
  // a newer head whose chain passes through an earlier one is held to it when its entries come (checkViewChain)
  if (head.seq <= received.seq) {
    const stored = await linkAt(head.seq);
    if (stored !== null && stored !== head.hash) return { rule: 'view_chain.fork', message: `the head reported for entry ${head.seq} differs from the entry received under that number` };
    return null;
  }
  if (head.seq > received.seq + MAX_VIEW_CHAIN_AHEAD) {
    return { rule: 'view_chain.implausible', message: `the head reported (entry ${head.seq}) is more than ${MAX_VIEW_CHAIN_AHEAD.toLocaleString('en-US')} entries past the last one received (${received.seq})` };
  }
  return null;
}

async function recordFault(tx: Tx, now: Date, session: SessionContext, clientId: string, rule: ViewChainRule, message: string): Promise<void> {
  await appendAudit(tx, now, {
    action: 'offline_views.chain_broken',
    outcome: 'failed',
    userId: session.user.id,
    role: session.user.role,
    deviceId: session.deviceId,
    entityId: clientId,
    detail: viewChainFaultDetail(message, rule),
  });
}

/** A pull's header naming the desk's head (protocol 9): checked like a push's, for the client it names, which must be this session's. */
export async function noteViewHead(ctx: Pick<StoreContext, 'db' | 'clock'>, session: SessionContext, header: string | string[] | undefined): Promise<void> {
  if (header === undefined) return;
  const report = parseOrThrow(ViewHeadReport, viewHeadFromHeader(Array.isArray(header) ? header.join(',') : header), [VIEW_HEAD_HEADER]);
  await boundClient(ctx.db, session, report.clientId);
  // the head already held, as most pulls report it: nothing to write (a pull takes no write lock for it)
  const held = await ctx.db.selectFrom('view_chains').select(['reported_seq', 'reported_hash']).where('client_id', '=', report.clientId).executeTakeFirst();
  if (held?.reported_seq != null && Number(held.reported_seq) === report.head.seq && held.reported_hash === report.head.hash) return;
  await inTransaction(ctx.db, (tx) => checkViewChain(tx, ctx.clock(), session, report.clientId, [], report.head));
}
