import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { API } from '../../domain/sync/protocol';
import { ndjsonLines } from '../../electron/core/sync/ndjson';
import type { TestCentral } from './central';

/** What the hostile store does to the `index`-th line of a snapshot response: sends another text, or cuts the stream before it. */
export type SnapshotTamper = (line: string, index: number) => string | 'cut';

/**
 * A central store gone bad, for tests: it holds the real store's TLS key (so the desk's pinned CA
 * trusts it), relays each request to the real store with the desk's device certificate, and may
 * rewrite or cut the lines of a snapshot response on their way back. Everything else passes as is.
 */
export class HostileStore {
  tamper: SnapshotTamper | null = null;
  /** the path and query of every request relayed */
  readonly requests: string[] = [];
  private readonly upstream: Agent;

  private constructor(
    private readonly server: Server,
    private readonly central: TestCentral,
    identity: { certificatePem: string; keyPem: string },
  ) {
    this.upstream = new Agent({ connect: { ca: [central.store.caPem], cert: identity.certificatePem, key: identity.keyPem } });
    server.on('request', (req, res) => {
      void (async () => {
        this.requests.push(req.url ?? '');
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length', 'transfer-encoding'].includes(name))) as Record<string, string>;
        const answer = await request(new URL(req.url ?? '/', this.central.store.url), { method: req.method as 'GET', headers, body: chunks.length ? Buffer.concat(chunks) : null, dispatcher: this.upstream });
        res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
        const tamper = this.tamper;
        if (!tamper || !req.url?.startsWith(API.snapshot)) {
          for await (const chunk of answer.body) res.write(chunk);
          return res.end();
        }
        let index = 0;
        for await (const line of ndjsonLines(answer.body)) {
          const sent = tamper(line, index++);
          if (sent === 'cut') {
            // what was written reaches the desk; then the connection goes, mid-response
            await new Promise<void>((done) => res.write('', () => done()));
            res.socket?.destroy();
            answer.body.destroy();
            return;
          }
          res.write(sent + '\n');
        }
        res.end();
      })().catch(() => res.socket?.destroy());
    });
  }

  static async start(central: TestCentral, identity: { certificatePem: string; keyPem: string }): Promise<HostileStore> {
    const pki = (file: string) => readFileSync(join(central.dataDir, 'pki', file), 'utf8');
    const server = createServer({ key: pki('server.key'), cert: pki('server.pem'), requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.3' });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    return new HostileStore(server, central, identity);
  }

  url(): string {
    return `https://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((ok) => this.server.close(ok));
    await this.upstream.destroy();
  }
}
