import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/preview/chromium';

/**
 * End-to-end tests of the care rep's console: the built renderer in Debian's Chromium, headless,
 * each page wired to a real workstation core and a real central store (test/e2e/support).
 * Run through `npm run test:e2e`, which provides the OS keychain (Secret Service) the core needs.
 */
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  globalSetup: './test/e2e/support/globalSetup.ts',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  // two tests at a time, whatever their file: each test starts its own central store and desks (own
  // ports, data dirs and keychain services), so no two share state; CAREDESK_E2E_WORKERS=1 runs one at a time
  workers: Number(process.env.CAREDESK_E2E_WORKERS ?? 2),
  retries: 0,
  forbidOnly: true,
  reporter: [['list'], ['./test/e2e/support/noSkipReporter.ts']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', ...CHROMIUM_ARGS],
    },
    trace: 'retain-on-failure',
  },
});
