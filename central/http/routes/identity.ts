import type { FastifyInstance } from 'fastify';
import { API, EnrolRequest, type BillingPolicy, EnrolResponse, SecondFactorChallenge, SecondFactorRequest, SecondFactorSignIn, SessionInfo, SignInRequest, SignInResponse, parseOrThrow } from '../../../domain';
import type { StoreContext } from '../../context';
import { enrolDevice } from '../../identity/devices';
import { enrolmentSource } from '../../identity/enrolmentThrottle';
import { finishSecondFactor } from '../../identity/secondFactor';
import type { Readiness } from '../../ops/readiness';
import { sessionInfo, signIn, signOut } from '../../identity/sessions';
import { deviceOf, sessionOf } from '../access';

/** On both listeners: whether the store is up, and its clock. */
export function healthRoute(app: FastifyInstance, ctx: StoreContext): void {
  app.get(API.health, { config: { access: 'public' } }, async () => ({ status: 'ok', serverTime: ctx.clock().toISOString() }));
}

/**
 * On every listener, the ops listener's too: whether this node should take traffic (ops/readiness.ts).
 * Public like health: a load balancer's probe has no device certificate, so it asks the enrolment or
 * the ops listener; the answer names a reason, never the database or its error.
 */
export function readyRoute(app: FastifyInstance, readiness: Readiness): void {
  app.get(API.ready, { config: { access: 'public' } }, async (_request, reply) => {
    const answer = await readiness.check();
    void reply.header('cache-control', 'no-store');
    return answer.ready ? { status: 'ready' } : reply.status(503).send({ status: 'not_ready', reason: answer.reason, message: answer.message });
  });
}

/** Device enrolment, served on the enrolment listener only (server.ts). */
export function enrolmentRoutes(app: FastifyInstance, ctx: StoreContext): void {
  app.post(API.enrol, async (request) => {
    const body = parseOrThrow(EnrolRequest, request.body);
    return EnrolResponse.parse(await enrolDevice(ctx, body, enrolmentSource(request.ip)));
  });
}

/** The store's billing policy, for desks that know it (protocol 4; an older desk's strict schema refuses a field it does not know). */
function billingPolicy(ctx: Pick<StoreContext, 'adjustmentApprovalAboveCents'>, protocol: number): { billing?: BillingPolicy } {
  return protocol >= 4 ? { billing: { adjustmentApprovalAboveCents: ctx.adjustmentApprovalAboveCents } } : {};
}

/** Sign-in, the session check and sign-out, for enrolled devices. */
export function identityRoutes(app: FastifyInstance, ctx: StoreContext): void {
  app.post(API.session, { config: { access: 'device' } }, async (request) => {
    const body = parseOrThrow(SignInRequest, request.body);
    const answer = await signIn(ctx, body, deviceOf(request).id);
    // a role with a second factor gets a challenge, not a session (domain/secondFactor.ts)
    if ('secondFactor' in answer) return SecondFactorChallenge.parse(answer);
    return SignInResponse.parse({ ...answer, ...billingPolicy(ctx, request.syncProtocol) });
  });

  // the second step, for the same device: the challenge and a code (a challenge is no bearer token)
  app.post(API.secondFactor, { config: { access: 'device' } }, async (request) => {
    const body = parseOrThrow(SecondFactorRequest, request.body);
    return SecondFactorSignIn.parse({ ...(await finishSecondFactor(ctx, body, deviceOf(request).id)), ...billingPolicy(ctx, request.syncProtocol) });
  });

  // the access check has done the work: the token is good, its user active, its device enrolled
  app.get(API.session, async (request) => SessionInfo.parse({ ...(await sessionInfo(ctx, sessionOf(request))), ...billingPolicy(ctx, request.syncProtocol) }));

  app.delete(API.session, async (request, reply) => {
    await signOut(ctx, sessionOf(request));
    return reply.status(204).send();
  });
}
