import { hostname } from 'node:os';
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
import { APP_ENTRY, APP_SCHEME, browserWindowOptions } from './windowOptions';
import { configPath, readWorkstationFile } from './workstationConfig';

/**
 * The Electron shell, kept thin (DESIGN §6): it builds the workstation core, one hardened window,
 * and one IPC handler that hands each call to the core's dispatcher. All logic lives in the core
 * and in the small modules beside this file.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
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

async function startCore(): Promise<WorkstationCore> {
  const file = configPath(process.env, app.getPath('userData'));
  const workstation = readWorkstationFile(file);
  return createWorkstationCore({
    dataDir: join(app.getPath('userData'), 'workstation'),
    serverUrl: workstation.serverUrl,
    caPem: workstation.caPem,
    keychainService: 'CareDesk',
    deviceName: workstation.deviceName ?? hostname(),
    ...(workstation.enrolmentCode ? { enrolmentCode: workstation.enrolmentCode } : {}),
  });
}

async function main(): Promise<void> {
  await app.whenReady();
  denyAllPermissions(electronSession.defaultSession);
  await serveApp();

  let core: WorkstationCore;
  try {
    core = await startCore();
  } catch (err) {
    dialog.showErrorBox('CareDesk cannot start', `This workstation is not configured for a central store.\n\n${(err as Error).message}`);
    app.exit(1);
    return;
  }

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
