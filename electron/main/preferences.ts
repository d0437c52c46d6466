import { DEFAULT_BOUNDS, type WindowBounds } from './windowOptions';

/**
 * Console preferences (DESIGN §4, the policy's "cookies" clause): layout and look only. Never
 * PII, never keys, never a customer id: the sanitiser keeps exactly these fields and drops
 * anything else, so a bug elsewhere cannot turn this file into a record of who was looked at.
 */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const VIEWS = ['customers', 'conflicts'] as const;
export type ViewName = (typeof VIEWS)[number];

export interface Preferences {
  windowBounds: WindowBounds;
  theme: Theme;
  lastView: ViewName;
}

export const DEFAULT_PREFERENCES: Preferences = { windowBounds: DEFAULT_BOUNDS, theme: 'system', lastView: 'customers' };

const int = (value: unknown, min: number, max: number): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : undefined;

export function sanitizeBounds(raw: unknown): WindowBounds {
  const b = (raw ?? {}) as Record<string, unknown>;
  const width = int(b.width, 640, 10_000);
  const height = int(b.height, 480, 10_000);
  if (width === undefined || height === undefined) return DEFAULT_BOUNDS;
  const x = int(b.x, -20_000, 20_000);
  const y = int(b.y, -20_000, 20_000);
  return x === undefined || y === undefined ? { width, height } : { x, y, width, height };
}

export function sanitizePreferences(raw: unknown): Preferences {
  const p = (raw ?? {}) as Record<string, unknown>;
  return {
    windowBounds: sanitizeBounds(p.windowBounds),
    theme: THEMES.includes(p.theme as Theme) ? (p.theme as Theme) : DEFAULT_PREFERENCES.theme,
    lastView: VIEWS.includes(p.lastView as ViewName) ? (p.lastView as ViewName) : DEFAULT_PREFERENCES.lastView,
  };
}

/** The view named by the console's URL fragment (`#/conflicts`), if it is one we remember. */
export function viewOfUrl(url: string): ViewName | null {
  const hash = url.split('#')[1] ?? '';
  const view = hash.replace(/^\//, '').split(/[/?]/)[0];
  return VIEWS.includes(view as ViewName) ? (view as ViewName) : null;
}
