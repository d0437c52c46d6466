export type { Keychain } from './keychain';
export { openOsKeychain, NO_KEYCHAIN_MESSAGE } from './osKeychain';
export { MemoryKeychain } from './memoryKeychain';
