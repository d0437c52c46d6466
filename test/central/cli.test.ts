import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCentral, startCentralStore } from '../../central';
import { API } from '../../domain';
import { keysAndCsr } from './harness';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(dataDir: string, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'central/cli.ts', ...args, '--data-dir', dataDir], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('admin command line', () => {
  let root: string;
  let dataDir: string;
  let init: CliResult;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'caredesk-cli-test-'));
    dataDir = join(root, 'central');
    init = await cli(dataDir, 'init');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('init creates the data dir with its keys readable by the owner only, and prints the first admin and an enrolment code', () => {
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/first administrator: admin \/ \S{20}/);
    expect(init.stdout).toMatch(/enrolment code: [A-Z0-9]{4}(-[A-Z0-9]{4}){3}/);
    for (const secret of ['pki/ca.key', 'pki/server.key', 'pepper.key', 'card-keys.json', 'central.sqlite']) {
      expect(statSync(join(dataDir, secret)).mode & 0o777, secret).toBe(0o600);
    }
  });

  it('init refuses a data dir that is already initialised', async () => {
    const again = await cli(dataDir, 'init');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already initialised');
  });

  it('lets the first admin sign in from a workstation enrolled with the printed code', async () => {
    const password = /admin \/ (\S+)/.exec(init.stdout)![1]!;
    const code = /enrolment code: (\S+)/.exec(init.stdout)![1]!;
    const store = await startCentralStore({ dataDir, port: 0 });
    const anonymous = new Agent({ connect: { ca: store.caPem } });
    try {
      const { csrPem, keyPem } = await keysAndCsr('admin desk');
      const enrol = await request(new URL(API.enrol, store.url), { method: 'POST', dispatcher: anonymous, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'admin desk', csrPem }) });
      const { certificatePem } = (await enrol.body.json()) as { certificatePem: string };
      const desk = new Agent({ connect: { ca: store.caPem, cert: certificatePem, key: keyPem } });
      const signIn = await request(new URL(API.session, store.url), { method: 'POST', dispatcher: desk, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
      expect(signIn.statusCode).toBe(200);
      expect(((await signIn.body.json()) as { user: { role: string } }).user.role).toBe('admin');
      await desk.destroy();
    } finally {
      await anonymous.destroy();
      await store.close();
    }
  });

  it('add-user adds a user, and refuses a password that is too short, naming the rule', async () => {
    const added = await cli(dataDir, 'add-user', '--username', 'jo.rep', '--role', 'care_rep', '--display-name', 'Jo Rep', '--password', 'a long enough password');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('added jo.rep (care_rep)');
    const short = await cli(dataDir, 'add-user', '--username', 'al.rep', '--role', 'care_rep', '--display-name', 'Al Rep', '--password', 'short');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('password.min');
  });

  it('seed-demo 50 seeds 50 customers with their accounts, and the audit chain still verifies', async () => {
    const seeded = await cli(dataDir, 'seed-demo', '50', '--seed', '7');
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain('50 / 50 customers');
    const central = await openCentral({ dataDir });
    try {
      const count = async (entity: string) =>
        Number((await central.db.selectFrom('records').select((eb) => eb.fn.countAll<number>().as('n')).where('entity', '=', entity).executeTakeFirstOrThrow()).n);
      expect(await count('customer')).toBe(50);
      expect(await count('billingAccount')).toBe(50);
      expect(await count('lead')).toBeGreaterThan(0);
      expect(await count('inquiry')).toBeGreaterThan(0);
      const secrets = await central.db.selectFrom('caller_secrets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(secrets.n)).toBe(50);
      const cards = await central.db.selectFrom('card_vault').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(cards.n)).toBe(await count('paymentMethod'));
    } finally {
      await central.close();
    }
    const verified = await cli(dataDir, 'verify-audit');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/audit log intact: \d+ rows/);
  });

  it('rotate-master-key wraps every card again under a new master key and retires the old one', async () => {
    const keyFile = join(dataDir, 'card-keys.json');
    const before = JSON.parse(readFileSync(keyFile, 'utf8')) as { current: string };
    const rotated = await cli(dataDir, 'rotate-master-key');
    expect(rotated.code).toBe(0);
    const after = JSON.parse(readFileSync(keyFile, 'utf8')) as { current: string; keys: Record<string, string> };
    expect(after.current).not.toBe(before.current);
    expect(Object.keys(after.keys)).toEqual([after.current]);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(rotated.stdout).toMatch(new RegExp(`card master key is now ${after.current}: \\d+ data keys wrapped again`));
    expect(rotated.stdout).toContain(`retired and removed from the key file: ${before.current}`);
    const central = await openCentral({ dataDir });
    try {
      const keys = await central.db.selectFrom('card_vault').select('key_id').distinct().execute();
      expect(keys).toEqual([{ key_id: after.current }]);
    } finally {
      await central.close();
    }
  });

  it('verify-audit fails when a row was altered', async () => {
    const central = await openCentral({ dataDir });
    try {
      const first = await central.db.selectFrom('audit_log').select('seq').orderBy('seq').limit(1).executeTakeFirstOrThrow();
      await central.db.updateTable('audit_log').set({ detail: 'rewritten' }).where('seq', '=', first.seq).execute();
    } finally {
      await central.close();
    }
    const result = await cli(dataDir, 'verify-audit');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('BROKEN at row 1');
  });
});
