import { describe, expect, it } from 'vitest';
import { formatTallies, runCrashScenarios, SCENARIOS } from './harness';

/**
 * SIGKILL at random points of the first pull, of queuing and pushing edits, and of an incremental
 * pull, then a restart; and the central store killed mid-push-batch: nothing lost, nothing applied
 * twice, the cache opens, sync finishes and the audit chain verifies every time. CI runs CAREDESK_CRASH_KILLS (default 5) kills per scenario; `npm run bench:crash`
 * runs 50 and prints the table.
 */
const KILLS = Number(process.env.CAREDESK_CRASH_KILLS ?? 5);

describe('a workstation or the central store killed mid-sync', () => {
  it(`loses no edit, applies none twice and resumes every time (${KILLS} kills per scenario)`, async () => {
    const tallies = await runCrashScenarios({ kills: KILLS, customers: 1200 });
    console.log(formatTallies(tallies));
    expect(tallies.map((t) => t.scenario)).toEqual([...SCENARIOS]);
    for (const t of tallies) {
      expect(t.failures, t.scenario).toEqual([]);
      expect({ scenario: t.scenario, lost: t.lost, doubled: t.doubled, failedToResume: t.failedToResume }).toEqual({ scenario: t.scenario, lost: 0, doubled: 0, failedToResume: 0 });
      // the harness must really crash the desk mid-phase, or it proves nothing
      expect(t.killed, `${t.scenario}: killed mid-phase`).toBe(KILLS);
    }
  }, 900_000);
});
