import { verify, type KeyObject } from 'node:crypto';
import type { CentralDb } from '../storage/schema';
import { readCheckpoints, signedPart, keyIdOf, type AuditCheckpoint } from './checkpoints';

/** One thing the checkpoints say is wrong with the log (or with themselves), by rule. */
export interface CheckpointProblem {
  /** the line of the checkpoint file */
  line: number;
  rule: 'checkpoint.unreadable' | 'checkpoint.signature' | 'checkpoint.truncated' | 'checkpoint.mismatch';
  message: string;
}

export interface CheckpointReport {
  /** checkpoints read and signed by the key, restores among them */
  checkpoints: number;
  restores: number;
  /** the newest checkpoint still in force: rows after it are covered by the chain alone */
  latest: { seq: number; at: string } | null;
  problems: CheckpointProblem[];
}

/**
 * The log held against its signed checkpoints (checkpoints.ts), in the order they were written. A
 * checkpoint of row n that a later `restore` checkpoint of a lower head supersedes is not required
 * (the restore put the chain back legitimately); every other one is: its row must exist — else the
 * log was cut short after it was signed — and hold the hash it signed — else the row was edited, or
 * the chain rebuilt from an earlier row. `head` is the highest row number the log holds now.
 */
export async function verifyAgainstCheckpoints(db: CentralDb, file: string, publicKey: KeyObject, head: number): Promise<CheckpointReport> {
  const { checkpoints, unreadable } = readCheckpoints(file);
  const problems: CheckpointProblem[] = unreadable.map((line) => ({ line, rule: 'checkpoint.unreadable', message: `line ${line} of the checkpoint file is not a checkpoint` }));
  const keyId = keyIdOf(publicKey);
  const signed = checkpoints.map(({ checkpoint: c, line }) => ({ c, line })).filter(({ c, line }) => {
    const good = c.keyId === keyId && signatureHolds(c, publicKey);
    if (!good) problems.push({ line, rule: 'checkpoint.signature', message: `the checkpoint on line ${line} is not signed by this store's checkpoint key (${keyId})` });
    return good;
  });

  // from the newest back: a checkpoint above a later restore's head was superseded by that restore
  let lowestRestore = Infinity;
  const inForce: { c: AuditCheckpoint; line: number }[] = [];
  for (let i = signed.length - 1; i >= 0; i--) {
    const { c } = signed[i]!;
    if (c.seq <= lowestRestore) inForce.unshift(signed[i]!);
    if (c.kind === 'restore') lowestRestore = Math.min(lowestRestore, c.seq);
  }

  const hashes = await hashesAt(db, [...new Set(inForce.map(({ c }) => c.seq).filter((s) => s > 0 && s <= head))]);
  for (const { c, line } of inForce) {
    if (c.seq > head) {
      problems.push({ line, rule: 'checkpoint.truncated', message: `the log ends at row ${head}, but row ${c.seq} was signed at ${c.at}: rows were removed from its end` });
    } else if ((c.seq === 0 ? '' : hashes.get(c.seq)) !== c.hash) {
      problems.push({ line, rule: 'checkpoint.mismatch', message: `row ${c.seq} is not the row signed at ${c.at}: it was edited, or the chain rebuilt from an earlier row` });
    }
  }
  const latest = inForce.at(-1)?.c ?? null;
  return { checkpoints: signed.length, restores: signed.filter(({ c }) => c.kind === 'restore').length, latest: latest && { seq: latest.seq, at: latest.at }, problems };
}

function signatureHolds(c: AuditCheckpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, signedPart(c), publicKey, Buffer.from(c.sig, 'base64'));
  } catch {
    return false;
  }
}

async function hashesAt(db: CentralDb, seqs: number[]): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (let i = 0; i < seqs.length; i += 500) {
    const rows = await db.selectFrom('audit_log').select(['seq', 'hash']).where('seq', 'in', seqs.slice(i, i + 500)).execute();
    for (const r of rows) found.set(Number(r.seq), r.hash);
  }
  return found;
}
