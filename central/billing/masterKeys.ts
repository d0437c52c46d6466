import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { CareDeskError } from '../../domain';

/**
 * The card vault's master keys (PCI DSS 3.6/3.7): kept in a file outside the database, readable by
 * the service account only. The file names the current key, which wraps every new data key, and
 * any older keys still wrapping some; `rotate-master-key` moves every data key to a new one.
 * A copy of the database alone therefore decrypts no card.
 */
export interface MasterKey {
  id: string;
  key: Buffer;
}

export interface MasterKeyring {
  /** the key new data keys are wrapped with */
  current(): MasterKey;
  /** the key of a vault row, or null if it is no longer in the keyring */
  byId(id: string): Buffer | null;
  ids(): string[];
}

const KeyFile = z.strictObject({
  current: z.string().regex(/^[a-z0-9-]{4,64}$/),
  keys: z.record(z.string(), z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'a 256-bit key, base64')),
});
type KeyFile = z.infer<typeof KeyFile>;

export function newMasterKeyId(now: Date): string {
  return `mk-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
}

export function readKeyFile(file: string): KeyFile {
  const parsed = KeyFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success || !parsed.data.keys[parsed.data.current]) {
    throw new CareDeskError('validation', `${file} is not a card master key file (it must name its current key and hold it)`);
  }
  return parsed.data;
}

/** Written whole or not at all (rename), readable by the owner only. */
export function writeKeyFile(file: string, content: KeyFile): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** A development key file is made on first start, like the pepper; production names its own file in config.json. */
export function ensureKeyFile(file: string, now: Date): void {
  if (existsSync(file)) return;
  const id = newMasterKeyId(now);
  writeKeyFile(file, { current: id, keys: { [id]: randomBytes(32).toString('base64') } });
}

function keyringOf(content: KeyFile): MasterKeyring {
  const keys = new Map(Object.entries(content.keys).map(([id, b64]) => [id, Buffer.from(b64, 'base64')]));
  return {
    current: () => ({ id: content.current, key: keys.get(content.current)! }),
    byId: (id) => keys.get(id) ?? null,
    ids: () => [...keys.keys()],
  };
}

export function keyringFromFile(file: string): MasterKeyring {
  return keyringOf(readKeyFile(file));
}

/**
 * The keyring of a running store: the file is read again whenever it changed (a rotation writes it
 * by rename), so the store wraps new cards under the new key without a restart.
 */
export function liveKeyring(file: string): MasterKeyring {
  let stamp = '';
  let ring: MasterKeyring | null = null;
  const load = (): MasterKeyring => {
    const s = statSync(file);
    const next = `${s.ino}:${s.mtimeMs}:${s.size}`;
    if (!ring || next !== stamp) {
      ring = keyringFromFile(file);
      stamp = next;
    }
    return ring;
  };
  load();
  return { current: () => load().current(), byId: (id) => load().byId(id), ids: () => load().ids() };
}
