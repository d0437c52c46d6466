import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import { CareDeskError } from '../../../domain/errors';
import type { Keychain } from './keychain';

/**
 * What the user reads when the workstation has no usable OS keychain. DESIGN §4: CareDesk says so
 * plainly and creates no cache; it never falls back to a weaker store (Signal Desktop's Linux
 * `basic_text` fallback left keys readable on disk).
 */
export const NO_KEYCHAIN_MESSAGE =
  'The operating system keychain is not available, so CareDesk cannot protect the key of its local ' +
  'cache and will not create one. On Linux, CareDesk needs a running, unlocked Secret Service: ' +
  'install and enable GNOME Keyring (package gnome-keyring) or KWallet in your desktop session, ' +
  'sign in to the desktop so it is unlocked, then start CareDesk again.';

const PROBE_ACCOUNT_PREFIX = 'probe-';

/**
 * Opens the OS keychain under `service` and proves it works by writing, reading back and deleting
 * a probe entry: keytar reports a missing D-Bus session ("Cannot autolaunch D-Bus without X11
 * $DISPLAY") or a locked collection only when an entry is actually written.
 */
export async function openOsKeychain(service: string): Promise<Keychain> {
  const keychain = new OsKeychain(service);
  const account = `${PROBE_ACCOUNT_PREFIX}${randomUUID()}`;
  const probe = randomUUID();
  try {
    await keychain.set(account, probe);
    const readBack = await keychain.get(account);
    await keychain.delete(account);
    if (readBack !== probe) throw new Error('the keychain did not return what was stored');
  } catch (err) {
    throw new CareDeskError('no_keychain', `${NO_KEYCHAIN_MESSAGE} (${describe(err)})`);
  }
  return keychain;
}

class OsKeychain implements Keychain {
  constructor(private readonly service: string) {}

  get(account: string): Promise<string | null> {
    return keytar.getPassword(this.service, account);
  }

  set(account: string, secret: string): Promise<void> {
    return keytar.setPassword(this.service, account, secret);
  }

  delete(account: string): Promise<boolean> {
    return keytar.deletePassword(this.service, account);
  }
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.slice(0, 200);
}
