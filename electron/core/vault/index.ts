export { Vault, DEVICE_SECRET_ACCOUNT, type VaultDeps } from './vault';
export { DEFAULT_ARGON2, type Argon2Params } from './keyDerivation';
