import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CareDeskError } from '../../domain';
import type { Tx } from '../storage/database';
import type { CentralDb, CentralSchema } from '../storage/schema';
import type { MasterKey, MasterKeyring } from './masterKeys';

/**
 * Envelope encryption of card numbers (PCI DSS 3.5.1). Each card gets a random 256-bit data key;
 * the number is sealed with it (AES-256-GCM), and the data key is sealed with the master key
 * (AES-256-GCM). Both seals bind the payment method id as associated data, so a row moved to
 * another payment method, or a data key moved to another row, fails to open.
 * Nothing here logs, and no endpoint ever calls `openCard`: it exists for the payment processor
 * integration and for the tests that prove a stored card is the one typed.
 */
export type CardVaultRow = CentralSchema['card_vault'];

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const panAad = (paymentMethodId: string) => Buffer.from(`caredesk/pan/v1:${paymentMethodId}`);
const dekAad = (keyId: string, paymentMethodId: string) => Buffer.from(`caredesk/dek/v1:${keyId}:${paymentMethodId}`);

function seal(key: Buffer, iv: Buffer, aad: Buffer, plaintext: Buffer): { ciphertext: Buffer; tag: Buffer } {
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES }).setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

function unseal(key: Buffer, iv: Buffer, aad: Buffer, ciphertext: Buffer, tag: Buffer): Buffer {
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES }).setAAD(aad).setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

export function wrapDataKey(master: MasterKey, paymentMethodId: string, dek: Buffer, iv: Buffer = randomBytes(IV_BYTES)): string {
  const { ciphertext, tag } = seal(master.key, iv, dekAad(master.id, paymentMethodId), dek);
  return Buffer.concat([iv, ciphertext, tag]).toString('base64');
}

export function unwrapDataKey(key: Buffer, keyId: string, paymentMethodId: string, wrapped: string): Buffer {
  const bytes = Buffer.from(wrapped, 'base64');
  const iv = bytes.subarray(0, IV_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  return unseal(key, iv, dekAad(keyId, paymentMethodId), bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES), tag);
}

/**
 * A vault row for `cardNumber` (digits only). `random` supplies 32 + 12 + 12 bytes; seeding passes
 * slices of one large draw, which is much faster than a draw per card.
 */
export function sealCard(
  master: MasterKey,
  card: { paymentMethodId: string; customerId: string; cardNumber: string },
  createdAt: string,
  random: Buffer = randomBytes(32 + 2 * IV_BYTES),
): CardVaultRow {
  const dek = Buffer.from(random.subarray(0, 32));
  const iv = random.subarray(32, 32 + IV_BYTES);
  const pan = Buffer.from(card.cardNumber, 'utf8');
  try {
    const { ciphertext, tag } = seal(dek, iv, panAad(card.paymentMethodId), pan);
    return {
      payment_method_id: card.paymentMethodId,
      customer_id: card.customerId,
      key_id: master.id,
      wrapped_dek: wrapDataKey(master, card.paymentMethodId, dek, random.subarray(32 + IV_BYTES, 32 + 2 * IV_BYTES)),
      iv: iv.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: tag.toString('base64'),
      created_at: createdAt,
    };
  } finally {
    dek.fill(0);
    pan.fill(0);
  }
}

/** The card number of a vault row, in memory only. */
export function openCard(keyring: MasterKeyring, row: CardVaultRow): string {
  const master = keyring.byId(row.key_id);
  if (!master) throw new CareDeskError('internal', `master key ${row.key_id} is not in the keyring`);
  const dek = unwrapDataKey(master, row.key_id, row.payment_method_id, row.wrapped_dek);
  try {
    const pan = unseal(dek, Buffer.from(row.iv, 'base64'), panAad(row.payment_method_id), Buffer.from(row.ciphertext, 'base64'), Buffer.from(row.tag, 'base64'));
    const digits = pan.toString('utf8');
    pan.fill(0);
    return digits;
  } finally {
    dek.fill(0);
  }
}

/** The same row with its data key wrapped under `to` instead: the card number itself is never decrypted. */
export function rewrapRow(keyring: MasterKeyring, row: CardVaultRow, to: MasterKey): CardVaultRow {
  const from = keyring.byId(row.key_id);
  if (!from) throw new CareDeskError('internal', `master key ${row.key_id} is not in the keyring`);
  const dek = unwrapDataKey(from, row.key_id, row.payment_method_id, row.wrapped_dek);
  try {
    return { ...row, key_id: to.id, wrapped_dek: wrapDataKey(to, row.payment_method_id, dek) };
  } finally {
    dek.fill(0);
  }
}

/**
 * An erased customer's cards: each row goes with its wrapped data key, so nothing left in this
 * database opens them. A backup taken before still holds the row and its wrapped key, which the
 * master key would open: a restore re-applies the erasure ledger (erasure/restore.ts) before the
 * store serves again, and master keys are rotated (rotate-master-key) on the schedule backups expire.
 */
export async function shredCards(tx: Tx, customerId: string): Promise<number> {
  const result = await tx.deleteFrom('card_vault').where('customer_id', '=', customerId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A replaced card's vault row (the old method's row goes, the new one's comes), in the caller's transaction. */
export async function replaceVaultRow(tx: Tx, oldPaymentMethodId: string, row: CardVaultRow): Promise<void> {
  await tx.deleteFrom('card_vault').where('payment_method_id', '=', oldPaymentMethodId).execute();
  await tx.insertInto('card_vault').values(row).execute();
}

/** Up to `limit` rows whose data key is not wrapped by `keyId` (all of them without a limit). */
export async function rowsNotWrappedBy(db: Tx | CentralDb, keyId: string, limit?: number): Promise<CardVaultRow[]> {
  let query = db.selectFrom('card_vault').selectAll().where('key_id', '!=', keyId).orderBy('payment_method_id');
  if (limit !== undefined) query = query.limit(limit);
  return query.execute();
}

/** Wraps each row's data key again under `to` (master key rotation). */
export async function rewrapRows(tx: Tx, keyring: MasterKeyring, rows: readonly CardVaultRow[], to: MasterKey): Promise<void> {
  for (const row of rows) {
    const next = rewrapRow(keyring, row, to);
    // only if the row is still the one read: a card replaced meanwhile keeps its own new key
    await tx
      .updateTable('card_vault')
      .set({ key_id: next.key_id, wrapped_dek: next.wrapped_dek })
      .where('payment_method_id', '=', row.payment_method_id)
      .where('wrapped_dek', '=', row.wrapped_dek)
      .execute();
  }
}
