import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A desk's network cable to the central store: a TCP relay on loopback (TLS and the device
 * certificate pass through it untouched). A test can cut it (that desk alone goes offline),
 * restore it, or slow it down to watch a first sync arrive.
 */
export class NetworkLink {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private down = false;
  private bytesPerSecond: number | null = null;
  port = 0;

  constructor(private readonly upstreamPort: () => number) {}

  async start(): Promise<this> {
    this.server = createServer((client) => this.relay(client));
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  /** the URL a workstation uses to reach the central store through this link */
  url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.down = false;
  }

  /** limits what the central store sends to the desk; null lifts the limit */
  throttle(bytesPerSecond: number | null): void {
    this.bytesPerSecond = bytesPerSecond;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  private relay(client: Socket): void {
    if (this.down) return void client.destroy();
    const upstream = connect(this.upstreamPort(), '127.0.0.1');
    this.sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!this.bytesPerSecond) {
        if (!client.write(chunk)) {
          upstream.pause();
          client.once('drain', () => upstream.resume());
        }
        return;
      }
      upstream.pause();
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk);
        upstream.resume();
      }, (chunk.length / this.bytesPerSecond) * 1000);
    });
  }
}
