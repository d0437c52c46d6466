import { BILLING_ENTITIES, visibleEntities } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction } from '../storage/database';

/**
 * Every read of billing data is an audit event (PCI DSS 10.2.1.1). A pull (or a snapshot) that carries billing
 * records to a workstation gets a `billing.read` row beside its `sync.pull` row, with the user,
 * role, device and time, committed before the pull's `end` line (or when the workstation hangs up).
 * The lines pass through untouched; the scan for a billing record stops at the first one.
 */
export async function* auditBillingReads(ctx: Pick<StoreContext, 'db' | 'clock'>, session: SessionContext, lines: AsyncIterable<string>): AsyncGenerator<string> {
  const { user } = session;
  const billing = BILLING_ENTITIES.filter((entity) => visibleEntities(user.role).includes(entity));
  if (!billing.length) return yield* lines;
  // a pull line names its entity as `"entity":"…"`, a snapshot row's header as `["…",` (domain/sync/snapshot.ts)
  const carriesBilling = new RegExp(`(?:"entity":|\\[)"(?:${billing.join('|')})"`);
  let seen = false;
  let audited = false;
  const audit = async (how: string) => {
    if (audited || !seen) return;
    audited = true;
    await inTransaction(ctx.db, (tx) =>
      appendAudit(tx, ctx.clock(), { action: 'billing.read', outcome: 'ok', userId: user.id, role: user.role, deviceId: session.deviceId, detail: `pull of ${billing.join(', ')} to the workstation${how}` }),
    );
  };
  try {
    for await (const chunk of lines) {
      seen ||= carriesBilling.test(chunk);
      if (isEndLine(chunk)) await audit('');
      yield chunk;
    }
  } finally {
    await audit(', cut short');
  }
}

/** Whether the chunk's last line is the pull's `end` line; reads only that line. */
function isEndLine(chunk: string): boolean {
  const start = chunk.lastIndexOf('\n', chunk.length - 2) + 1;
  return chunk.startsWith('{"t":"end"', start);
}
