import type { FastifyInstance } from 'fastify';
import { API, ErasureCertificate } from '../../../domain';
import type { StoreContext } from '../../context';
import { readCertificate } from '../../erasure/certificate';
import { sessionOf } from '../access';

/** An erasure's certificate, for the approvers and compliance (online only). */
export function erasureRoutes(app: FastifyInstance, ctx: StoreContext): void {
  app.get<{ Params: { requestId: string } }>(API.erasureCertificate(':requestId'), async (request) =>
    ErasureCertificate.parse(await readCertificate(ctx, sessionOf(request), request.params.requestId)),
  );
}
