import { LIMITS, sentToProtocol, visibleEntities, type PullLine } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { changeHead } from '../storage/changeLog';
import { inTransaction } from '../storage/database';
import { changesPage, countChanges } from '../storage/recordStore';

/** Rows per query: short queries, so a million-row first sync never holds the database for long. */
export const PULL_PAGE_ROWS = 2000;

export interface PullRequest {
  cursor: number;
  limit?: number;
  /**
   * the sync protocol the desk speaks: what its strict schema takes (from protocol 3 the `begin` line
   * names the store's generation; an entity newer than the desk is not sent, ENTITY_SINCE_PROTOCOL)
   */
  protocol: number;
}

/**
 * The changes since `cursor`, as NDJSON chunks (one per page), already projected for the session's
 * role (DESIGN §3): entities the role cannot see, or the desk's protocol does not know, are not even
 * read, and every row passes through `project` before it is written. The consumer pulls the next
 * page only when the socket has drained.
 * `total` counts the role's rows from the cursor to the head, across pages, for a progress bar;
 * the `end` line marks a complete response — a stream that stops without it was cut.
 * Pages are separate queries, not one snapshot: a record changed while a pull runs moves past
 * `head` and arrives with the next pull, which the change's poke prompts.
 */
export async function* pullLines(ctx: Pick<StoreContext, 'db' | 'clock' | 'generation' | 'metrics'>, session: SessionContext, request: PullRequest): AsyncGenerator<string> {
  const { db } = ctx;
  const role = session.user.role;
  const entities = visibleEntities(role).filter((entity) => sentToProtocol(entity, request.protocol));
  const limit = Math.min(request.limit ?? LIMITS.maxPullRows, LIMITS.maxPullRows);
  const head = await changeHead(db);

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
    const total = await countChanges(db, { after, head, entities });
    yield line({ t: 'begin', cursor: request.cursor, head, total, ...(request.protocol >= 3 ? { generation: ctx.generation } : {}) });
    while (entities.length && after < head) {
      const want = Math.min(PULL_PAGE_ROWS, limit - scanned);
      if (want <= 0) {
        more = true;
        break;
      }
      const page = await changesPage(db, { after, head, entities }, want, role);
      ctx.metrics.pullPages.inc();
      if (page.lastSeq !== null) after = page.lastSeq;
      scanned += page.rows;
      if (page.rows < want) after = head;
      if (page.changes.length) yield page.changes.map(line).join('');
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
