import { LIMITS, cursorOf, encodeSnapshotRow, positionOf, sentToProtocol, visibleEntities, type EntityName, type SnapshotLine, type SnapshotQuery } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { changeHead } from '../storage/changeLog';
import { inTransaction } from '../storage/database';
import { countChanges, customerAggregates, recordsWithoutCustomer, type SnapshotPart } from '../storage/recordStore';

/**
 * Customers per page (about 3.65 records each for a care rep, some 3 MB of text): a page is what the
 * desk writes in one transaction, and each commit is synced to disk, so pages are not small.
 */
export const SNAPSHOT_PAGE_CUSTOMERS = 2000;
/** Records of no customer per page. */
export const SNAPSHOT_PAGE_RECORDS = 5000;

type Position = { phase: 'customers'; after: string | null } | { phase: 'loose'; after: { id: string; entity: EntityName } | null };

/**
 * A first sync's snapshot (domain/sync/snapshot.ts) as NDJSON chunks, one per page: the head line
 * with the sequence `at` it is consistent at, then pages of rows — customer aggregates by customer
 * id, then records of no customer by (id, entity) — each followed by its page mark, and the `end`
 * line. Every record passes through `project` for the session's role, as in a pull. A response
 * stops at the first page boundary past `limit` records; the desk asks again from its last page.
 * The consumer pulls the next page only when the socket has drained (Readable.from), so the store
 * holds one page at a time, and reads it while the desk writes the one before.
 */
export async function* snapshotLines(
  ctx: Pick<StoreContext, 'db' | 'clock' | 'generation'>,
  session: SessionContext,
  request: SnapshotQuery & { protocol: number },
): AsyncGenerator<string> {
  const { db } = ctx;
  const role = session.user.role;
  const entities = visibleEntities(role).filter((entity) => sentToProtocol(entity, request.protocol));
  const limit = Math.min(request.limit ?? LIMITS.maxPullRows, LIMITS.maxPullRows);
  const at = request.at ?? (await changeHead(db));
  const resumed = positionOf(request.after);
  let position: Position | null = !resumed
    ? { phase: 'customers', after: null }
    : resumed.phase === 'customers'
      ? resumed
      : { phase: 'loose', after: { id: resumed.after, entity: resumed.entity } };

  let sent = 0;
  let audited = false;
  const audit = async (how: string) => {
    if (audited) return;
    audited = true;
    const detail = `snapshot at ${at}${how}: records ${sent}, from ${request.after ?? 'the start'}${position ? ` to ${cursorAt(position) ?? 'the records of no customer'}` : ' to its end'}`;
    await inTransaction(db, (tx) => appendAudit(tx, ctx.clock(), { action: 'sync.pull', outcome: 'ok', userId: session.user.id, role, deviceId: session.deviceId, detail }));
  };
  try {
    const total = await countChanges(db, { after: 0, head: at, entities });
    yield line({ t: 'snapshot', at, total, generation: ctx.generation });
    while (position && sent < limit) {
      let rows = '';
      if (position.phase === 'customers') {
        const page = await customerAggregates(db, { after: position.after, entities, customers: Math.min(request.page ?? SNAPSHOT_PAGE_CUSTOMERS, SNAPSHOT_PAGE_CUSTOMERS) }, role);
        for (const { customerId, parts } of page.aggregates) {
          rows += encodeSnapshotRow(customerId, parts) + '\n';
          sent += parts.length;
        }
        position = page.last === null ? { phase: 'loose', after: null } : { phase: 'customers', after: page.last };
        if (page.last === null) continue;
      } else {
        const page = await recordsWithoutCustomer(db, { after: position.after, entities, limit: Math.min(request.page ?? SNAPSHOT_PAGE_RECORDS, SNAPSHOT_PAGE_RECORDS) }, role);
        rows = page.parts.map((part: SnapshotPart) => encodeSnapshotRow(null, [part]) + '\n').join('');
        sent += page.parts.length;
        position = page.last === null ? null : { phase: 'loose', after: page.last };
      }
      yield rows + line({ t: 'page', next: position && cursorAt(position) });
    }
    await audit('');
    yield line({ t: 'end', done: position === null });
  } finally {
    await audit(', cut short');
  }
}

function cursorAt(position: Position): string | null {
  if (!position.after) return null;
  return position.phase === 'customers' ? cursorOf({ phase: 'customers', after: position.after }) : cursorOf({ phase: 'loose', entity: position.after.entity, after: position.after.id });
}

function line(value: SnapshotLine): string {
  return JSON.stringify(value) + '\n';
}
