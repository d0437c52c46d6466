import type { FastifyInstance } from 'fastify';
import { API, EnrolRequest, EnrolResponse, SignInRequest, SignInResponse, parseOrThrow } from '../../../domain';
import type { StoreContext } from '../../context';
import { enrolDevice } from '../../identity/devices';
import { signIn, signOut } from '../../identity/sessions';
import { deviceOf, sessionOf } from '../access';

/** Health, device enrolment, sign-in and sign-out. */
export function identityRoutes(app: FastifyInstance, ctx: StoreContext): void {
  app.get(API.health, { config: { access: 'public' } }, async () => ({ status: 'ok', serverTime: ctx.clock().toISOString() }));

  app.post(API.enrol, { config: { access: 'public' } }, async (request) => {
    const body = parseOrThrow(EnrolRequest, request.body);
    return EnrolResponse.parse(await enrolDevice(ctx, body));
  });

  app.post(API.session, { config: { access: 'device' } }, async (request) => {
    const body = parseOrThrow(SignInRequest, request.body);
    return SignInResponse.parse(await signIn(ctx, body, deviceOf(request).id));
  });

  app.delete(API.session, async (request, reply) => {
    await signOut(ctx, sessionOf(request));
    return reply.status(204).send();
  });
}
