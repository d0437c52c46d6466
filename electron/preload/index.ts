import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';
import { IPC_EVENT, IPC_INVOKE } from './ipcNames';

/**
 * The preload runs sandboxed with context isolation: it exposes `window.caredesk` (invoke and on,
 * for the contract's channels and events) and never ipcRenderer itself.
 */
contextBridge.exposeInMainWorld(
  'caredesk',
  createBridge({
    invoke: (channel, input) => ipcRenderer.invoke(IPC_INVOKE, channel, input),
    subscribe(deliver) {
      ipcRenderer.on(IPC_EVENT, (_event, name: unknown, payload: unknown) => {
        if (typeof name === 'string') deliver(name, payload);
      });
    },
  }),
);
