import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/** The whole suite must run: a skipped (or fixme) end-to-end test fails the run, as in vitest.config.ts. */
export default class NoSkipReporter implements Reporter {
  private readonly skipped: string[] = [];

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status === 'skipped') this.skipped.push(test.titlePath().join(' › '));
  }

  async onEnd(_result: FullResult): Promise<{ status: FullResult['status'] } | undefined> {
    if (this.skipped.length === 0) return undefined;
    console.error(`\n${this.skipped.length} end-to-end test(s) skipped; none may be:\n  ${this.skipped.join('\n  ')}`);
    return { status: 'failed' };
  }
}
