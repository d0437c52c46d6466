import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { CareDeskError } from '../../../domain/errors';
import { CentralClient, NotSentError } from '../../../electron/core/sync/centralClient';

/**
 * Whether a failed request can have reached the central store decides whether the user may still
 * take back the edits it carried (Outbox.discardPending). Only a failure before any TLS session
 * existed is "not sent"; the rest are unknown. Real sockets on loopback.
 */
const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) await new Promise((ok) => server.close(ok));
});

async function listening(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createTcpServer(onConnection);
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return (server.address() as { port: number }).port;
}

const body = { clientId: '8d3c1f5e-2a4b-4c6d-8e9f-0a1b2c3d4e5f', mutations: [], views: [] };
const CA = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZ2Vu\n-----END CERTIFICATE-----\n';

async function pushTo(port: number): Promise<unknown> {
  const client = new CentralClient(`https://127.0.0.1:${port}`, CA, null, { connectMs: 1_000, headersMs: 1_000, bodyMs: 1_000 });
  try {
    return await client.push('token', body).then(
      () => 'answered',
      (err: unknown) => err,
    );
  } finally {
    await client.close();
  }
}

describe('a push that fails before anything was sent', () => {
  it('is not sent when nothing listens', async () => {
    const port = await listening(() => undefined);
    await new Promise((ok) => servers.pop()!.close(ok));
    expect(await pushTo(port)).toBeInstanceOf(NotSentError);
  });

  it('is not sent when the connection closes before the TLS session is set up', async () => {
    const port = await listening((socket) => socket.destroy());
    expect(await pushTo(port)).toBeInstanceOf(NotSentError);
  });

  it('is not sent when the TLS handshake never completes (the connect timeout)', async () => {
    const port = await listening((socket) => socket.on('data', () => undefined));
    const err = await pushTo(port);
    expect(err).toBeInstanceOf(CareDeskError);
    expect(err).toBeInstanceOf(NotSentError);
  });
});
