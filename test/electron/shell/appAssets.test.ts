import { describe, expect, it } from 'vitest';
import { appResponseHeaders, resolveAppAsset } from '../../../electron/main/appAssets';
import { CONTENT_SECURITY_POLICY } from '../../../electron/main/windowOptions';

const dir = '/opt/caredesk/out/renderer';

describe('the app protocol', () => {
  it('serves files of the renderer folder only', () => {
    expect(resolveAppAsset(dir, 'caredesk://app/')).toBe(`${dir}/index.html`);
    expect(resolveAppAsset(dir, 'caredesk://app/assets/index-abc.js')).toBe(`${dir}/assets/index-abc.js`);
    expect(resolveAppAsset(dir, 'caredesk://app/../../etc/passwd')).toBe(`${dir}/etc/passwd`);
    expect(resolveAppAsset(dir, 'caredesk://app/%2e%2e/%2e%2e/etc/passwd')).toBe(`${dir}/etc/passwd`);
    expect(resolveAppAsset(dir, 'caredesk://app/assets%2f..%2f..%2f..%2fetc%2fpasswd')).toBeNull();
    expect(resolveAppAsset(dir, 'caredesk://app/assets/%00.js')).toBeNull();
    expect(resolveAppAsset(dir, 'caredesk://elsewhere/index.html')).toBeNull();
    expect(resolveAppAsset(dir, 'file:///etc/passwd')).toBeNull();
  });

  it('sends the CSP with every response', () => {
    expect(appResponseHeaders('/x/index.html')).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
    });
  });
});
