import type { Page } from 'playwright-core';
import type { InvokeResult } from '../../domain/console/contract';
import { createInvokeHandler } from '../../electron/main/ipcGuard';
import { bridgeScript } from './bridgeScript';

/** What a page is connected to: the core's dispatcher and its events, as electron/main wires them. */
export interface ConsoleCore {
  dispatch(channel: unknown, input: unknown): Promise<InvokeResult<unknown>>;
  events: { on(listener: (event: string, payload: unknown) => void): () => void };
}

/**
 * Connects a page to a core the way the preload and electron/main do (DESIGN §6): calls go
 * through the shell's own IPC guard (sender frame origin) to the core's dispatcher, events come
 * back in order; both ways carry JSON strings only.
 */
export async function connectPage(page: Page, core: ConsoleCore, origin: string): Promise<() => void> {
  const handle = createInvokeHandler((channel, input) => core.dispatch(channel, input), origin);
  const queue: [string, unknown][] = [];
  let wake: (() => void) | null = null;
  const off = core.events.on((event, payload) => {
    queue.push([event, JSON.parse(JSON.stringify(payload))]);
    wake?.();
  });
  await page.exposeBinding('__caredeskInvoke', async (source, json: string) => {
    const { channel, input } = JSON.parse(json) as { channel: unknown; input: unknown };
    const frame = source.frame;
    const result = await handle({ senderFrame: { url: frame.url(), parent: frame.parentFrame() } }, channel, input);
    return JSON.stringify(result);
  });
  await page.exposeBinding('__caredeskEvents', async () => {
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    return JSON.stringify(queue.splice(0));
  });
  await page.addInitScript({ content: await bridgeScript() });
  return off;
}
