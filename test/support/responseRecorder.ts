import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/**
 * Every HTTP response body an undici client in this process receives (the workstation cores the
 * tests run are in-process), recorded from undici's own diagnostics channel: nothing in the
 * product is changed to be observed.
 */
export function recordResponseBodies(): { texts(): string[]; stop(): void } {
  const bodies = new Map<object, Buffer[]>();
  const onChunk = (message: unknown) => {
    const { request, chunk } = message as { request: object; chunk: Uint8Array };
    let chunks = bodies.get(request);
    if (!chunks) bodies.set(request, (chunks = []));
    chunks.push(Buffer.from(chunk));
  };
  subscribe('undici:request:bodyChunkReceived', onChunk);
  return {
    texts: () => [...bodies.values()].map((chunks) => Buffer.concat(chunks).toString('utf8')),
    stop: () => void unsubscribe('undici:request:bodyChunkReceived', onChunk),
  };
}
