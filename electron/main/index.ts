import { hostname } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, Menu, app, dialog, ipcMain, nativeTheme, powerMonitor, protocol, session as electronSession } from 'electron';
import { createWorkstationCore, type WorkstationCore } from '../core';
import { IPC_EVENT, IPC_INVOKE } from '../preload/ipcNames';
import { appResponseHeaders, resolveAppAsset } from './appAssets';
import { denyAllPermissions, lockNavigation } from './hardening';
import { isUserActivity, wireSessionLocks } from './idleLock';
import { createInvokeHandler } from './ipcGuard';
import { applicationMenu } from './menu';
import { openPreferences } from './preferenceStore';
import { UPDATER_SESSION, startUpdates, updatePlan, type Updater } from './updates';
import { APP_ENTRY, APP_SCHEME, browserWindowOptions } from './windowOptions';
import { configFiles, loadWorkstationConfig, type UpdateSettings, type WorkstationConfig } from './workstationConfig';

/**
 * The Electron shell, kept thin (DESIGN §6): it builds the workstation core, one hardened window,
 * and one IPC handler that hands each call to the core's dispatcher. All logic lives in the core
 * and in the small modules beside this file.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const cjsRequire = createRequire(import.meta.url);
const RENDERER_DIR = join(here, '../renderer');
const PRELOAD = join(here, '../preload/index.cjs');

app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);

// No other page, window or webview may ever appear, whoever asks.
app.on('web-contents-created', (_event, contents) => lockNavigation(contents));

async function serveApp(): Promise<void> {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppAsset(RENDERER_DIR, request.url);
    if (!file) return new Response('not found', { status: 404 });
    try {
      return new Response(await readFile(file), { headers: appResponseHeaders(file) });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}

async function startCore(workstation: WorkstationConfig): Promise<WorkstationCore> {
  return createWorkstationCore({
    dataDir: join(app.getPath('userData'), 'workstation'),
    serverUrl: workstation.serverUrl,
    ...(workstation.enrolmentUrl ? { enrolmentUrl: workstation.enrolmentUrl } : {}),
    caPem: workstation.caPem,
    keychainService: 'CareDesk',
    deviceName: workstation.deviceName ?? hostname(),
    ...(workstation.enrolmentCode ? { enrolmentCode: workstation.enrolmentCode } : {}),
  });
}

/**
 * electron-updater is CommonJS and picks its platform's updater when first touched, so it is loaded
 * only where the machine-wide configuration switches updates on.
 */
function keepUpToDate(settings: UpdateSettings): void {
  const plan = updatePlan(settings, process.platform, app.isPackaged);
  if (!plan.run) {
    console.log(`CareDesk updates: ${plan.reason}`);
    return;
  }
  const { autoUpdater } = cjsRequire('electron-updater') as { autoUpdater: Updater };
  startUpdates({ plan, updater: autoUpdater, session: electronSession.fromPartition(UPDATER_SESSION, { cache: false }), log: console.warn });
}

async function main(): Promise<void> {
  await app.whenReady();
  denyAllPermissions(electronSession.defaultSession);
  await serveApp();

  let core: WorkstationCore;
  let workstation: WorkstationConfig;
  try {
    workstation = loadWorkstationConfig(configFiles({ platform: process.platform, env: process.env, userDataDir: app.getPath('userData'), packaged: app.isPackaged }));
    core = await startCore(workstation);
  } catch (err) {
    dialog.showErrorBox('CareDesk cannot start', `This workstation is not configured for a central store.\n\n${(err as Error).message}`);
    app.exit(1);
    return;
  }
  keepUpToDate(workstation.updates);

  const prefs = openPreferences();
  nativeTheme.themeSource = prefs.get().theme;
  Menu.setApplicationMenu(applicationMenu({ theme: prefs.get().theme, onTheme: (theme) => {
    nativeTheme.themeSource = theme;
    prefs.set({ theme });
  }, onLock: () => void core.session.lock() }));

  const window = new BrowserWindow(browserWindowOptions(PRELOAD, prefs.get().windowBounds));
  const contents = window.webContents;

  ipcMain.handle(IPC_INVOKE, createInvokeHandler(core.dispatch));
  const stopEvents = core.events.on((event, payload) => {
    if (!contents.isDestroyed()) contents.send(IPC_EVENT, event, payload);
  });
  wireSessionLocks(powerMonitor, core.session);
  contents.on('before-input-event', (_event, input) => {
    if (isUserActivity(input)) core.session.touch();
  });
  contents.on('did-navigate-in-page', (_event, url) => prefs.rememberView(url));

  window.on('close', () => prefs.set({ windowBounds: window.getNormalBounds() }));
  window.once('ready-to-show', () => window.show());
  await window.loadURL(`${APP_ENTRY}#/${prefs.get().lastView}`);

  app.on('window-all-closed', () => {
    stopEvents();
    ipcMain.removeHandler(IPC_INVOKE);
    void core.close().finally(() => app.quit());
  });
}

app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
if (!app.requestSingleInstanceLock()) app.quit();
else void main();
