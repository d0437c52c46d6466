import type { Session, WebContents } from 'electron';

type Preventable = { preventDefault(): void };

/** The parts of WebContents the hardening touches (so a unit test can hand in a fake). */
export type HardenableContents = Pick<WebContents, 'setWindowOpenHandler'> & {
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview' | 'will-frame-navigate', listener: (event: Preventable) => void): unknown;
};

/**
 * The console never leaves its page: navigation, redirects, new windows and webviews are denied.
 * Links to the outside world are not opened either (shell.openExternal is never given renderer
 * input), so a compromised renderer cannot launch a URL handler.
 */
export function lockNavigation(contents: HardenableContents): void {
  const deny = (event: Preventable) => event.preventDefault();
  contents.on('will-navigate', deny);
  contents.on('will-frame-navigate', deny);
  contents.on('will-redirect', deny);
  contents.on('will-attach-webview', deny);
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export type HardenableSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'setDisplayMediaRequestHandler'
>;

/** No camera, microphone, notifications, clipboard-read, geolocation, HID, USB, serial, screen capture: every request is denied. */
export function denyAllPermissions(session: HardenableSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback({}));
}
