import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCard, rewrapRow, sealCard, type CardVaultRow } from '../../central/billing/cardVault';
import { keyringFromFile, liveKeyring, readKeyFile, type MasterKey } from '../../central/billing/masterKeys';
import { randomBytes } from 'node:crypto';
import { foundInFiles, spellings } from '../support/cardLeaks';
import { Harness } from './harness';
import { storedFiles } from '../support/storedBytes';

describe('the card vault (PCI DSS 3.5.1)', () => {
  const master: MasterKey = { id: 'mk-test-1', key: randomBytes(32) };
  const keyring = { current: () => master, byId: (id: string) => (id === master.id ? master.key : null), ids: () => [master.id] };
  const card = { paymentMethodId: '0f6b3e62-2b1e-4c59-9a3e-1a2b3c4d5e6f', customerId: '1f6b3e62-2b1e-4c59-9a3e-1a2b3c4d5e6f', cardNumber: '4539148803436467' };

  it('seals a card under its own data key, wrapped by the master key, and opens it again in memory', () => {
    const row = sealCard(master, card, '2026-11-28T00:00:00Z');
    expect(row.key_id).toBe(master.id);
    expect(JSON.stringify(row)).not.toContain(card.cardNumber);
    expect(openCard(keyring, row)).toBe(card.cardNumber);
    const again = sealCard(master, card, '2026-11-28T00:00:00Z');
    expect(again.wrapped_dek).not.toBe(row.wrapped_dek);
    expect(again.ciphertext).not.toBe(row.ciphertext);
  });

  it('refuses a sealed card moved to another payment method, or a data key moved to another row', () => {
    const a = sealCard(master, card, 'now');
    const b = sealCard(master, { ...card, paymentMethodId: '2f6b3e62-2b1e-4c59-9a3e-1a2b3c4d5e6f', cardNumber: '4111111111111111' }, 'now');
    expect(() => openCard(keyring, { ...a, payment_method_id: b.payment_method_id })).toThrow();
    expect(() => openCard(keyring, { ...b, wrapped_dek: a.wrapped_dek } as CardVaultRow)).toThrow();
  });

  it('wraps a data key under a new master key without touching the sealed number', () => {
    const row = sealCard(master, card, 'now');
    const next: MasterKey = { id: 'mk-test-2', key: randomBytes(32) };
    const moved = rewrapRow(keyring, row, next);
    expect(moved.ciphertext).toBe(row.ciphertext);
    expect(moved.key_id).toBe('mk-test-2');
    const both = { current: () => next, byId: (id: string) => (id === next.id ? next.key : null), ids: () => [next.id] };
    expect(openCard(both, moved)).toBe(card.cardNumber);
    expect(() => openCard(keyring, moved)).toThrow(/not in the keyring/);
  });
});

describe('demo cards in the central store', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ customers: 12 });
  });
  afterAll(() => h.dispose());

  const keyFile = () => join(h.dataDir, 'card-keys.json');
  const vaultRows = () => h.store.db.selectFrom('card_vault').selectAll().execute();
  const demoCards = () => Array.from({ length: 12 }, (_, i) => h.customer(i)).flatMap((c) => Object.entries(c.secrets.cardNumbers));

  it('keeps the master key file outside the database, readable by the owner only', () => {
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    const file = readKeyFile(keyFile());
    expect(Object.keys(file.keys)).toEqual([file.current]);
  });

  it('stores each demo card number in the vault only, encrypted, and never as plaintext in the database file', async () => {
    const rows = await vaultRows();
    const cards = demoCards();
    expect(rows).toHaveLength(cards.length);
    const keyring = keyringFromFile(keyFile());
    for (const [paymentMethodId, pan] of cards) {
      const row = rows.find((r) => r.payment_method_id === paymentMethodId)!;
      expect(openCard(keyring, row)).toBe(pan);
    }
    const records = JSON.stringify(await h.store.db.selectFrom('records').select('data').execute());
    expect(cards.filter(([, pan]) => records.includes(pan))).toEqual([]);
    expect(foundInFiles(await storedFiles(h.store), cards.flatMap(([, pan]) => spellings(pan)))).toEqual([]);
  });

  it('rotates the master key: every data key is wrapped again, every card still opens, the old key is gone', async () => {
    const before = readKeyFile(keyFile());
    const live = liveKeyring(keyFile());
    const summary = await h.store.admin.rotateMasterKey();
    expect(summary.rewrapped).toBe(demoCards().length);
    expect(summary.retired).toEqual([before.current]);
    const after = readKeyFile(keyFile());
    expect(after.current).toBe(summary.newKeyId);
    expect(Object.keys(after.keys)).toEqual([summary.newKeyId]);
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    // a running store picks the new key up from the file, no restart
    expect(live.current().id).toBe(summary.newKeyId);

    const rows = await vaultRows();
    expect(new Set(rows.map((r) => r.key_id))).toEqual(new Set([summary.newKeyId]));
    const keyring = keyringFromFile(keyFile());
    for (const [paymentMethodId, pan] of demoCards()) expect(openCard(keyring, rows.find((r) => r.payment_method_id === paymentMethodId)!)).toBe(pan);
  });
});
