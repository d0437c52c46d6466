import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentralStore } from '../../central';
import { AuditCheckpoint, keyIdOf, signedPart } from '../../central/audit/checkpoints';
import { DATA_FILES } from '../../central/dataDir';
import type { CentralSchema } from '../../central/storage/schema';
import { canonicalJson } from '../../domain';
import { backupDatabase, restoreBackup } from '../support/databaseBackup';
import { useTestDatabase } from '../support/testDatabase';
import { Harness, type TestSession } from './harness';

/**
 * The audit chain anchored outside the database (issue 16): signed checkpoints of its head, written
 * to an append-only file (and an endpoint), held against the log by verify-audit. Each attack is made
 * as someone with the database alone would make it — rows cut from the end, a row edited and the chain
 * rebuilt after it so that it verifies by itself — and each is caught only by the checkpoints. A
 * restore from a backup writes a signed restore checkpoint, and its shorter chain verifies.
 */
type AuditRow = CentralSchema['audit_log'];
const rowHash = (prev: string, row: Omit<AuditRow, 'hash'>) => createHash('sha256').update(prev).update(canonicalJson(row)).digest('hex');

describe('audit checkpoints', () => {
  let h: Harness;
  let rep: TestSession;
  const file = () => join(h.dataDir, DATA_FILES.auditCheckpoints);
  const rows = () => h.store.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
  const verify = (f?: string) => h.store.admin.verifyAuditAgainstCheckpoints(f);
  /** puts the log back as it was before an attack, row for row */
  const putBack = async (saved: AuditRow[]) => {
    await h.store.db.deleteFrom('audit_log').execute();
    for (let i = 0; i < saved.length; i += 200) await h.store.db.insertInto('audit_log').values(saved.slice(i, i + 200)).execute();
  };

  beforeAll(async () => {
    h = await Harness.start({ customers: 3 });
    rep = await h.session('care_rep');
    for (let i = 0; i < 3; i++) await h.pull(rep);
    await h.store.admin.checkpointAudit();
    // more rows after the checkpoint: the newest ones, past the last checkpoint (the exposure window)
    await h.pull(rep);
    await h.pull(rep);
  });
  afterAll(() => h.dispose());

  it('writes signed checkpoints at start and on demand, to an append-only file, and the log verifies against them', async () => {
    const lines = readFileSync(file(), 'utf8').trim().split('\n').map((l) => AuditCheckpoint.parse(JSON.parse(l)));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((c) => c.kind === 'checkpoint')).toBe(true);
    const result = await verify();
    expect(result.checkpoints.problems).toEqual([]);
    expect(result).toMatchObject({ ok: true, chain: { ok: true } });
    expect(result.checkpoints.latest!.seq).toBe(lines.at(-1)!.seq);
  });

  it('detects rows cut from the end, which the chain alone does not', async () => {
    const saved = await rows();
    const signedHead = (await verify()).checkpoints.latest!.seq;
    await h.store.db.deleteFrom('audit_log').where('seq', '>', signedHead - 3).execute();
    try {
      const result = await verify();
      expect(result.chain.ok).toBe(true);
      expect(result.ok).toBe(false);
      expect(result.checkpoints.problems.map((p) => p.rule)).toContain('checkpoint.truncated');
    } finally {
      await putBack(saved);
    }
    expect((await verify()).ok).toBe(true);
  });

  it('detects a row edited and the chain rebuilt after it, which the chain alone does not', async () => {
    const saved = await rows();
    const signedHead = (await verify()).checkpoints.latest!.seq;
    const target = saved.find((r) => r.action === 'session.sign_in')!;
    expect(Number(target.seq)).toBeLessThanOrEqual(signedHead);
    // the attacker rewrites the sign-in as failed and recomputes every hash from it on
    let prev = saved[Number(target.seq) - 2]?.hash ?? '';
    for (const row of saved.slice(Number(target.seq) - 1)) {
      const { hash: _old, ...content } = row;
      const edited = { ...content, seq: Number(row.seq), ...(row.seq === target.seq ? { outcome: 'failed' } : {}) };
      prev = rowHash(prev, edited);
      await h.store.db.updateTable('audit_log').set({ outcome: edited.outcome, hash: prev }).where('seq', '=', row.seq).execute();
    }
    try {
      const result = await verify();
      expect(result.chain.ok).toBe(true);
      expect(result.ok).toBe(false);
      expect(result.checkpoints.problems.map((p) => p.rule)).toEqual(expect.arrayContaining(['checkpoint.mismatch']));
    } finally {
      await putBack(saved);
    }
  });

  it('tells the compliance officer and the admin, and no other role, whether the trail holds; the check is itself audited', async () => {
    const roles = ['care_rep', 'billing_clerk', 'network_ops', 'supervisor', 'compliance', 'admin'] as const;
    const answers = Object.fromEntries(await Promise.all(roles.map(async (role) => [role, await h.operation(await h.session(role), 'audit.integrity', {})] as const)));
    for (const role of ['care_rep', 'billing_clerk', 'network_ops', 'supervisor'] as const) expect(answers[role]!.status, role).toBe(403);
    expect(answers.compliance!.status).toBe(200);
    expect(answers.compliance!.json).toMatchObject({ ok: true, problems: [] });
    expect(answers.admin!.json).toMatchObject({ ok: true, problems: [] });
    // cut the tail: the officer is told, by rule and row numbers, and the check is recorded as failed
    const saved = await rows();
    const officer = await h.session('compliance');
    await h.store.db.deleteFrom('audit_log').where('seq', '>', (await verify()).checkpoints.latest!.seq - 2).execute();
    try {
      const told = await h.operation(officer, 'audit.integrity', { extra: 1 });
      expect(told.status).toBe(400);
      const alarmed = (await h.operation(officer, 'audit.integrity', {})).json as { ok: boolean; problems: { rule: string; message: string }[] };
      expect(alarmed.ok).toBe(false);
      expect(alarmed.problems.map((p) => p.rule)).toEqual(['checkpoint.truncated']);
      expect(alarmed.problems[0]!.message).toMatch(/^the log ends at row \d+, but row \d+ was signed at /);
      const [recorded] = await h.store.db.selectFrom('audit_log').select(['outcome', 'detail']).where('action', '=', 'audit.integrity_checked').orderBy('seq', 'desc').limit(1).execute();
      expect(recorded).toEqual({ outcome: 'failed', detail: 'does not hold: checkpoint.truncated' });
    } finally {
      await putBack(saved);
    }
  });

  it('refuses a checkpoint line altered, forged with another key, or not a checkpoint at all', async () => {
    const copy = join(h.dataDir, 'checkpoints-copy.jsonl');
    copyFileSync(file(), copy);
    const [first] = readFileSync(copy, 'utf8').trim().split('\n').map((l) => AuditCheckpoint.parse(JSON.parse(l)));
    // the signed head moved on to a row that is not there, the signature kept
    appendFileSync(copy, `${JSON.stringify({ ...first, seq: first!.seq + 1_000 })}\n`);
    // a checkpoint signed with a key of the attacker's
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const forged = { kind: 'restore' as const, seq: 1, hash: first!.hash, at: new Date().toISOString(), keyId: keyIdOf(publicKey) };
    appendFileSync(copy, `${JSON.stringify({ ...forged, sig: sign(null, signedPart(forged), privateKey).toString('base64') })}\n`);
    appendFileSync(copy, '{"kind":"checkpoint","seq":"all of them"}\nnot json at all\n');
    const result = await verify(copy);
    expect(result.ok).toBe(false);
    expect(result.checkpoints.problems.map((p) => p.rule)).toEqual(['checkpoint.unreadable', 'checkpoint.unreadable', 'checkpoint.signature', 'checkpoint.signature']);
    // the forged restore superseded nothing: the genuine checkpoints still hold
    expect(result.checkpoints.restores).toBe(0);
  });

  it('POSTs each checkpoint to the configured endpoint as well', async () => {
    const received: unknown[] = [];
    const endpoint = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', r));
    const scratch = mkdtempSync(join(tmpdir(), 'caredesk-checkpoint-url-'));
    const dataDir = join(scratch, 'central');
    try {
      mkdirSync(dataDir, { recursive: true });
      await useTestDatabase(dataDir);
      const configFile = join(dataDir, DATA_FILES.config);
      const config = (existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : {}) as Record<string, unknown>;
      writeFileSync(configFile, JSON.stringify({ ...config, auditCheckpoints: { url: `http://127.0.0.1:${(endpoint.address() as { port: number }).port}/checkpoints`, file: join(scratch, 'elsewhere.jsonl') } }));
      const store = await startCentralStore({ dataDir, port: 0 });
      try {
        const c = await store.admin.checkpointAudit();
        expect(received.map((r) => AuditCheckpoint.parse(r))).toContainEqual(c);
        expect(readFileSync(join(scratch, 'elsewhere.jsonl'), 'utf8')).toContain(c.sig);
      } finally {
        await store.close();
      }
    } finally {
      endpoint.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('a restore and its signed restore checkpoint', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'caredesk-checkpoint-restore-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('verifies a chain made shorter by a restore, and still catches a cut after it', async () => {
    const dataDir = join(scratch, 'central');
    await useTestDatabase(dataDir);
    let store = await startCentralStore({ dataDir, port: 0 });
    const backup = join(scratch, 'backup');
    try {
      await store.admin.issueEnrolmentCode({ hours: 1 });
      await backupDatabase(store, backup);
      // rows the backup does not have, checkpointed: a plain cut would be reported
      await store.admin.issueEnrolmentCode({ hours: 1 });
      await store.admin.checkpointAudit();
    } finally {
      await store.close();
    }
    await restoreBackup(dataDir, backup);
    store = await startCentralStore({ dataDir, port: 0 });
    try {
      const result = await store.admin.verifyAuditAgainstCheckpoints();
      expect(result.checkpoints.problems).toEqual([]);
      expect(result).toMatchObject({ ok: true, checkpoints: { restores: 1 } });
      // the restore's line is what made it verify: without it, the checkpoint of the lost rows is held against the log
      const file = join(dataDir, DATA_FILES.auditCheckpoints);
      const withoutRestore = join(scratch, 'without-restore.jsonl');
      writeFileSync(withoutRestore, readFileSync(file, 'utf8').split('\n').filter((l) => !l.includes('"kind":"restore"')).join('\n'));
      // (the rows the backup lacked are numbered again by what came after the restore: the signed row differs, or is not there)
      const unexplained = (await store.admin.verifyAuditAgainstCheckpoints(withoutRestore)).checkpoints.problems;
      expect(unexplained.map((p) => p.rule)).toEqual([expect.stringMatching(/^checkpoint\.(mismatch|truncated)$/)]);
      // after the restore, checkpoints go on: a later cut is caught again
      await store.admin.issueEnrolmentCode({ hours: 1 });
      const c = await store.admin.checkpointAudit();
      await store.db.deleteFrom('audit_log').where('seq', '=', c.seq).execute();
      expect((await store.admin.verifyAuditAgainstCheckpoints()).checkpoints.problems.map((p) => p.rule)).toEqual(['checkpoint.truncated']);
    } finally {
      await store.close();
    }
  });
});
