import type { AuditIntegrity } from '../../domain';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction } from '../storage/database';
import type { CentralDb } from '../storage/schema';
import { verifyAgainstCheckpoints, type CheckpointReport } from './auditCheckpointVerify';
import { appendAudit, verifyAuditChain, type AuditVerification } from './auditLog';
import { auditHead, loadCheckpointSigner, type CheckpointSink } from './checkpoints';

/** The chain recomputed, then held against its signed checkpoints: those in `file`, by default the configured one. */
export async function verifyAuditTrail(db: CentralDb, sink: CheckpointSink, file?: string): Promise<{ ok: boolean; chain: AuditVerification; checkpoints: CheckpointReport }> {
  const chain = await verifyAuditChain(db);
  const { publicKey } = loadCheckpointSigner(sink.keyFile);
  // held against the rows as they are, whatever the chain says of them: a cut tail shows even in a broken chain
  const checkpoints = await verifyAgainstCheckpoints(db, file ?? sink.file, publicKey, (await auditHead(db)).seq);
  return { ok: chain.ok && checkpoints.problems.length === 0, chain, checkpoints };
}

/**
 * `audit.integrity` (issue 16): the compliance officer's and the admin's view of whether the trail
 * still holds, checked by the store now. Row numbers and times only; the check is itself an audit row,
 * failed when the trail does not hold, naming the rules broken.
 */
export async function checkAuditIntegrity(ctx: Pick<StoreContext, 'db' | 'clock' | 'auditCheckpoints'>, session: SessionContext): Promise<AuditIntegrity> {
  const { ok, chain, checkpoints } = await verifyAuditTrail(ctx.db, ctx.auditCheckpoints);
  const problems: AuditIntegrity['problems'] = [
    ...(chain.ok ? [] : [{ rule: 'chain.broken' as const, message: `row ${chain.firstBadSeq} does not follow from the rows before it: it, or one before it, was changed or removed` }]),
    ...checkpoints.problems.map(({ rule, message }) => ({ rule, message })),
  ];
  const checkedAt = ctx.clock();
  await inTransaction(ctx.db, (tx) =>
    appendAudit(tx, checkedAt, {
      action: 'audit.integrity_checked',
      outcome: ok ? 'ok' : 'failed',
      userId: session.user.id,
      role: session.user.role,
      deviceId: session.deviceId,
      detail: ok ? `${chain.rows} rows, ${checkpoints.checkpoints} checkpoints held` : `does not hold: ${[...new Set(problems.map((p) => p.rule))].join(', ')}`,
    }),
  );
  return { checkedAt: checkedAt.toISOString(), ok, rows: chain.rows, checkpoints: checkpoints.checkpoints, restores: checkpoints.restores, latest: checkpoints.latest, problems };
}
