import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY, CSP_DIRECTIVES, browserWindowOptions } from '../../../electron/main/windowOptions';

const options = browserWindowOptions('/app/out/preload/index.cjs');
const web = options.webPreferences!;

describe('the console window', () => {
  it('runs the renderer sandboxed, context-isolated, without Node and with web security on', () => {
    expect(web).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
    expect(web.enableBlinkFeatures ?? '').toBe('');
  });

  it('opens no developer tools unless asked for explicitly', () => {
    expect(web.devTools).toBe(process.env.CAREDESK_DEVTOOLS === '1');
  });
});

describe('the Content-Security-Policy', () => {
  it('allows only the console’s own origin, and no inline or evaluated script', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe|https?:|data:|blob:|\*/);
  });

  it('is repeated in the page itself, directive for directive (frame-ancestors only works as a header)', () => {
    const html = readFileSync(new URL('../../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    const { 'frame-ancestors': _headerOnly, ...inPage } = CSP_DIRECTIVES;
    expect(meta).toBe(Object.entries(inPage).map(([d, v]) => `${d} ${v}`).join('; '));
  });

  it('serves the console from its own privileged scheme, not file:// or the network', () => {
    expect(APP_ORIGIN).toBe('caredesk://app');
  });
});
