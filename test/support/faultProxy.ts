import { createServer, connect, type Server, type Socket } from 'node:net';

/** down: central store → desk; up: desk → central store */
export type Direction = 'down' | 'up';

type Trip = { action: 'drop' | 'reset' | 'stall'; bytes: number; direction: Direction };

/** Bytes one direction may hold while it waits (stalled or dripping): the sender is paused beyond this. */
const HIGH_WATER = 64 * 1024;
/** A drip forwards a slice this often. */
const DRIP_TICK_MS = 50;

/**
 * A bad network between a desk and the central store, for tests: a TCP relay on loopback that can
 * drop a connection or reset it after some bytes, stall it (open, nothing forwarded), drip it
 * slowly, or cut the line. TLS passes through untouched, so the desk still talks to the real store
 * with its pinned CA and device certificate. A trip (drop, reset, stall after N bytes) counts each
 * connection's bytes from when it was armed, a new connection's from its start, and stays armed
 * until `heal()`. Every buffer is bounded, and the proxy closes itself after `lifetimeMs`.
 */
export class FaultProxy {
  private readonly server: Server;
  private readonly links = new Set<Link>();
  private trip: Trip | null = null;
  private cutOff = false;
  private dripRate: number | null = null;
  private readonly lifetime: NodeJS.Timeout;
  /** what the faults did so far: a test shows its fault was hit, not dodged */
  readonly tally = { connections: 0, refused: 0, dropped: 0, reset: 0, stalled: 0, bytes: { down: 0, up: 0 } };
  port = 0;

  private constructor(
    private readonly upstreamPort: () => number,
    lifetimeMs: number,
  ) {
    this.server = createServer((desk) => this.accept(desk));
    this.lifetime = setTimeout(() => void this.close(), lifetimeMs).unref();
  }

  /** `upstreamPort` is read per connection: a central store restarted on another port is followed */
  static async start(upstreamPort: number | (() => number), options: { lifetimeMs?: number } = {}): Promise<FaultProxy> {
    const proxy = new FaultProxy(typeof upstreamPort === 'number' ? () => upstreamPort : upstreamPort, options.lifetimeMs ?? 5 * 60_000);
    await new Promise<void>((ok) => proxy.server.listen(0, '127.0.0.1', ok));
    proxy.port = (proxy.server.address() as { port: number }).port;
    return proxy;
  }

  /** what a desk uses as its `serverUrl` (127.0.0.1: the store's certificate names it) */
  url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** each connection is closed (both sides) once `bytes` more have passed in `direction` */
  dropAfterBytes(bytes: number, direction: Direction = 'down'): void {
    this.arm({ action: 'drop', bytes, direction });
  }

  /** like `dropAfterBytes`, but the desk's side gets a TCP reset */
  resetAfterBytes(bytes: number, direction: Direction = 'down'): void {
    this.arm({ action: 'reset', bytes, direction });
  }

  /** stops forwarding, now or after `afterBytes` in `direction`; the connections stay open */
  stall(afterBytes = 0, direction: Direction = 'down'): void {
    this.arm({ action: 'stall', bytes: afterBytes, direction });
  }

  unstall(): void {
    if (this.trip?.action === 'stall') this.trip = null;
    for (const link of this.links) link.release();
  }

  /** forwards at most `bytesPerSecond` each way on each connection; null lifts the limit */
  drip(bytesPerSecond: number | null): void {
    this.dripRate = bytesPerSecond;
    for (const link of this.links) link.pump();
  }

  /** every connection closed, new ones refused, until `restore()` */
  cut(): void {
    this.cutOff = true;
    for (const link of [...this.links]) link.close('drop');
  }

  restore(): void {
    this.cutOff = false;
  }

  /** every fault lifted; connections a fault already closed stay closed */
  heal(): void {
    this.cutOff = false;
    this.dripRate = null;
    this.trip = null;
    for (const link of this.links) link.disarm();
  }

  async close(): Promise<void> {
    clearTimeout(this.lifetime);
    this.cut();
    if (!this.server.listening) return;
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }

  private arm(trip: Trip): void {
    this.trip = trip;
    for (const link of this.links) link.arm(trip);
  }

  private accept(desk: Socket): void {
    if (this.cutOff) {
      this.tally.refused++;
      return void desk.destroy();
    }
    this.tally.connections++;
    const link = new Link(desk, connect(this.upstreamPort(), '127.0.0.1'), {
      dripRate: () => this.dripRate,
      closed: (how) => {
        this.links.delete(link);
        if (how === 'drop') this.tally.dropped++;
        if (how === 'reset') this.tally.reset++;
      },
      stalled: () => this.tally.stalled++,
      forwarded: (direction, bytes) => (this.tally.bytes[direction] += bytes),
    });
    this.links.add(link);
    if (this.trip) link.arm(this.trip, true);
  }
}

