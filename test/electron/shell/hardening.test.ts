import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { denyAllPermissions, lockNavigation, type HardenableContents, type HardenableSession } from '../../../electron/main/hardening';
import { isUserActivity, wireSessionLocks } from '../../../electron/main/idleLock';

describe('the shell’s hardening', () => {
  it('denies every navigation, redirect, webview and new window', () => {
    const contents = new EventEmitter() as EventEmitter & HardenableContents;
    let openHandler: (() => { action: string }) | undefined;
    contents.setWindowOpenHandler = (h) => void (openHandler = h as never);
    lockNavigation(contents);
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      const preventDefault = vi.fn();
      contents.emit(event, { preventDefault });
      expect(preventDefault, event).toHaveBeenCalled();
    }
    expect(openHandler?.()).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check', () => {
    const handlers: Record<string, (...args: never[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: never) => void (handlers.request = h),
      setPermissionCheckHandler: (h: never) => void (handlers.check = h),
      setDevicePermissionHandler: (h: never) => void (handlers.device = h),
      setDisplayMediaRequestHandler: (h: never) => void (handlers.display = h),
    } as unknown as HardenableSession;
    denyAllPermissions(session);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'serial']) {
      const callback = vi.fn();
      (handlers.request as (...a: unknown[]) => void)({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect((handlers.check as () => boolean)()).toBe(false);
    expect((handlers.device as () => boolean)()).toBe(false);
    const display = vi.fn();
    (handlers.display as (...a: unknown[]) => void)({}, display);
    expect(display).toHaveBeenCalledWith({});
  });

  it('locks the session when the computer sleeps or its screen locks', () => {
    const system = new EventEmitter();
    const session = { lock: vi.fn(async () => undefined), touch: vi.fn(), checkIdle: vi.fn(async () => undefined) };
    wireSessionLocks(system as never, session);
    system.emit('suspend');
    system.emit('lock-screen');
    expect(session.lock).toHaveBeenCalledTimes(2);
  });

  it('counts keys and clicks as activity, not key releases', () => {
    expect(isUserActivity({ type: 'keyDown' })).toBe(true);
    expect(isUserActivity({ type: 'keyUp' })).toBe(false);
  });
});
