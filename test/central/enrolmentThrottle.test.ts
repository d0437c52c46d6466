import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCentral, type OpenedCentral } from '../../central';
import { enrolDevice } from '../../central/identity/devices';
import { ENROLMENT_THROTTLE, enrolmentSource } from '../../central/identity/enrolmentThrottle';
import { keysAndCsr, testClock, type TestClock } from './harness';
import { useTestDatabase } from '../support/testDatabase';

/**
 * A certificate request no parser accepts: the store answers it with `csr.format` the moment it does
 * any certificate work, so an answer about the code or the rate limit shows it did none (black box,
 * no mock: test files share their modules, vitest.config.ts).
 */
const UNPARSEABLE_CSR = '-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgcmVxdWVzdA==\n-----END CERTIFICATE REQUEST-----\n';

describe('enrolment rate limit', () => {
  let dir: string;
  let central: OpenedCentral;
  let clock: TestClock;
  let csrPem: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'caredesk-enrol-throttle-'));
    clock = testClock();
    await useTestDatabase(dir);
    central = await openCentral({ dataDir: dir, clock });
    csrPem = (await keysAndCsr('desk')).csrPem;
  });
  afterAll(async () => {
    await central.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const enrol = (code: string, source: string, request = csrPem) =>
    enrolDevice(central.context, { code, deviceName: 'desk', csrPem: request }, source).then(
      (ok) => ({ ok: true as const, deviceId: ok.deviceId, code: null, rules: [] as string[] }),
      (err: { code: string; issues?: { rule: string }[] }) => ({ ok: false as const, deviceId: null, code: err.code, rules: (err.issues ?? []).map((i) => i.rule) }),
    );
  const auditRows = async () => Number((await central.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('does no certificate work for 100 wrong codes, refuses after the limit, and audits a few rows, not 100', async () => {
    const rowsBefore = await auditRows();
    const answers = [];
    // a request no parser accepts: had the store looked at it, the answer would be csr.format
    for (let i = 0; i < 100; i++) answers.push((await enrol(`WRNG-CODE-${String(i).padStart(4, '0')}-XXXX`, '203.0.113.7', UNPARSEABLE_CSR)).code);
    expect(answers.slice(0, ENROLMENT_THROTTLE.perSource)).toEqual(Array(ENROLMENT_THROTTLE.perSource).fill('forbidden'));
    expect(answers.slice(ENROLMENT_THROTTLE.perSource)).toEqual(Array(100 - ENROLMENT_THROTTLE.perSource).fill('rate_limited'));
    // the first refusal, and the one that reached the limit
    expect((await auditRows()) - rowsBefore).toBe(2);
    const rows = await central.db.selectFrom('audit_log').select(['action', 'outcome', 'detail']).orderBy('seq', 'desc').limit(2).execute();
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([['device.enrolled', 'denied'], ['device.enrolled', 'denied']]);
    expect(rows[0]!.detail).toContain(`${ENROLMENT_THROTTLE.perSource} refused from it within 15 minutes`);
  });

  it('refuses even a right code from the throttled address until the window passes, then enrols and audits it with its device id', async () => {
    const code = await central.admin.createEnrolmentCode();
    expect(await enrol(code, '203.0.113.7', UNPARSEABLE_CSR)).toMatchObject({ ok: false, code: 'rate_limited' });
    clock.advance(ENROLMENT_THROTTLE.windowMs + 1000);
    // past the window the code is right: now the store reads the request, refuses it, and keeps the code
    expect(await enrol(code, '203.0.113.7', UNPARSEABLE_CSR)).toMatchObject({ ok: false, code: 'validation', rules: ['csr.format'] });
    const enrolled = await enrol(code, '203.0.113.7');
    expect(enrolled.ok).toBe(true);
    const row = await central.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ action: 'device.enrolled', outcome: 'ok', device_id: enrolled.deviceId, entity_id: enrolled.deviceId });
  });

  it('lets other addresses enrol while one is throttled', async () => {
    for (let i = 0; i < ENROLMENT_THROTTLE.perSource; i++) await enrol('WRNG-CODE-AAAA-BBBB', '198.51.100.1');
    expect((await enrol('WRNG-CODE-AAAA-BBBB', '198.51.100.1')).code).toBe('rate_limited');
    expect((await enrol(await central.admin.createEnrolmentCode(), '198.51.100.2')).ok).toBe(true);
  });

  it('pauses enrolment for everyone after too many refusals from many addresses, with a bounded number of audit rows', async () => {
    clock.advance(ENROLMENT_THROTTLE.windowMs + 1000);
    const rowsBefore = await auditRows();
    const perSource = ENROLMENT_THROTTLE.perSource - 1;
    const sources = Math.ceil(ENROLMENT_THROTTLE.global / perSource);
    for (let s = 0; s < sources; s++) {
      for (let i = 0; i < perSource; i++) expect((await enrol('WRNG-CODE-CCCC-DDDD', `192.0.2.${s + 1}`, UNPARSEABLE_CSR)).code).not.toBe('validation');
    }
    expect(await enrol(await central.admin.createEnrolmentCode(), '192.0.2.200', UNPARSEABLE_CSR)).toMatchObject({ code: 'rate_limited' });
    // one row per source, and one when the global limit was reached
    expect((await auditRows()) - rowsBefore).toBeLessThanOrEqual(sources + 1);
  });

  it('keeps one limit per IPv4 address and per IPv6 /64', () => {
    expect(enrolmentSource('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(enrolmentSource('2001:db8:0:12::1')).toBe('2001:db8:0:12::/64');
    expect(enrolmentSource('2001:0db8:0000:0012:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:0:12::/64');
    expect(enrolmentSource('::1')).toBe('0:0:0:0::/64');
  });
});
