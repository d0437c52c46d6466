import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import { CareDeskError } from '../../domain';
import type { StoreContext } from '../context';
import { deviceByFingerprint } from '../identity/devices';
import { authenticate, type SessionContext } from '../identity/sessions';
import { certificateFingerprint } from '../pki/certificates';

/**
 * Who may call a route. `public`: anyone who completed the TLS handshake (health; on the API
 * listener that already takes a device certificate of the organisation CA, server.ts).
 * `device`: an enrolled, unrevoked device certificate. `session`: that, plus a bearer token issued
 * to the same device. Routes are `session` unless they say otherwise: fail closed.
 */
export type RouteAccess = 'public' | 'device' | 'session';

export interface EnrolledDevice {
  id: string;
  name: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    device: EnrolledDevice | null;
    session: SessionContext | null;
  }
}

/** The device behind the TLS client certificate. The handshake proved the CA issued it; this checks the device is still enrolled (not revoked). */
async function enrolledDevice(ctx: Pick<StoreContext, 'db'>, request: FastifyRequest): Promise<EnrolledDevice> {
  const socket = request.raw.socket as TLSSocket;
  const peer = socket.authorized ? socket.getPeerX509Certificate() : undefined;
  const device = peer ? await deviceByFingerprint(ctx.db, certificateFingerprint(peer.raw)) : undefined;
  if (!device) throw new CareDeskError('device_not_enrolled', 'this workstation is not enrolled, or its certificate was revoked');
  return device;
}

function bearerToken(request: FastifyRequest): string {
  const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(request.headers.authorization ?? '');
  if (!match) throw new CareDeskError('unauthenticated', 'sign in first');
  return match[1]!;
}

export async function checkAccess(ctx: Pick<StoreContext, 'db' | 'clock'>, request: FastifyRequest): Promise<void> {
  const access = request.routeOptions.config?.access ?? 'session';
  if (access === 'public') return;
  request.device = await enrolledDevice(ctx, request);
  if (access === 'session') request.session = await authenticate(ctx.db, ctx.clock, bearerToken(request), request.device.id);
}

/** For handlers of `device` and `session` routes, which only run after checkAccess succeeded. */
export function deviceOf(request: FastifyRequest): EnrolledDevice {
  if (!request.device) throw new CareDeskError('device_not_enrolled', 'no device');
  return request.device;
}

export function sessionOf(request: FastifyRequest): SessionContext {
  if (!request.session) throw new CareDeskError('unauthenticated', 'sign in first');
  return request.session;
}
