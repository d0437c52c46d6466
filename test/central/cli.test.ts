import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { rememberSecret, totpFor } from '../support/secondFactor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCentral, startCentralStore } from '../../central';
import { API } from '../../domain';
import { centralCli as cli, type CliResult } from '../support/cli';
import { keysAndCsr } from './harness';
import { sqliteOnly } from '../support/backendTests';
import { testBackend, useTestDatabase } from '../support/testDatabase';

describe('admin command line', () => {
  let root: string;
  let dataDir: string;
  let init: CliResult;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'caredesk-cli-test-'));
    dataDir = join(root, 'central');
    await useTestDatabase(dataDir);
    init = await cli(dataDir, 'init');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('init creates the data dir with its keys readable by the owner only, and prints the first admin and an enrolment code', () => {
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/first administrator: admin \/ \S{20}/);
    expect(init.stdout).toMatch(/enrolment code: [A-Z0-9]{4}(-[A-Z0-9]{4}){3}/);
    for (const secret of ['pki/ca.key', 'pki/server.key', 'pepper.key', 'card-keys.json', ...(testBackend() === 'sqlite' ? ['central.sqlite'] : [])]) {
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
      const enrol = await request(new URL(API.enrol, store.enrolmentUrl), { method: 'POST', dispatcher: anonymous, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'admin desk', csrPem }) });
      const { certificatePem } = (await enrol.body.json()) as { certificatePem: string };
      const desk = new Agent({ connect: { ca: store.caPem, cert: certificatePem, key: keyPem } });
      const signIn = await request(new URL(API.session, store.url), { method: 'POST', dispatcher: desk, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
      expect(signIn.statusCode).toBe(200);
      // an administrator signs in with a second factor (issue 14): enrolled at this first sign-in
      const { secondFactor } = (await signIn.body.json()) as { secondFactor: { challenge: string; enrol: { secret: string } } };
      rememberSecret('admin', secondFactor.enrol.secret);
      const second = await request(new URL(API.secondFactor, store.url), { method: 'POST', dispatcher: desk, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ challenge: secondFactor.challenge, code: await totpFor('admin') }) });
      expect(second.statusCode).toBe(200);
      expect(((await second.body.json()) as { user: { role: string } }).user.role).toBe('admin');
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
    const checkpointed = await cli(dataDir, 'audit-checkpoint');
    const row = /^checkpoint of row (\d+) signed \(key [0-9a-f]{16}\) and written to /.exec(checkpointed.stdout)?.[1];
    expect(row, checkpointed.stdout).toBeDefined();
    const verified = await cli(dataDir, 'verify-audit');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(new RegExp(`audit log intact: \\d+ rows\n\\d+ signed checkpoint\\(s\\), 0 restore\\(s\\); the newest in force signs row ${row} `));
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

  it('list-devices lists the enrolled workstation; revoke-device, disable-user and enable-user each write an audit row, and the chain verifies', async () => {
    const central = await openCentral({ dataDir });
    const device = await central.db.selectFrom('devices').select('id').where('name', '=', 'admin desk').executeTakeFirstOrThrow();
    const jo = await central.db.selectFrom('users').select('id').where('username', '=', 'jo.rep').executeTakeFirstOrThrow();
    const auditBefore = Number((await central.db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow()).seq);
    await central.close();
    const minute = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d';

    const listed = await cli(dataDir, 'list-devices');
    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^id\s+name\s+enrolled \(UTC\)\s+last sign-in \(UTC\)\s+revoked \(UTC\)$/);
    // the first admin signed in from it above; it is not revoked
    expect(rows).toEqual([expect.stringMatching(new RegExp(`^${device.id}\\s+admin desk\\s+${minute}\\s+${minute}\\s+-$`))]);

    const revoked = await cli(dataDir, 'revoke-device', device.id);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked device ${device.id} (admin desk): 1 live session(s) ended`);
    expect((await cli(dataDir, 'list-devices')).stdout).toMatch(new RegExp(`${device.id}\\s+admin desk\\s+${minute}\\s+${minute}\\s+${minute}\\n`));
    const again = await cli(dataDir, 'revoke-device', device.id);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('was already revoked');

    const disabled = await cli(dataDir, 'disable-user', 'jo.rep');
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toContain('disabled jo.rep (care_rep): 0 live session(s) ended');
    const enabled = await cli(dataDir, 'enable-user', 'jo.rep');
    expect(enabled.code).toBe(0);
    expect(enabled.stdout).toContain('enabled jo.rep (care_rep)');

    const after = await openCentral({ dataDir });
    try {
      const audit = await after.db.selectFrom('audit_log').select(['action', 'outcome', 'device_id', 'entity_id', 'detail']).where('seq', '>', auditBefore).orderBy('seq').execute();
      expect(audit).toEqual([
        { action: 'device.revoked', outcome: 'ok', device_id: device.id, entity_id: device.id, detail: expect.stringMatching(/^admin desk revoked by the command line \(OS user .+\); 1 live session\(s\) ended$/) },
        { action: 'user.disabled', outcome: 'ok', device_id: null, entity_id: jo.id, detail: expect.stringMatching(/^jo\.rep disabled by the command line/) },
        { action: 'user.enabled', outcome: 'ok', device_id: null, entity_id: jo.id, detail: expect.stringMatching(/^jo\.rep enabled by the command line/) },
      ]);
      expect((await after.db.selectFrom('users').select('status').where('id', '=', jo.id).executeTakeFirstOrThrow()).status).toBe('active');
    } finally {
      await after.close();
    }
    const verified = await cli(dataDir, 'verify-audit');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/audit log intact/);
    // seven runs of the CLI, each its own Node process: a loaded machine takes minutes, not one
  }, 180_000);

  it('refuses a serve port that is not a number, naming the option, before listening', async () => {
    const serve = await cli(dataDir, 'serve', '--port', '0', '--enrolment-port', 'eight');
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain('--enrolment-port must be a number');
  });

  it('names the device or user it cannot find, and exits non-zero', async () => {
    const device = await cli(dataDir, 'revoke-device', 'no-such-device');
    expect(device.code).toBe(1);
    expect(device.stderr).toContain('no such device: no-such-device');
    for (const command of ['disable-user', 'enable-user']) {
      const user = await cli(dataDir, command, 'nobody.here');
      expect(user.code, command).toBe(1);
      expect(user.stderr, command).toContain('no such user: nobody.here');
    }
    const missing = await cli(dataDir, 'revoke-device');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('give the device id');
  });

  // (on PostgreSQL the database is backed up and restored with its own tools: see the PostgreSQL test of restore)
  sqliteOnly('backup writes a copy of the database that restore puts back, saying what is not in it; each names its missing option', async () => {
    const copy = join(root, 'copy.sqlite');
    const backup = await cli(dataDir, 'backup', '--to', copy);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain('erasure ledger');
    expect(statSync(copy).mode & 0o077).toBe(0);
    const restore = await cli(dataDir, 'restore', '--from', copy);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain('0 erasure(s) from the ledger applied again');
    expect((await cli(dataDir, 'verify-audit')).code).toBe(0);
    const noTo = await cli(dataDir, 'backup');
    expect([noTo.code, noTo.stderr]).toEqual([1, expect.stringContaining('give --to FILE')]);
    const noFrom = await cli(dataDir, 'restore');
    expect([noFrom.code, noFrom.stderr]).toEqual([1, expect.stringContaining('give --from FILE')]);
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
