import { describe, expect, it, vi } from 'vitest';
import type { InvokeResult } from '../../../domain/console/contract';
import { createDispatcher, type HandlerTable } from '../../../electron/core/api/dispatch';
import { createInvokeHandler, isTrustedSender } from '../../../electron/main/ipcGuard';

const fromConsole = { senderFrame: { url: 'caredesk://app/index.html#/customers', parent: null } };

describe('the IPC guard', () => {
  it('accepts calls only from the console’s own top frame', () => {
    expect(isTrustedSender(fromConsole)).toBe(true);
    expect(isTrustedSender({ senderFrame: { url: 'https://evil.example/', parent: null } })).toBe(false);
    expect(isTrustedSender({ senderFrame: { url: 'file:///tmp/index.html', parent: null } })).toBe(false);
    expect(isTrustedSender({ senderFrame: { url: 'caredesk://other/index.html', parent: null } })).toBe(false);
    expect(isTrustedSender({ senderFrame: { url: 'caredesk://app/index.html', parent: {} } })).toBe(false);
    expect(isTrustedSender({ senderFrame: { url: 'not a url', parent: null } })).toBe(false);
    expect(isTrustedSender({ senderFrame: null })).toBe(false);
  });

  it('refuses a call from an unexpected origin without reaching the core', async () => {
    const dispatch = vi.fn(async (): Promise<InvokeResult<unknown>> => ({ ok: true, value: 'secret' }));
    const handle = createInvokeHandler(dispatch);
    const result = await handle({ senderFrame: { url: 'https://evil.example/', parent: null } }, 'customers.search', { query: 'smith' });
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('console window') } });
    expect(dispatch).not.toHaveBeenCalled();
  });

  describe('with the core’s dispatcher behind it', () => {
    const search = vi.fn(async () => []);
    const handlers = { 'customers.search': search } as unknown as HandlerTable;
    const dispatcher = createDispatcher(handlers, { requireUnlocked: () => undefined, touch: () => undefined });
    const handle = createInvokeHandler(dispatcher);

    it('refuses an invalid input, naming the field and the rule, before any handler runs', async () => {
      const result = await handle(fromConsole, 'customers.search', { query: '', limit: 5000, extra: true });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('validation');
      expect(result.error.issues?.map((i) => i.field).sort()).toEqual(['(input)', 'limit', 'query']);
      expect(search).not.toHaveBeenCalled();
    });

    it('refuses a channel the contract does not have', async () => {
      const result = await handle(fromConsole, 'shell.openExternal', { url: 'https://evil.example' });
      expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
    });

    it('passes a valid call from the console to its handler', async () => {
      const result = await handle(fromConsole, 'customers.search', { query: 'smith' });
      expect(result).toEqual({ ok: true, value: [] });
      expect(search).toHaveBeenCalledWith({ query: 'smith', kind: 'auto', limit: 20 });
    });
  });
});
