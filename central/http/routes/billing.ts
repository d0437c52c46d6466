import type { FastifyInstance } from 'fastify';
import { ADJUSTMENT_FIELDS_BEFORE_APPROVALS, API, AdjustmentRequest, AdjustmentResponse, ReplaceCardRequest, ReplaceCardResponse, parseOrThrow } from '../../../domain';
import { recordAdjustment } from '../../billing/adjustments';
import { replaceCard } from '../../billing/replaceCard';
import type { StoreContext } from '../../context';
import { sessionOf } from '../access';

/** The online-only billing calls: a new card on file, a credit or adjustment. */
export function billingRoutes(app: FastifyInstance, ctx: StoreContext): void {
  app.post<{ Params: { paymentMethodId: string } }>(API.replaceCard(':paymentMethodId'), async (request) => {
    const body = parseOrThrow(ReplaceCardRequest, request.body);
    return ReplaceCardResponse.parse(await replaceCard(ctx, sessionOf(request), request.params.paymentMethodId, body));
  });

  app.post<{ Params: { billingAccountId: string } }>(API.adjustments(':billingAccountId'), async (request) => {
    const body = parseOrThrow(AdjustmentRequest, request.body);
    const answer = AdjustmentResponse.parse(await recordAdjustment(ctx, sessionOf(request), request.params.billingAccountId, body));
    // a desk older than approvals (protocol 4) refuses fields its strict schema does not know: it is told what it knows
    return request.syncProtocol >= 4 ? answer : { ...answer, adjustment: pick(answer.adjustment, ADJUSTMENT_FIELDS_BEFORE_APPROVALS) };
  });
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => k in value).map((k) => [k, value[k]])) as Pick<T, K>;
}
