import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createWorkstationCore, type WorkstationCore } from '../../electron/core';
import { openOsKeychain } from '../../electron/core/keychain';
import { appResponseHeaders } from '../../electron/main/appAssets';
import { DEFAULT_BOUNDS } from '../../electron/main/windowOptions';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { connectPage } from './pageBridge';

/**
 * The console preview: where no Electron runtime can start, `npm start` shows the built renderer
 * in the system's Chromium, wired to a real workstation core exactly as the end-to-end tests wire
 * it (pageBridge.ts: the shell's IPC guard, the preload's own bridge, JSON over two bindings).
 * Development only: it lives in scripts/, which no package contains.
 *
 * Nothing listens: the page's origin is a name that cannot resolve (`.invalid`), its files are
 * answered from out/renderer by request interception, and every other request is refused. So there
 * is no URL and no HTTP endpoint into the core; the core is reachable only from this page.
 */
export const PREVIEW_ORIGIN = 'https://caredesk.invalid';
const PREVIEW_KEYCHAIN_SERVICE = 'CareDesk-preview';

export interface PreviewOptions {
  /** the built renderer (out/renderer) */
  rendererDir: string;
  /** the workstation's own data folder (cache, device files) */
  dataDir: string;
  serverUrl: string;
  enrolmentUrl?: string;
  caPem: string;
  enrolmentCode?: string;
  deviceName?: string;
  headless?: boolean;
  chromiumPath?: string;
}

export interface Preview {
  page: Page;
  core: WorkstationCore;
  /** resolves when the user closes the window (or the browser goes away) */
  closed: Promise<void>;
  close(): Promise<void>;
}

export class PreviewRefused extends Error {}

export const PREVIEW_LABEL = 'Preview: the console without the Electron shell, for development only';

/** Runs in the page: the window says what it is, in its title and in a corner label. */
function labelAsPreview(text: string): void {
  addEventListener('DOMContentLoaded', () => {
    document.title = `${document.title} (preview)`;
    // a landmark of its own (complementary), so that nothing on the page is outside one
    const label = document.createElement('aside');
    label.textContent = text;
    label.setAttribute('aria-label', 'Preview');
    label.dataset.testid = 'preview-label';
    Object.assign(label.style, {
      position: 'fixed', bottom: '36px', right: '12px', zIndex: '2147483647', pointerEvents: 'none',
      background: '#7c2d12', color: '#fff', font: '600 12px system-ui, sans-serif', padding: '2px 10px', borderRadius: '6px', opacity: '0.9',
    });
    document.body.append(label);
  });
}

/**
 * The preview's keys go to a private Secret Service made for this run (scripts run it under
 * test/with-keyring.sh), never the desktop's keyring, and never an in-memory keychain (DESIGN §4).
 */
async function requirePrivateKeychain(): Promise<void> {
  if (!process.env.CAREDESK_KEYRING_READY) {
    throw new PreviewRefused('the preview runs only inside its own private Secret Service (test/with-keyring.sh); start it with `npm start`');
  }
  try {
    await openOsKeychain(PREVIEW_KEYCHAIN_SERVICE);
  } catch (err) {
    throw new PreviewRefused(`no OS keychain: ${(err as Error).message}`);
  }
}

export async function launchPreview(options: PreviewOptions): Promise<Preview> {
  await requirePrivateKeychain();
  const headless = options.headless ?? false;
  if (!headless && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    throw new PreviewRefused('there is no display (DISPLAY and WAYLAND_DISPLAY are unset), so no window can open here');
  }
  const core = await createWorkstationCore({
    dataDir: options.dataDir,
    serverUrl: options.serverUrl,
    ...(options.enrolmentUrl ? { enrolmentUrl: options.enrolmentUrl } : {}),
    caPem: options.caPem,
    keychainService: PREVIEW_KEYCHAIN_SERVICE,
    deviceName: options.deviceName ?? 'Preview workstation',
    ...(options.enrolmentCode ? { enrolmentCode: options.enrolmentCode } : {}),
  });
  let context: BrowserContext | null = null;
  try {
    // a browser profile of its own inside the workstation's data folder, removed with it
    context = await chromium.launchPersistentContext(join(options.dataDir, 'chromium-profile'), {
      executablePath: options.chromiumPath ?? CHROMIUM_PATH,
      headless,
      // this script stops the browser itself, after the core (Ctrl+C, SIGTERM)
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      // root (a container, CI) cannot use Chromium's sandbox; a desktop user keeps it
      chromiumSandbox: process.getuid?.() !== 0,
      // an app window: no address bar to type into (a password typed there would become a search),
      // no tabs. Chromium needs a real page for it; Playwright's own about:blank start is dropped.
      ignoreDefaultArgs: ['about:blank'],
      // --test-type: no infobar about --no-sandbox over the console when run as root
      args: [...CHROMIUM_ARGS, '--test-type', '--app=data:text/html,', `--window-size=${DEFAULT_BOUNDS.width},${DEFAULT_BOUNDS.height}`],
      viewport: headless ? { width: DEFAULT_BOUNDS.width, height: DEFAULT_BOUNDS.height } : null,
    });
    const root = resolve(options.rendererDir);
    await context.route('**/*', (route) => route.abort('blockedbyclient'));
    await context.route(`${PREVIEW_ORIGIN}/**`, async (route) => {
      const path = decodeURIComponent(new URL(route.request().url()).pathname);
      const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
      if (!file.startsWith(root + sep) || !extname(file)) return route.fulfill({ status: 404 });
      try {
        return await route.fulfill({ status: 200, headers: appResponseHeaders(file), body: await readFile(file) });
      } catch {
        return route.fulfill({ status: 404 });
      }
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const stopEvents = await connectPage(page, core, PREVIEW_ORIGIN);
    await page.addInitScript(labelAsPreview, PREVIEW_LABEL);
    await page.goto(`${PREVIEW_ORIGIN}/index.html`);

    const opened = context;
    const closed = new Promise<void>((done) => {
      page.once('close', () => done());
      opened.once('close', () => done());
    });
    let closing: Promise<void> | null = null;
    return {
      page,
      core,
      closed,
      close: () =>
        (closing ??= (async () => {
          stopEvents();
          await opened.close().catch(() => undefined);
          await core.close();
        })()),
    };
  } catch (err) {
    await context?.close().catch(() => undefined);
    await core.close();
    throw err;
  }
}
