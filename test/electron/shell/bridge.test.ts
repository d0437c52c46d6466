import { describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../../../domain/console/contract';
import { createBridge, type BridgeTransport } from '../../../electron/preload/bridge';

function transport() {
  let deliver: (event: string, payload: unknown) => void = () => undefined;
  const t = {
    invoke: vi.fn(async () => ({ ok: true as const, value: 1 })),
    subscribe: vi.fn((d: typeof deliver) => void (deliver = d)),
  } satisfies BridgeTransport;
  return { t, emit: (event: string, payload: unknown) => deliver(event, payload) };
}

describe('the preload bridge (window.caredesk)', () => {
  it('exposes invoke and on, and nothing else, frozen', () => {
    const bridge = createBridge(transport().t);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('passes contract channels through and refuses any other without touching IPC', async () => {
    const { t } = transport();
    const bridge = createBridge(t);
    for (const channel of CHANNELS) await bridge.invoke(channel, {});
    expect(t.invoke).toHaveBeenCalledTimes(CHANNELS.length);
    await expect(bridge.invoke('caredesk:internal', {})).resolves.toMatchObject({ ok: false, error: { code: 'not_found' } });
    await expect(bridge.invoke(42 as unknown as string, {})).resolves.toMatchObject({ ok: false });
    expect(t.invoke).toHaveBeenCalledTimes(CHANNELS.length);
  });

  it('delivers contract events to their listeners until unsubscribed, and never others', () => {
    const { t, emit } = transport();
    const bridge = createBridge(t);
    const listener = vi.fn();
    const off = bridge.on('sync.status', listener);
    const ignored = vi.fn();
    bridge.on('anything.else', ignored);
    emit('sync.status', { online: true });
    emit('anything.else', {});
    off();
    emit('sync.status', { online: false });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith({ online: true });
    expect(ignored).not.toHaveBeenCalled();
  });
});
