import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'electron-vite';
import { startCentralStore, type CentralStore } from '../central';
import { demoCustomer } from '../domain/demo/generator';
import { formatPhone } from '../domain/validation';
import { findElectronBinary } from './electronBinary';

/**
 * `npm start`: builds main, preload and renderer; when no central store is configured, starts a
 * local one (embedded SQLite, generated CA, demo customers, one demo user per role) and launches
 * Electron pointed at it. Where no Electron binary can be had, says so and how to run the store alone.
 *
 * Configure a real central store with CAREDESK_WORKSTATION_CONFIG=path/to/workstation.json
 * ({ "serverUrl": "https://…", "caFile": "ca.pem", "enrolmentCode": "…" }).
 */
const ROOT = resolve(import.meta.dirname, '..');
const STATE = join(ROOT, '.caredesk');
const DEMO_CUSTOMERS = Number(process.env.CAREDESK_DEMO_CUSTOMERS ?? 2000);
const DEMO_SEED = 1;
const DEMO_HISTORY_MONTHS = 6;
// the port `npm run central -- serve` uses too, so the workstation's configuration stays valid
const PORT = Number(process.env.CAREDESK_CENTRAL_PORT ?? 8443);

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
  const users = await store.admin.seedDemoUsers();
  const credentials = join(STATE, 'demo-users.txt');
  const created = users.filter((u) => u.password);
  if (created.length) {
    // demo accounts of a local development store only; the file is readable by this OS user alone
    writeFileSync(credentials, created.map((u) => `${u.username.padEnd(14)} ${u.role.padEnd(14)} ${u.password}`).join('\n') + '\n', { mode: 0o600 });
  }
  const configFile = join(STATE, 'workstation.json');
  const enrolmentCode = await store.admin.createEnrolmentCode({ uses: 1, hours: 24 });
  writeFileSync(configFile, JSON.stringify({ serverUrl: store.url, caPem: store.caPem, enrolmentCode, deviceName: 'Development workstation' }, null, 2));

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

async function main(): Promise<void> {
  console.log('Building main, preload and renderer…');
  await build({ configFile: join(ROOT, 'electron.vite.config.ts'), logLevel: 'warn' });

  const configured = process.env.CAREDESK_WORKSTATION_CONFIG;
  const local = configured ? null : await localCentralStore();
  const configFile = configured ? resolve(configured) : local!.configFile;

  const electron = findElectronBinary();
  if (electron.path === null) {
    console.error(
      [
        '',
        'The Electron runtime is not installed on this machine and could not be downloaded',
        `(${electron.reason}), so the console window cannot open here.`,
        'Everything else is built (out/). To run the central store alone:',
        '',
        '    npm run central -- serve',
        '',
      ].join('\n'),
    );
    await local?.store.close();
    process.exit(1);
  }

  console.log('\nStarting CareDesk…');
  console.log(
    'The native add-ons (encrypted SQLite, keytar, argon2) must be built for Electron: if it reports a\n' +
      'NODE_MODULE_VERSION mismatch, run `npx electron-builder install-app-deps` (and `npm rebuild` before the Node tests).',
  );
  const child = spawn(electron.path, [join(ROOT, 'out/main/index.js')], {
    stdio: 'inherit',
    env: { ...process.env, CAREDESK_WORKSTATION_CONFIG: configFile },
  });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', async (code) => {
    await local?.store.close();
    process.exit(code ?? 0);
  });
}

await main();
