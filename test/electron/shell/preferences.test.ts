import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES, sanitizePreferences, viewOfUrl } from '../../../electron/main/preferences';

describe('console preferences', () => {
  it('keep window bounds, theme and last view, and drop anything else (never PII, never keys)', () => {
    const stored = sanitizePreferences({
      windowBounds: { x: 10, y: 20, width: 1400, height: 900, customer: 'Jane Doe' },
      theme: 'dark',
      lastView: 'conflicts',
      lastCustomer: { name: 'Jane Doe', phone: '+12125550143' },
      cacheKey: 'deadbeef',
    });
    expect(stored).toEqual({ windowBounds: { x: 10, y: 20, width: 1400, height: 900 }, theme: 'dark', lastView: 'conflicts' });
  });

  it('fall back to defaults for values that are not ours', () => {
    expect(sanitizePreferences({ windowBounds: { width: 'wide' }, theme: 'neon', lastView: 'customers/4b3c' })).toEqual(DEFAULT_PREFERENCES);
    expect(sanitizePreferences(null)).toEqual(DEFAULT_PREFERENCES);
  });

  it('remember a view from the URL fragment, never a customer', () => {
    expect(viewOfUrl('caredesk://app/index.html#/conflicts')).toBe('conflicts');
    expect(viewOfUrl('caredesk://app/index.html#/customers/8b1f…')).toBe('customers');
    expect(viewOfUrl('caredesk://app/index.html#/settings')).toBeNull();
  });
});
