/**
 * bench/crash — issue 9: a workstation core killed with SIGKILL at random points of the first pull,
 * of queuing and pushing edits, and of an incremental pull, then restarted; and the central store
 * killed while a push batch is in flight, then restarted (test/crash/harness.ts).
 * Prints scenario × runs → lost, doubled, failed to resume; the target is zero in every column.
 * Runs inside a private Secret Service (the real OS keychain), like the tests.
 *
 *   npm run bench:crash -- [KILLS per scenario, default 50] [--only "first pull" | push | "incremental pull" | "central mid-push"]
 */
import { formatTallies, runCrashScenarios, SCENARIOS, type ScenarioName } from '../test/crash/harness';

const kills = Number(process.argv[2] ?? 50);
const only = process.argv.indexOf('--only');
const scenarios = only > 0 ? SCENARIOS.filter((s) => s === process.argv[only + 1]) : SCENARIOS;
if (scenarios.length === 0) throw new Error(`--only takes one of: ${SCENARIOS.join(', ')}`);
const started = performance.now();
const tallies = await runCrashScenarios({ kills, customers: 1200, scenarios: scenarios as ScenarioName[], onProgress: (line) => console.log(`  ${line}`) });
console.log(`\n${kills} kills per scenario, ${((performance.now() - started) / 1000).toFixed(0)} s; target: 0 lost, 0 doubled, 0 failed to resume\n`);
console.log(formatTallies(tallies));
for (const t of tallies) for (const failure of t.failures) console.log(`  ${failure}`);
process.exit(tallies.every((t) => t.lost + t.doubled + t.failedToResume === 0) ? 0 : 1);
