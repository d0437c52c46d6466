import { CHANNEL_NAMES, EVENT_NAMES } from '../../domain/console/channels';
import type { InvokeResult } from '../../domain/console/contract';

/**
 * What the renderer gets as `window.caredesk`, and nothing more (DESIGN §2): a call on a contract
 * channel and a subscription to a contract event. No ipcRenderer, no Node, no way to name another
 * IPC channel. The e2e test host installs this same function over a Playwright binding.
 */
export interface CareDeskBridge {
  invoke(channel: string, input: unknown): Promise<InvokeResult<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** How the bridge reaches the main process: ipcRenderer in the preload, a binding in the e2e host. */
export interface BridgeTransport {
  invoke(channel: string, input: unknown): Promise<InvokeResult<unknown>>;
  /** delivers every core event; called once */
  subscribe(deliver: (event: string, payload: unknown) => void): void;
}

const channels = new Set<string>(CHANNEL_NAMES);
const events = new Set<string>(EVENT_NAMES);

function refused(message: string): InvokeResult<unknown> {
  return { ok: false, error: { code: 'not_found', message } };
}

export function createBridge(transport: BridgeTransport): CareDeskBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  transport.subscribe((event, payload) => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        listener(payload);
      } catch (err) {
        console.error(`caredesk: a listener of ${event} failed`, err);
      }
    }
  });
  return Object.freeze({
    invoke(channel: string, input: unknown) {
      if (typeof channel !== 'string' || !channels.has(channel)) return Promise.resolve(refused('unknown console channel'));
      return transport.invoke(channel, input ?? {});
    },
    on(event: string, listener: (payload: unknown) => void) {
      if (typeof event !== 'string' || !events.has(event) || typeof listener !== 'function') return () => undefined;
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
  });
}
