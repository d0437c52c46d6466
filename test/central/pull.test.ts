import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleEntities, type PullLine } from '../../domain';
import { Harness, type TestSession } from './harness';

type Begin = Extract<PullLine, { t: 'begin' }>;
type End = Extract<PullLine, { t: 'end' }>;

describe('pull', () => {
  let h: Harness;
  let supervisor: TestSession;
  let visibleRows: number;

  beforeAll(async () => {
    h = await Harness.start({ customers: 150 });
    supervisor = await h.session('supervisor');
    const rows = await h.store.db.selectFrom('records').select((eb) => eb.fn.countAll<number>().as('n')).where('entity', 'in', visibleEntities('supervisor')).executeTakeFirstOrThrow();
    visibleRows = Number(rows.n);
  });
  afterAll(() => h.dispose());

  it('streams NDJSON: begin, the changes in sequence order, end', async () => {
    const { status, lines, contentType } = await h.pull(supervisor);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^application\/x-ndjson/);
    const begin = lines[0] as Begin;
    const end = lines.at(-1) as End;
    expect(begin).toMatchObject({ t: 'begin', cursor: 0, total: visibleRows });
    expect(end).toEqual({ t: 'end', cursor: begin.head, head: begin.head, more: false });
    const changes = lines.slice(1, -1);
    expect(visibleRows).toBeGreaterThan(1000);
    expect(changes).toHaveLength(visibleRows);
    const seqs = changes.map((l) => (l as { seq: number }).seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('pages with cursor and limit until `more` is false, and the pages add up to the whole', async () => {
    const seen: number[] = [];
    let cursor = 0;
    let pages = 0;
    for (;;) {
      const { lines } = await h.pull(supervisor, cursor, 400);
      const begin = lines[0] as Begin;
      const end = lines.at(-1) as End;
      expect(begin.cursor).toBe(cursor);
      expect(begin.total).toBe(visibleRows - seen.length);
      const changes = lines.slice(1, -1).map((l) => (l as { seq: number }).seq);
      expect(changes.length).toBeLessThanOrEqual(400);
      seen.push(...changes);
      pages++;
      if (changes.length) expect(end.cursor).toBeGreaterThanOrEqual(changes.at(-1)!);
      cursor = end.cursor;
      if (!end.more) break;
    }
    // a last page that ends exactly at the limit may be followed by one empty page
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(visibleRows / 400));
    expect(pages).toBeLessThanOrEqual(Math.ceil(visibleRows / 400) + 1);
    expect(seen).toHaveLength(visibleRows);
    expect(new Set(seen).size).toBe(visibleRows);
  });

  it('sends nothing but begin and end from the head', async () => {
    const { lines } = await h.pull(supervisor);
    const head = (lines[0] as Begin).head;
    expect((await h.pull(supervisor, head)).lines).toEqual([
      { t: 'begin', cursor: head, head, total: 0 },
      { t: 'end', cursor: head, head, more: false },
    ]);
  });

  it('filters by role before counting: a network operations pull counts only customers and service lines', async () => {
    const ops = await h.session('network_ops');
    const { lines } = await h.pull(ops);
    const changes = lines.slice(1, -1);
    expect((lines[0] as Begin).total).toBe(changes.length);
    expect(new Set(changes.map((l) => (l as { entity: string }).entity))).toEqual(new Set(['customer', 'serviceLine']));
  });
});
