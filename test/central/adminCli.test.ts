import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCentral } from '../../central';
import { DEMO_TEAM } from '../../central/admin/centralAdmin';
import { teamMembersOf } from '../../central/teams/teams';
import { ADMIN_RULES } from '../../domain';
import { centralCli } from '../support/cli';
import { useTestDatabase } from '../support/testDatabase';

/**
 * The administrator's commands of issue 14, run as a second process the way an administrator runs
 * them: the same central functions as the console's admin operations (their guardrails, their audit
 * rows naming the command line), and the demo users, one per role, with the demo team led by the
 * demo supervisor.
 */
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'caredesk-admin-cli-'));
  await useTestDatabase(dataDir);
  const central = await openCentral({ dataDir });
  try {
    const users = await central.admin.seedDemoUsers();
    expect(users.map((u) => u.role).sort()).toEqual(['admin', 'billing_clerk', 'care_rep', 'compliance', 'network_ops', 'supervisor']);
    // a second time changes nothing
    await central.admin.seedDemoUsers();
    const { teams, users: staff } = await central.admin.staffDirectory({ by: 'test' });
    const supervisor = staff.find((u) => u.username === DEMO_TEAM.lead)!;
    expect(teams).toEqual([{ id: expect.any(String), name: DEMO_TEAM.name, leads: [supervisor.id] }]);
    expect((await teamMembersOf(central.db, supervisor.id)).sort()).toEqual(staff.filter((u) => (DEMO_TEAM.members as readonly string[]).includes(u.username)).map((u) => u.id).sort());
  } finally {
    await central.close();
  }
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the administrator’s commands', () => {
  it('change-role, reset-password, session-policy and list-users do what the console does, each audited; the last admin is kept', async () => {
    const role = await centralCli(dataDir, 'change-role', 'care.rep', '--role', 'billing_clerk');
    expect([role.code, role.stdout], role.stderr).toEqual([0, expect.stringContaining('care.rep is now billing_clerk')]);
    const last = await centralCli(dataDir, 'change-role', 'admin', '--role', 'care_rep');
    expect(last.code).toBe(1);
    expect(last.stderr).toContain(ADMIN_RULES.lastAdmin);
    const reset = await centralCli(dataDir, 'reset-password', 'net.ops');
    expect(reset.stdout).toMatch(/new password for net\.ops: [A-Za-z0-9_-]{20}/);
    const policy = await centralCli(dataDir, 'session-policy', '--idle-minutes', '9');
    expect(policy.stdout).toContain('idle lock 9 min, maximum offline 72 h');
    const absurd = await centralCli(dataDir, 'session-policy', '--idle-minutes', '90');
    expect([absurd.code, absurd.stderr]).toEqual([1, expect.stringContaining('idleLockMinutes')]);
    const listed = await centralCli(dataDir, 'list-users');
    expect(listed.stdout).toMatch(/care\.rep\s+billing_clerk\s+active\s+Care team North/);

    const central = await openCentral({ dataDir });
    try {
      const rows = await central.db.selectFrom('audit_log').select(['action', 'outcome', 'user_id', 'detail']).where('action', 'in', ['user.role_changed', 'user.password_reset', 'session_policy.changed']).orderBy('seq').execute();
      expect(rows.map((r) => [r.action, r.outcome, r.user_id])).toEqual([
        ['user.role_changed', 'ok', null],
        ['user.role_changed', 'denied', null],
        ['user.password_reset', 'ok', null],
        ['session_policy.changed', 'ok', null],
      ]);
      expect(rows.every((r) => r.detail!.includes('the command line'))).toBe(true);
    } finally {
      await central.close();
    }
  }, 300_000);
});
