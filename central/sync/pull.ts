import { LIMITS, project, visibleEntities, type EntityName, type PullLine } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { changeHead } from '../storage/changeLog';
import { inTransaction } from '../storage/database';

/** Rows per query: short queries, so a million-row first sync never holds the database for long. */
export const PULL_PAGE_ROWS = 2000;

export interface PullRequest {
  cursor: number;
  limit?: number;
}

/**
 * The changes since `cursor`, as NDJSON chunks (one per page), already projected for the session's
 * role (DESIGN §3): entities the role cannot see are not even read, and every row passes through
 * `project` before it is written. The consumer pulls the next page only when the socket has drained.
 * `total` counts the role's rows from the cursor to the head, across pages, for a progress bar;
 * the `end` line marks a complete response — a stream that stops without it was cut.
 * Pages are separate queries, not one snapshot: a record changed while a pull runs moves past
 * `head` and arrives with the next pull, which the change's poke prompts.
 */
export async function* pullLines(ctx: Pick<StoreContext, 'db' | 'clock'>, session: SessionContext, request: PullRequest): AsyncGenerator<string> {
  const { db } = ctx;
  const role = session.user.role;
  const entities = visibleEntities(role);
  const limit = Math.min(request.limit ?? LIMITS.maxPullRows, LIMITS.maxPullRows);
  const head = await changeHead(db);
  const inRange = (after: number) =>
    db.selectFrom('records').where('seq', '>', after).where('seq', '<=', head).where('entity', 'in', entities);

  let scanned = 0;
  let after = request.cursor;
  let more = false;
  let audited = false;
  // one audit row per pull: committed before the `end` line, or when the workstation hangs up half way
  const audit = async (detail: string) => {
    if (audited) return;
    audited = true;
    await inTransaction(db, (tx) =>
      appendAudit(tx, ctx.clock(), { action: 'sync.pull', outcome: 'ok', userId: session.user.id, role, deviceId: session.deviceId, detail }),
    );
  };
  try {
    const total = entities.length && after < head ? Number((await inRange(after).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n) : 0;
    yield line({ t: 'begin', cursor: request.cursor, head, total });
    while (entities.length && after < head) {
      const want = Math.min(PULL_PAGE_ROWS, limit - scanned);
      if (want <= 0) {
        more = true;
        break;
      }
      const page = await inRange(after).select(['entity', 'id', 'customer_id', 'seq', 'data']).orderBy('seq').limit(want).execute();
      let chunk = '';
      for (const row of page) {
        const seq = Number(row.seq);
        const entity = row.entity as EntityName;
        if (row.data === null) {
          chunk += line({ t: 'del', seq, entity, id: row.id, customerId: row.customer_id });
        } else {
          const data = project(entity, JSON.parse(row.data) as Record<string, unknown>, role);
          if (data) chunk += line({ t: 'put', seq, entity, id: row.id, customerId: row.customer_id, data });
        }
        after = seq;
      }
      scanned += page.length;
      if (page.length < want) after = head;
      if (chunk) yield chunk;
    }
    if (!more) after = Math.max(after, head);
    await audit(`rows ${scanned}, cursor ${request.cursor} to ${after}`);
    yield line({ t: 'end', cursor: after, head, more });
  } finally {
    await audit(`cut short after ${scanned} rows, cursor ${request.cursor} to ${after}`);
  }
}

function line(value: PullLine): string {
  return JSON.stringify(value) + '\n';
}
