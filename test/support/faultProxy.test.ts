import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultProxy } from './faultProxy';
import { eventually } from './workstation';

/**
 * The fault proxy itself, over plain TCP: each fault does what the sync tests rely on, and what
 * passes through arrives whole and in order.
 */
let upstream: Server;
let upstreamSide: Promise<Socket>;
let proxy: FaultProxy;
const payload = Buffer.from(Array.from({ length: 20_000 }, (_, i) => i % 251));

beforeEach(async () => {
  let accepted!: (socket: Socket) => void;
  upstreamSide = new Promise((resolve) => (accepted = resolve));
  upstream = createServer((socket) => accepted(socket));
  await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', ok));
  proxy = await FaultProxy.start((upstream.address() as { port: number }).port, { lifetimeMs: 30_000 });
});
afterEach(async () => {
  await proxy.close();
  await new Promise<void>((ok) => upstream.close(() => ok()));
});

/** A desk-side connection that records what it receives and how it ended. */
async function deskSide(): Promise<{ socket: Socket; received: () => Buffer; ended: Promise<string> }> {
  const socket = connect(proxy.port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<string>((resolve) => {
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    socket.on('close', () => resolve('closed'));
  });
  await new Promise<void>((ok) => socket.once('connect', () => ok()));
  return { socket, received: () => Buffer.concat(chunks), ended };
}

describe('the fault proxy', () => {
  it('passes bytes through whole and in order, and drips them all', async () => {
    const desk = await deskSide();
    proxy.drip(200_000);
    (await upstreamSide).write(payload);
    await eventually(() => desk.received().length === payload.length, 5_000, 'all bytes');
    expect(desk.received().equals(payload)).toBe(true);
    desk.socket.destroy();
  });

  it('drops a connection after exactly N bytes downstream', async () => {
    const desk = await deskSide();
    proxy.dropAfterBytes(1_000);
    (await upstreamSide).write(payload);
    expect(await desk.ended).toBe('closed');
    expect(desk.received().equals(payload.subarray(0, 1_000))).toBe(true);
    expect(proxy.tally.dropped).toBe(1);
  });

  it('resets a connection after N bytes upstream', async () => {
    const desk = await deskSide();
    const central = await upstreamSide;
    const got: Buffer[] = [];
    central.on('data', (chunk: Buffer) => got.push(chunk)).on('error', () => undefined);
    proxy.resetAfterBytes(500, 'up');
    desk.socket.write(payload);
    expect(await desk.ended).toBe('ECONNRESET');
    await eventually(() => Buffer.concat(got).length === 500, 5_000, 'the first 500 bytes upstream');
    expect(proxy.tally.reset).toBe(1);
  });

  it('holds a stalled connection open, forwarding nothing, and delivers everything after', async () => {
    const desk = await deskSide();
    proxy.stall();
    (await upstreamSide).write(payload);
    await eventually(() => proxy.tally.stalled === 1, 5_000, 'stalled');
    await new Promise((r) => setTimeout(r, 200));
    expect(desk.received().length).toBe(0);
    expect(desk.socket.destroyed).toBe(false);
    proxy.unstall();
    await eventually(() => desk.received().length === payload.length, 5_000, 'all bytes after the stall');
    expect(desk.received().equals(payload)).toBe(true);
    desk.socket.destroy();
  });

  it('refuses connections while cut, and takes them again once restored', async () => {
    proxy.cut();
    const refused = connect(proxy.port, '127.0.0.1');
    const end = await new Promise<string>((resolve) => refused.on('error', () => resolve('error')).on('close', () => resolve('closed')));
    expect(end).toMatch(/error|closed/);
    expect(proxy.tally.connections).toBe(0);
    proxy.restore();
    const desk = await deskSide();
    (await upstreamSide).write(payload);
    await eventually(() => desk.received().length === payload.length, 5_000, 'all bytes after the restore');
    desk.socket.destroy();
  });
});
