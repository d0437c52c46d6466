import { z } from 'zod';
import { Id } from '../entities/common';
import { canonicalJson } from '../records';
import { rule } from '../validation/rule';

/**
 * Offline reads that cannot be retracted (issue 16, item 2). A desk numbers the views and searches
 * it records — per cache, that is per user on one device: the client id the store binds to both —
 * with no gap, and links each to the one before by a hash covering its content and the previous
 * hash. It signs the head (number and hash) with its device key and reports it at every contact
 * (the push body, the pull's header). Once the store holds a head, a number missing later (a gap), an
 * entry whose hash is not the one the chain had (altered), a chain that does not extend the reported
 * head (a fork), an older head sent again (a replay) or a head not signed by this desk's key is an
 * audit row (`offline_views.chain_broken`) the compliance view shows.
 *
 * What the chain cannot do: views a desk never reported (it rewrote its chain before its first contact)
 * stay unknown to the store. That window is bounded by the maximum offline age (a cache refuses to
 * unlock past it), and the store's own record of what each pull delivered stays the primary control.
 *
 * This module says what is hashed and signed, byte for byte; the desk and the store hash and sign it
 * with node:crypto (SHA-256; ECDSA with SHA-256 under the device key).
 */

/** The hash before the first entry. */
export const VIEW_CHAIN_GENESIS = '0'.repeat(64);
/** Past this an entry number is absurd (a desk records a few thousand reads a day): refused whole. */
export const MAX_VIEW_CHAIN_SEQ = 2 ** 40;
/** A head further than this past the last entry the store received cannot be honest: flagged, not kept. */
export const MAX_VIEW_CHAIN_AHEAD = 1_000_000;

const ChainHash = z.string().refine((value) => /^[0-9a-f]{64}$/.test(value), rule('view_chain.hash', 'a SHA-256 hash, 64 lower-case hex digits'));
const ChainSeq = z.number().int().min(0).max(MAX_VIEW_CHAIN_SEQ);

/** What a view or search carries of the chain: its number and the hash of the entry before it. */
export const ViewChainLink = z.strictObject({ seq: ChainSeq.min(1), prev: ChainHash });
export type ViewChainLink = z.infer<typeof ViewChainLink>;

/** The chain's head as the desk signed it: the last number handed out and its hash (seq 0: the genesis hash). */
export const ViewChainHead = z.strictObject({
  seq: ChainSeq,
  hash: ChainHash,
  /** ECDSA over `viewHeadMessage`, DER, base64 */
  signature: z.string().max(200).refine((value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value), rule('view_chain.signature_format', 'a signature in base64')),
});
export type ViewChainHead = z.infer<typeof ViewChainHead>;

/** The pull's header carrying the head, with the cache it is of (GET has no body): `clientId.seq.hash.signature`. */
export const VIEW_HEAD_HEADER = 'caredesk-view-head';
export const ViewHeadReport = z.strictObject({ clientId: Id, head: ViewChainHead });
export type ViewHeadReport = z.infer<typeof ViewHeadReport>;

export function viewHeadHeader(report: ViewHeadReport): string {
  return `${report.clientId}.${report.head.seq}.${report.head.hash}.${report.head.signature}`;
}

/** The header read back for `ViewHeadReport` to judge: a value of another shape fails its rules, each naming its part. */
export function viewHeadFromHeader(text: string): unknown {
  const [clientId, seq, hash, signature, ...rest] = text.split('.');
  // a number as written, for its rules (whole, 0 to the maximum) to judge; other text is not a number
  const number = seq !== undefined && /^-?\d{1,20}$/.test(seq) ? Number(seq) : seq;
  return { clientId, head: { seq: number, hash, signature }, ...(rest.length ? { extra: rest.join('.') } : {}) };
}

/** An entry of the chain: a view or a search, as the desk reports it, without its link. */
export type ViewChainContent = { kind: 'view'; event: Record<string, unknown> } | { kind: 'search'; event: Record<string, unknown> };

/** The text whose SHA-256 is an entry's hash: its number, the hash before it, and its content. */
export function viewChainPreimage(link: ViewChainLink, content: ViewChainContent): string {
  return `caredesk-view-chain/1\n${link.seq}\n${link.prev}\n${canonicalJson({ kind: content.kind, event: content.event })}`;
}

/** The text a desk signs for its head: which device and cache, which number, which hash. */
export function viewHeadMessage(deviceId: string, clientId: string, head: { seq: number; hash: string }): string {
  return `caredesk-view-head/1\n${deviceId}\n${clientId}\n${head.seq}\n${head.hash}`;
}

/** What the store records when a desk's chain does not hold, each an audit row naming the rule. */
export const VIEW_CHAIN_RULES = ['view_chain.gap', 'view_chain.altered', 'view_chain.fork', 'view_chain.replay', 'view_chain.signature', 'view_chain.implausible', 'view_chain.unchained'] as const;
export type ViewChainRule = (typeof VIEW_CHAIN_RULES)[number];

/** A fault as its audit row's detail says it: the message, then the rule in brackets. */
export function viewChainFaultDetail(message: string, rule: ViewChainRule): string {
  return `${message} (${rule})`;
}

/** The message and the rule of a fault's audit row, for the compliance view to show apart; null for another text. */
export function viewChainFaultOf(detail: string): { message: string; rule: ViewChainRule } | null {
  const match = /^(.*) \((view_chain\.[a-z_]+)\)$/s.exec(detail);
  const rule = match?.[2] as ViewChainRule | undefined;
  return match && rule && VIEW_CHAIN_RULES.includes(rule) ? { message: match[1]!, rule } : null;
}