interface LinkHooks {
  dripRate(): number | null;
  closed(how: 'drop' | 'reset' | 'ended'): void;
  stalled(): void;
  forwarded(direction: Direction, bytes: number): void;
}

/** One desk connection and its upstream twin, forwarding both ways through bounded queues. */
class Link {
  private readonly queues: Record<Direction, Buffer[]> = { down: [], up: [] };
  private readonly queued: Record<Direction, number> = { down: 0, up: 0 };
  private readonly sent: Record<Direction, number> = { down: 0, up: 0 };
  private tripAt: Trip & { at: number } | null = null;
  private readonly ending: Record<Direction, boolean> = { down: false, up: false };
  private held = false;
  private done = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly desk: Socket,
    private readonly central: Socket,
    private readonly hooks: LinkHooks,
  ) {
    for (const [from, direction] of [[central, 'down'], [desk, 'up']] as const) {
      from.on('data', (chunk: Buffer) => {
        this.queues[direction].push(chunk);
        this.queued[direction] += chunk.length;
        if (this.queued[direction] >= HIGH_WATER) from.pause();
        this.pump();
      });
      // what is still queued from a side that hung up is delivered first, then the link closes
      const ended = () => {
        this.ending[direction] = true;
        this.pump();
      };
      from.on('end', ended).on('close', ended);
      from.on('error', () => this.close('ended'));
    }
    for (const to of [desk, central]) to.on('drain', () => this.pump());
  }

  /** `fresh`: a connection made while the trip was armed counts from its first byte */
  arm(trip: Trip, fresh = false): void {
    this.tripAt = { ...trip, at: (fresh ? 0 : this.sent[trip.direction]) + trip.bytes };
    // a stall with no byte count holds both directions at once
    if (trip.action === 'stall' && trip.bytes === 0) this.trigger(trip);
    this.pump();
  }

  release(): void {
    if (this.tripAt?.action === 'stall') this.disarm();
  }

  disarm(): void {
    this.tripAt = null;
    if (this.held) {
      this.held = false;
      this.desk.resume();
      this.central.resume();
    }
    this.pump();
  }

  /** Forwards what is queued, as far as the faults allow; runs again on drain or the next drip tick. */
  pump(): void {
    if (this.done || this.timer) return;
    const rate = this.hooks.dripRate();
    for (const direction of ['down', 'up'] as const) {
      let allowance = rate === null ? Infinity : Math.max(1, Math.floor((rate * DRIP_TICK_MS) / 1000));
      const to = direction === 'down' ? this.desk : this.central;
      const from = direction === 'down' ? this.central : this.desk;
      const queue = this.queues[direction];
      while (queue.length && allowance > 0 && !this.held && !this.done && to.writableLength < HIGH_WATER) {
        let chunk = queue.shift()!;
        const trip = this.tripAt?.direction === direction ? this.tripAt : null;
        const room = Math.min(allowance, trip ? trip.at - this.sent[direction] : Infinity);
        if (room <= 0) {
          queue.unshift(chunk);
          this.trigger(trip!);
          break;
        }
        if (chunk.length > room) {
          queue.unshift(chunk.subarray(room));
          chunk = chunk.subarray(0, room);
        }
        this.queued[direction] -= chunk.length;
        this.sent[direction] += chunk.length;
        allowance -= chunk.length;
        to.write(chunk);
        this.hooks.forwarded(direction, chunk.length);
        if (trip && this.sent[direction] >= trip.at) this.trigger(trip);
      }
      if (this.done) return;
      if (this.ending[direction] && queue.length === 0) return this.close('ended');
      if (this.queued[direction] < HIGH_WATER && !this.held) from.resume();
    }
    const waiting = this.queues.down.length + this.queues.up.length > 0;
    if (rate !== null && waiting && !this.held && !this.done) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, DRIP_TICK_MS);
    }
  }

  close(how: 'drop' | 'reset' | 'ended'): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    if (how === 'reset') this.desk.resetAndDestroy();
    else if (how === 'drop') this.desk.destroy();
    else this.desk.destroySoon();
    if (how === 'ended') this.central.destroySoon();
    else this.central.destroy();
    this.hooks.closed(how);
  }

  private trigger(trip: Trip): void {
    if (trip.action !== 'stall') return this.close(trip.action);
    if (this.held) return;
    this.held = true;
    this.desk.pause();
    this.central.pause();
    this.hooks.stalled();
  }
}
