/**
 * The OS keychain as the core sees it: a small port with one production implementation
 * (`openOsKeychain`, the Secret Service / macOS Keychain / Windows Credential Manager via keytar)
 * and an in-memory one for unit tests of logic. Secrets are strings; callers encode bytes.
 */
export interface Keychain {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** true when an entry was there to delete */
  delete(account: string): Promise<boolean>;
}
