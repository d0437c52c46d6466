import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PREVIEW_LABEL, PREVIEW_ORIGIN, PreviewRefused, launchPreview } from '../../scripts/preview/launchPreview';
import { startTestCentral, type TestCentral } from '../support/central';
import { signInAndSync, ui, customerNo, nameOf, openCustomer } from './support/consoleUi';
import { capture, expect, test } from './support/fixtures';

/**
 * `npm start` where no Electron runtime can start: the console preview (scripts/preview) shows the
 * built renderer in the system's Chromium, wired to a real workstation core by the same binding the
 * other specs use. First the launcher itself, signed in through; then the whole `npm start` as a
 * process, stopped with Ctrl+C (SIGINT to its process group, as a terminal sends it).
 */

test.describe('the console preview', () => {
  let central: TestCentral;
  test.beforeAll(async () => {
    central = await startTestCentral({ customers: 200, users: { 'care.rep': 'care_rep' } });
  });
  test.afterAll(async () => central.dispose());

  test('a care rep signs in through the preview launcher and works a caller', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'caredesk-preview-test-'));
    const preview = await launchPreview({
      rendererDir: 'out/renderer',
      dataDir,
      serverUrl: central.store.url,
      caPem: central.store.caPem,
      enrolmentCode: central.enrolmentCode,
      enrolmentUrl: central.store.enrolmentUrl,
      headless: true,
    });
    try {
      const { page } = preview;
      expect(new URL(page.url()).origin).toBe(PREVIEW_ORIGIN);
      await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
      await expect(page.getByTestId('preview-label')).toHaveText(PREVIEW_LABEL);
      await expect(page).toHaveTitle(/\(preview\)$/);
      await signInAndSync(page, 'care.rep');
      const c = customerNo(3);
      await openCustomer(page, c);
      await expect(ui(page).profileName).toHaveText(nameOf(c));
      await capture(page, 'preview-profile');

      // nothing but the console's own files: any other request is refused in the browser (the
      // enrolment listener's health route answers anyone who trusts the CA, so only the filter stops it)
      const reached = await page.evaluate(async (url) => {
        try {
          await fetch(url);
          return true;
        } catch {
          return false;
        }
      }, `${central.store.enrolmentUrl}/v1/health`);
      expect(reached).toBe(false);
    } finally {
      await preview.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('refuses to run outside a private Secret Service, rather than using another key store', async () => {
    const saved = process.env.CAREDESK_KEYRING_READY;
    delete process.env.CAREDESK_KEYRING_READY;
    try {
      await expect(
        launchPreview({ rendererDir: 'out/renderer', dataDir: tmpdir(), serverUrl: central.store.url, caPem: central.store.caPem, headless: true }),
      ).rejects.toThrow(PreviewRefused);
    } finally {
      process.env.CAREDESK_KEYRING_READY = saved;
    }
  });
});

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

test('npm start keeps the central store and the preview running until Ctrl+C stops everything', async () => {
  test.setTimeout(240_000);
  const state = mkdtempSync(join(tmpdir(), 'caredesk-start-'));
  const out = join(state, 'out');
  mkdirSync(out);
  // its own process group, as a terminal gives `npm start`; the preview re-runs itself in a
  // private keyring, so it must not inherit ours
  const env = { ...process.env, CAREDESK_PREVIEW: '1', CAREDESK_PREVIEW_HEADLESS: '1', CAREDESK_STATE_DIR: state, CAREDESK_OUT_DIR: out, CAREDESK_CENTRAL_PORT: '0', CAREDESK_DEMO_CUSTOMERS: '100' };
  delete (env as NodeJS.ProcessEnv).CAREDESK_KEYRING_READY;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await expect.poll(() => output, { timeout: 180_000, intervals: [500] }).toMatch(/preview ready|cannot open/);
    expect(output).toContain('preview ready');
    expect(output).toMatch(/care\.rep\s+care_rep/);
    const port = Number(/Local central store: https:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
    const dataDir = /Preview workstation data \(removed at exit\): (\S+)/.exec(output)?.[1];
    expect(port).toBeGreaterThan(0);
    expect(dataDir && existsSync(dataDir)).toBe(true);
    // kept running: still there a moment later
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await portOpen(port)).toBe(true);
    expect(child.exitCode).toBeNull();

    process.kill(-child.pid!, 'SIGINT');
    const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 60_000))]);
    expect(code, output).toBe(0);
    expect(output).toContain('Stopped.');
    expect(await portOpen(port)).toBe(false);
    expect(existsSync(dataDir!)).toBe(false);
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    rmSync(state, { recursive: true, force: true });
  }
});
