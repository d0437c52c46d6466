import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'electron-vite';
import { startCentralStore, type CentralStore } from '../central';
import { demoCustomer } from '../domain/demo/generator';
import { formatPhone } from '../domain/validation';
import { readWorkstationFile } from '../electron/main/workstationConfig';
import { findElectronBinary } from './electronBinary';
import { nativeAddonsBlocker } from './nativeAddons';
import { CHROMIUM_PATH } from './preview/chromium';
import { PreviewRefused, launchPreview, type Preview } from './preview/launchPreview';

/**
 * `npm start`: builds main, preload and renderer; when no central store is configured, starts a
 * local one (embedded SQLite, generated CA, demo customers, one demo user per role) and launches
 * Electron pointed at it. Where the Electron runtime cannot start, it opens the console preview
 * instead: the same renderer and core in the system's Chromium (scripts/preview), inside a private
 * Secret Service; the local store keeps running until Ctrl+C.
 *
 * Configure a real central store with CAREDESK_WORKSTATION_CONFIG=path/to/workstation.json
 * ({ "serverUrl": "https://…", "caFile": "ca.pem", "enrolmentCode": "…" }; "enrolmentUrl" when the
 * store's enrolment listener is not on its port + 1).
 * CAREDESK_PREVIEW=1 opens the preview even where Electron exists; CAREDESK_PREVIEW_HEADLESS=1
 * runs it without a window (tests); CAREDESK_STATE_DIR moves .caredesk/ and CAREDESK_OUT_DIR out/.
 */
const ROOT = resolve(import.meta.dirname, '..');
const STATE = resolve(process.env.CAREDESK_STATE_DIR ?? join(ROOT, '.caredesk'));
// where electron-vite builds (electron.vite.config.ts reads the same variable)
const OUT = resolve(process.env.CAREDESK_OUT_DIR ?? join(ROOT, 'out'));
const DEMO_CUSTOMERS = Number(process.env.CAREDESK_DEMO_CUSTOMERS ?? 2000);
const DEMO_SEED = 1;
const DEMO_HISTORY_MONTHS = 6;
// the port `npm run central -- serve` uses too, so the workstation's configuration stays valid
const PORT = Number(process.env.CAREDESK_CENTRAL_PORT ?? 8443);
const PREVIEW_FLAG = '--preview';

async function localCentralStore(): Promise<{ store: CentralStore; configFile: string }> {
  const dataDir = join(STATE, 'central');
  mkdirSync(dataDir, { recursive: true });
  const store = await startCentralStore({ dataDir, port: PORT });
  const seededMarker = join(STATE, 'demo-seeded');
  if (!existsSync(seededMarker)) {
    process.stdout.write(`Seeding ${DEMO_CUSTOMERS} demo customers… `);
    await store.admin.seedDemo(DEMO_CUSTOMERS, { seed: DEMO_SEED, historyMonths: DEMO_HISTORY_MONTHS });
    writeFileSync(seededMarker, new Date().toISOString());
    console.log('done.');
  }
  // the privacy policy in force (issue 14): version 1, unless one is published already
  if (await store.policy.seedDemo()) console.log('Privacy-policy version 1 published: each user acknowledges it at their first sign-in.');
  const users = await store.admin.seedDemoUsers();
  const credentials = join(STATE, 'demo-users.txt');
  const created = users.filter((u) => u.password);
  if (created.length) {
    // demo accounts of a local development store only; the file is readable by this OS user alone
    writeFileSync(credentials, created.map((u) => `${u.username.padEnd(14)} ${u.role.padEnd(14)} ${u.password}`).join('\n') + '\n', { mode: 0o600 });
  }
  const configFile = join(STATE, 'workstation.json');
  const enrolmentCode = await store.admin.createEnrolmentCode({ uses: 1, hours: 24 });
  writeFileSync(configFile, JSON.stringify({ serverUrl: store.url, enrolmentUrl: store.enrolmentUrl, caPem: store.caPem, enrolmentCode, deviceName: 'Development workstation' }, null, 2));

  console.log(`\nLocal central store: ${store.url}  (data in ${dataDir})`);
  console.log('Demo users (one per role):');
  for (const u of users) console.log(`  ${u.username.padEnd(14)} ${u.role.padEnd(14)} ${u.password ?? `(password as first printed; see ${credentials})`}`);
  // The demo data is deterministic, so a tester can play a caller who knows their own answers.
  console.log('Demo callers (to verify: account PIN or last 4 of SSN):');
  for (const index of [0, 1, 2]) {
    const { customer, secrets } = demoCustomer(index, { seed: DEMO_SEED, historyMonths: DEMO_HISTORY_MONTHS });
    console.log(`  ${`${customer.firstName} ${customer.lastName}`.padEnd(24)} ${formatPhone(customer.phones[0]!.number).padEnd(16)} PIN ${secrets.accountPin}  SSN last 4 ${secrets.ssnLast4}`);
  }
  return { store, configFile };
}

