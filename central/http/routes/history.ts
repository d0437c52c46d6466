import type { FastifyInstance } from 'fastify';
import { API, HistoryResponse } from '../../../domain';
import type { StoreContext } from '../../context';
import { readHistory } from '../../sync/history';
import { sessionOf } from '../access';

/** A record's change history with the reasons, for the desk's history view (online only). */
export function historyRoutes(app: FastifyInstance, ctx: StoreContext): void {
  app.get<{ Params: { entity: string; id: string } }>(API.history(':entity', ':id'), async (request) =>
    HistoryResponse.parse(await readHistory(ctx, sessionOf(request), request.params.entity, request.params.id)),
  );
}
