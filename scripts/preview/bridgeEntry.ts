import { createBridge } from '../../electron/preload/bridge';

/**
 * Installed in each page (e2e tests, the preview) before the console loads: `window.caredesk` made by the preload's
 * own createBridge, over two Playwright bindings instead of ipcRenderer. Everything crossing them
 * is a JSON string, as structured clone over IPC would allow no more.
 */
type Bindings = {
  __caredeskInvoke?: (json: string) => Promise<string>;
  __caredeskEvents?: () => Promise<string>;
};
const w = window as unknown as Window & Bindings;
const invokeBinding = () => w.__caredeskInvoke!;
const eventsBinding = () => w.__caredeskEvents!;

const bridge = createBridge({
  invoke: async (channel, input) => JSON.parse(await invokeBinding()(JSON.stringify({ channel, input: input ?? {} }))),
  subscribe(deliver) {
    void (async () => {
      for (;;) {
        const batch = JSON.parse(await eventsBinding()()) as [string, unknown][];
        for (const [event, payload] of batch) deliver(event, payload);
      }
    })();
  },
});
Object.defineProperty(window, 'caredesk', { value: bridge, writable: false, configurable: false, enumerable: true });
