import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The console is served from its own privileged scheme, never from file:// or a remote origin:
 * one origin that the IPC guard can recognise and the CSP can name as 'self'.
 */
export const APP_SCHEME = 'caredesk';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * Strict Content-Security-Policy: our own files only, no inline or evaluated script, no remote
 * origin of any kind, no plugins, no frames, no form posts. Sent as a header by the app protocol
 * and repeated in index.html.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self'",
  'font-src': "'self'",
  'connect-src': "'self'",
  'object-src': "'none'",
  'frame-src': "'none'",
  'worker-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
  'frame-ancestors': "'none'",
};

export const CONTENT_SECURITY_POLICY = Object.entries(CSP_DIRECTIVES)
  .map(([directive, value]) => `${directive} ${value}`)
  .join('; ');

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export const DEFAULT_BOUNDS: WindowBounds = { width: 1360, height: 860 };

/**
 * The one BrowserWindow's options: the renderer is a sandboxed web page with context isolation,
 * no Node, web security on, and no way to grow extra capabilities (no webview, no remote
 * content, no experimental Blink features).
 */
export function browserWindowOptions(preloadPath: string, bounds: WindowBounds = DEFAULT_BOUNDS): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'CareDesk',
    backgroundColor: '#f4f5f7',
    autoHideMenuBar: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: process.env.CAREDESK_DEVTOOLS === '1',
    },
  };
}