async function centralFor(): Promise<{ store: CentralStore | null; configFile: string }> {
  const configured = process.env.CAREDESK_WORKSTATION_CONFIG;
  return configured ? { store: null, configFile: resolve(configured) } : localCentralStore();
}

function launchElectron(electronPath: string, configFile: string, store: CentralStore | null): void {
  console.log('\nStarting CareDesk…');
  console.log(
    'The native add-ons (encrypted SQLite, keytar, argon2) must be built for Electron: if it reports a\n' +
      'NODE_MODULE_VERSION mismatch, run `npx electron-builder install-app-deps` (and `npm rebuild` before the Node tests).',
  );
  const child = spawn(electronPath, [join(OUT, 'main/index.js')], { stdio: 'inherit', env: { ...process.env, CAREDESK_WORKSTATION_CONFIG: configFile } });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', async (code) => {
    await store?.close();
    process.exit(code ?? 0);
  });
}

/** What the preview needs from the system (scripts/preflight.sh installs it), or why it cannot run. */
function previewBlocker(): string | null {
  const onPath = (name: string) => (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, name)));
  const missing = [
    ...(existsSync(CHROMIUM_PATH) ? [] : ['chromium']),
    ...(onPath('gnome-keyring-daemon') ? [] : ['gnome-keyring']),
    ...(onPath('dbus-run-session') ? [] : ['dbus']),
  ];
  return missing.length ? `it needs ${missing.join(', ')}: run \`bash scripts/preflight.sh\`` : null;
}

/**
 * Runs this script again inside a private D-Bus session with a fresh gnome-keyring (as the tests
 * do), so the preview's keys never reach the desktop's keyring. Ctrl+C reaches the whole process
 * group; this parent only waits for the child to stop everything and passes its exit code on.
 */
function reexecInPrivateKeyring(): void {
  const child = spawn('bash', [join(ROOT, 'test/with-keyring.sh'), process.execPath, '--import', 'tsx', join(ROOT, 'scripts/start.ts'), PREVIEW_FLAG], {
    stdio: 'inherit',
    env: process.env,
  });
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** Inside the private keyring: the local store (unless one is configured) and the preview window. */
async function runPreview(): Promise<void> {
  const { store, configFile } = await centralFor();
  const workstation = readWorkstationFile(configFile);
  const dataDir = mkdtempSync(join(tmpdir(), 'caredesk-preview-'));
  console.log(`Preview workstation data (removed at exit): ${dataDir}`);
  let preview: Preview | null = null;
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the preview and the central store…');
    await preview?.close().catch(() => undefined);
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
    console.log('Stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  try {
    preview = await launchPreview({
      rendererDir: join(OUT, 'renderer'),
      dataDir,
      serverUrl: workstation.serverUrl,
      ...(workstation.enrolmentUrl ? { enrolmentUrl: workstation.enrolmentUrl } : {}),
      caPem: workstation.caPem,
      ...(workstation.enrolmentCode ? { enrolmentCode: workstation.enrolmentCode } : {}),
      deviceName: 'Preview workstation',
      headless: process.env.CAREDESK_PREVIEW_HEADLESS === '1',
    });
  } catch (err) {
    if (!(err instanceof PreviewRefused)) throw err;
    console.log(`\nThe console preview cannot open: ${err.message}.`);
    if (store) console.log(`The central store keeps running at ${store.url}. Press Ctrl+C to stop it.`);
    else await stop(1);
    return;
  }
  console.log(
    [
      '',
      'CareDesk PREVIEW is open in Chromium: the console and the workstation core as the desktop app',
      'runs them, without the Electron shell (a development aid, never packaged). Its cache and keys',
      'live in a private keyring for this run only. Sign in with a demo user above.',
      'Press Ctrl+C (or close the window) to stop everything.',
    ].join('\n'),
  );
  console.log('preview ready');
  void preview.closed.then(() => stop());
}

async function main(): Promise<void> {
  const addons = nativeAddonsBlocker();
  if (addons) {
    console.error(`CareDesk cannot start: ${addons}`);
    process.exit(1);
  }
  if (process.argv.includes(PREVIEW_FLAG)) return runPreview();

  console.log('Building main, preload and renderer…');
  await build({ configFile: join(ROOT, 'electron.vite.config.ts'), logLevel: 'warn' });

  const electron = process.env.CAREDESK_PREVIEW === '1' ? { path: null, reason: 'CAREDESK_PREVIEW=1' } : findElectronBinary();
  if (electron.path !== null) {
    const { store, configFile } = await centralFor();
    return launchElectron(electron.path, configFile, store);
  }
  console.log(`\nThe Electron runtime cannot start here (${electron.reason}): opening the console preview in Chromium instead.`);
  const blocker = previewBlocker();
  if (blocker) {
    console.error(`The console preview cannot open: ${blocker}.`);
    process.exit(1);
  }
  reexecInPrivateKeyring();
}

await main();
