import { afterAll, describe, expect, it } from 'vitest';
import { MemoryKeychain, NO_KEYCHAIN_MESSAGE, openOsKeychain } from '../../../electron/core/keychain';
import { runFixture } from './helpers';

describe('the OS keychain port', () => {
  const service = `caredesk-test-keychain-${process.pid}-${Date.now()}`;
  afterAll(async () => {
    const keychain = await openOsKeychain(service);
    await keychain.delete('some-account');
  });

  it('stores, reads back and deletes a secret in the Secret Service', async () => {
    const keychain = await openOsKeychain(service);
    expect(await keychain.get('some-account')).toBeNull();
    await keychain.set('some-account', 's3cret');
    expect(await keychain.get('some-account')).toBe('s3cret');
    // a second handle on the same service sees it: it lives in the OS store, not in this process
    expect(await (await openOsKeychain(service)).get('some-account')).toBe('s3cret');
    expect(await keychain.delete('some-account')).toBe(true);
    expect(await keychain.get('some-account')).toBeNull();
    expect(await keychain.delete('some-account')).toBe(false);
  });

  it('says plainly that there is no OS keychain when no Secret Service can be reached, and falls back to nothing', () => {
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    delete env.XDG_RUNTIME_DIR;
    const result = runFixture('probeKeychain.ts', env);
    const outcome = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { code?: string; message?: string; opened?: boolean };
    expect(outcome.opened).toBeUndefined();
    expect(outcome.code).toBe('no_keychain');
    expect(outcome.message).toContain(NO_KEYCHAIN_MESSAGE);
    expect(outcome.message).toMatch(/will not create/);
    expect(outcome.message).toMatch(/gnome-keyring/i);
  });

  it('has an in-memory keychain for tests of logic only', async () => {
    const keychain = new MemoryKeychain();
    await keychain.set('a', '1');
    expect(await keychain.get('a')).toBe('1');
    expect(await keychain.delete('a')).toBe(true);
    expect(await keychain.get('a')).toBeNull();
  });
});
