import type { Keychain } from './keychain';

/** A keychain that lives in memory: for unit tests of logic only, never for a real cache. */
export class MemoryKeychain implements Keychain {
  private readonly entries = new Map<string, string>();

  async get(account: string): Promise<string | null> {
    return this.entries.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    this.entries.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    return this.entries.delete(account);
  }
}
