import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest test files start first. Vitest's own order in a clean clone (CI has no duration cache)
 * is by file size, which starts the crash suite — a small file driving a long harness — near the end,
 * so the run waits on it alone. Longest first, the two workers finish together (measured in a
 * fresh-clone run; each file's time is in vitest's output).
 */
const LONGEST = [
  'test/crash/crash.test.ts',
  'test/central/cli.test.ts',
  'test/operations/newField.test.ts',
  'test/electron/core/faultProxy.integration.test.ts',
  'test/readme/itAdmin.test.ts',
  'test/electron/core/adminCommands.integration.test.ts',
  'test/central/adminCli.test.ts',
  'test/central/secondFactor.test.ts',
  'test/central/load.pg.test.ts',
  'test/central/retention.test.ts',
  'test/central/policyVersions.test.ts',
];

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const i = LONGEST.findIndex((path) => file.moduleId.endsWith(path));
      return i < 0 ? LONGEST.length : i;
    };
    // a stable sort: the rest keep vitest's order
    return [...(await super.sort(files))].sort((a, b) => rank(a) - rank(b));
  }
}
