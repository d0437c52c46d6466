import {
  CareDeskError,
  CardDetails,
  Id,
  PaymentMethod,
  ValidationError,
  cardBrand,
  cardDetailsIssues,
  mayPerform,
  parseOrThrow,
  project,
  type ReplaceCardRequest,
  type ReplaceCardResponse,
} from '../../domain';
import { appendAudit, type AuditEntry } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { readRecord, writeRecords } from '../storage/recordStore';
import { inTransaction, type Tx } from '../storage/database';
import { checkCaller } from '../verification/callerVerification';
import { replaceVaultRow, sealCard } from './cardVault';

/** What the audit row of a card replacement names: fields, never the card number (PCI DSS 10.2.1.1, 3.4.1). */
const CARD_FIELDS = ['brand', 'last4', 'expMonth', 'expYear', 'holderName', 'billingZip'];

type Deps = Pick<StoreContext, 'db' | 'clock' | 'feed' | 'cardKeys'>;

/**
 * A billing clerk puts the card a customer reads out in place of a payment method: online only,
 * straight into the card vault. The card is checked with the domain's rules (Luhn, expiry, ZIP; a
 * security code is refused), then, in one transaction, the new masked payment method replaces the
 * old one (which leaves with its encrypted card: a card no longer on file is not kept), and the
 * audit row names the fields and the caller verification it rested on. Before the card is looked
 * at, the caller must be verified (`verifiedCaller`: this clerk, this card's customer, within the
 * window). Nothing is half-saved; no answer, error or log carries the number.
 */
export async function replaceCard(ctx: Deps, session: SessionContext, paymentMethodIdParam: string, request: ReplaceCardRequest): Promise<ReplaceCardResponse> {
  const { user } = session;
  const now = ctx.clock();
  const paymentMethodId = parseOrThrow(Id, paymentMethodIdParam, ['paymentMethodId']);
  const audit = (entry: Partial<AuditEntry> & Pick<AuditEntry, 'outcome'>) =>
    inTransaction(ctx.db, (tx) => appendAudit(tx, now, { action: 'card.replace', userId: user.id, role: user.role, deviceId: session.deviceId, entity: 'paymentMethod', entityId: paymentMethodId, ...entry }));

  if (!mayPerform('paymentMethod.replaceCard', user.role)) {
    await audit({ outcome: 'denied', detail: 'role may not replace cards' });
    throw new CareDeskError('forbidden', `the ${user.role} role does not put cards on file`);
  }
  // the customer is the one the store holds the card for, whatever the desk says
  const target = await readRecord(ctx.db, 'paymentMethod', paymentMethodId);
  if (!target?.customerId) throw new CareDeskError('not_found', 'no such payment method');
  const caller = await checkCaller(ctx.db, 'paymentMethod.replaceCard', { userId: user.id, role: user.role }, target.customerId, request, now);
  if (!caller.ok) {
    await audit({ outcome: 'denied', customerId: target.customerId, detail: `refused: caller.not_verified (${caller.why})` });
    throw caller.error;
  }
  const issues = cardDetailsIssues(request.card, now);
  if (issues.length) {
    await audit({ outcome: 'denied', fields: [...new Set(issues.map((i) => i.field))], detail: `refused: ${[...new Set(issues.map((i) => i.rule))].join(', ')}` });
    throw new ValidationError(issues);
  }
  const card = CardDetails.parse(request.card);

  const outcome = await inTransaction(ctx.db, (tx) => replaceInVault(ctx, tx, session, paymentMethodId, request.replacementId, card, caller.verificationId, now));
  if (outcome.wrote) ctx.feed.publish({ kind: 'advanced', head: outcome.seq });
  return { paymentMethod: PaymentMethod.parse(project('paymentMethod', outcome.method, user.role)), replaced: paymentMethodId };
}

async function replaceInVault(ctx: Deps, tx: Tx, session: SessionContext, oldId: string, newId: string, card: CardDetails, verificationId: string | null, now: Date) {
  const old = await readRecord(tx, 'paymentMethod', oldId);
  const already = await readRecord(tx, 'paymentMethod', newId);
  // a retry after a lost answer: the replacement is there already, for the same customer
  if (already?.data && old && old.data === null && already.customerId === old.customerId) {
    return { method: PaymentMethod.parse(already.data), wrote: false, seq: 0 };
  }
  if (!old?.data) throw new CareDeskError('not_found', 'no such payment method (it may have been replaced already)');
  if (already) throw new CareDeskError('conflict', 'the replacement id is already in use');

  const previous = PaymentMethod.parse(old.data);
  const method: PaymentMethod = PaymentMethod.parse({
    id: newId,
    customerId: previous.customerId,
    billingAccountId: previous.billingAccountId,
    brand: cardBrand(card.cardNumber),
    last4: card.cardNumber.slice(-4),
    expMonth: card.expMonth,
    expYear: card.expYear,
    holderName: card.holderName,
    billingZip: card.billingZip,
    isDefault: previous.isDefault,
  });
  const by = session.user.id;
  // the records first: that takes the write lock before the master key is read, so a key rotation never misses this card (rotateMasterKey.ts)
  const [, seq] = await writeRecords(
    tx,
    [
      { op: 'delete', entity: 'paymentMethod', id: oldId, customerId: previous.customerId, fields: [] },
      { op: 'create', entity: 'paymentMethod', id: newId, customerId: previous.customerId, data: method, fields: CARD_FIELDS },
    ],
    {
      at: now,
      by,
      audit: {
        action: 'card.replace',
        outcome: 'ok',
        userId: by,
        role: session.user.role,
        deviceId: session.deviceId,
        entity: 'paymentMethod',
        entityId: newId,
        customerId: previous.customerId,
        fields: CARD_FIELDS,
        detail: `replaces payment method ${oldId}; ${verificationId ? `caller verification ${verificationId}` : 'no caller verification needed'}`,
      },
    },
  );
  const vaultRow = sealCard(ctx.cardKeys.current(), { paymentMethodId: newId, customerId: previous.customerId, cardNumber: card.cardNumber }, now.toISOString());
  await replaceVaultRow(tx, oldId, vaultRow);
  return { method, wrote: true, seq: seq! };
}
