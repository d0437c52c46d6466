import { CareDeskError, issuesFromZod } from '../../../domain/errors';
import { MalformedSnapshotRow, SnapshotLine, decodeSnapshotRow, type SnapshotRecord } from '../../../domain/sync/snapshot';
import { ndjsonLines } from './ndjson';

export type SnapshotHead = Extract<SnapshotLine, { t: 'snapshot' }>;

export interface SnapshotHandlers {
  onHead: (head: SnapshotHead) => void;
  /** a whole page, every row of it checked; `next` is where the snapshot resumes after it (null: complete) */
  onPage: (records: SnapshotRecord[], next: string | null) => void;
}

/**
 * Reads one snapshot response (domain/sync/snapshot.ts). Each row is checked as it arrives, its
 * records kept with the text they came in; a page is handed on only once its mark arrives, whole.
 * A malformed row or line refuses its page (nothing of it is handed on) and ends the response with
 * an error; so does a stream that stops before its `end` line. Returns whether the snapshot is complete.
 */
export async function readSnapshot(body: AsyncIterable<Buffer | Uint8Array | string>, handlers: SnapshotHandlers): Promise<boolean> {
  let page: SnapshotRecord[] = [];
  let headSeen = false;
  // after the page that completes the snapshot only the end line may come
  let complete = false;
  for await (const text of ndjsonLines(body)) {
    if (text.charCodeAt(0) === 0x5b /* [ */) {
      if (!headSeen || complete) throw malformed(complete ? 'a row after the last page' : 'a row before the head line');
      try {
        for (const record of decodeSnapshotRow(text)) page.push(record);
      } catch (err) {
        if (err instanceof MalformedSnapshotRow) throw malformed(`a row's ${err.message} is malformed`);
        throw err;
      }
      continue;
    }
    const parsed = SnapshotLine.safeParse(safeJson(text));
    if (!parsed.success) throw new CareDeskError('internal', 'The central store sent a malformed snapshot line; its page was refused.', issuesFromZod(parsed.error));
    const line = parsed.data;
    if (line.t === 'snapshot') {
      if (headSeen) throw malformed('a second head line');
      headSeen = true;
      handlers.onHead(line);
    } else if (!headSeen) {
      throw malformed('a line before the head line');
    } else if (line.t === 'page') {
      if (complete) throw malformed('a page after the last page');
      handlers.onPage(page, line.next);
      page = [];
      complete = line.next === null;
    } else {
      if (page.length) throw malformed('rows after the last page mark');
      if (line.done !== complete) throw malformed('an end that does not match its last page');
      return line.done;
    }
  }
  throw new CareDeskError('offline', 'The snapshot was cut short; it resumes from the last complete page.');
}

function malformed(what: string): CareDeskError {
  return new CareDeskError('internal', `The central store sent a malformed snapshot (${what}); its page was refused.`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
