import { useEffect, useRef, useSyncExternalStore } from 'react';

/**
 * Keyboard shortcuts for a rep who keeps one hand on the keys. Chords are written as shown to
 * the user ("Ctrl+K", "Alt+P", "/"); keys are read by physical code so a keyboard layout does
 * not move them.
 *
 * What may never happen (issue 13): a shortcut taking work away from someone typing. So:
 * - while focus is in a field someone types in, only Ctrl chords fire (search, lock, send); an Alt
 *   chord or a bare key is typing. A field that holds no draft (the caller's answer) may let shortcuts
 *   through with `data-shortcuts="pass"`.
 * - on macOS, Option+letter is how é and ñ are typed: there the Alt chords are Control+Option,
 *   Option alone types, and Cmd stands for Ctrl.
 * - shortcuts can be turned off (the help overlay, `?`): then only Ctrl chords fire.
 */
export type Hotkeys = Record<string, (event: KeyboardEvent) => void>;

const CODE_KEYS: Record<string, string> = { Slash: '/', Escape: 'Esc', Enter: 'Enter', F2: 'F2' };

/** What of a key event a chord is made of (a KeyboardEvent, or a test's plain object). */
export type KeyPress = Pick<KeyboardEvent, 'code' | 'key' | 'ctrlKey' | 'altKey' | 'metaKey' | 'shiftKey'>;

export const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/**
 * The chord a key press makes, or null where it is text entry (macOS Option+letter). `?` is its own
 * chord whatever Shift it took.
 */
export function chordOf(event: KeyPress, mac = IS_MAC): string | null {
  if (event.key === '?' && !event.ctrlKey && !event.altKey && !event.metaKey) return '?';
  const key = /^Key[A-Z]$/.test(event.code) ? event.code.slice(3) : /^Digit\d$/.test(event.code) ? event.code.slice(5) : (CODE_KEYS[event.code] ?? event.key);
  let ctrl: boolean;
  let alt: boolean;
  if (mac) {
    if (event.altKey && !event.ctrlKey && !event.metaKey) return null; // Option types a character
    alt = event.altKey && event.ctrlKey;
    ctrl = event.metaKey || (event.ctrlKey && !event.altKey);
  } else {
    alt = event.altKey;
    ctrl = event.ctrlKey || event.metaKey;
  }
  return [ctrl ? 'Ctrl' : '', alt ? 'Alt' : '', event.shiftKey ? 'Shift' : '', key].filter(Boolean).join('+');
}

/** Whether a chord fires: Ctrl chords always; others only when not typing and shortcuts are on. */
export function fires(chord: string, { typing, enabled }: { typing: boolean; enabled: boolean }): boolean {
  if (chord.startsWith('Ctrl+')) return true;
  return enabled && !typing;
}

/** A chord as this platform's keyboard names it: ⌘K, ⌃⌥E on macOS; Ctrl+K, Alt+E elsewhere. */
export function chordLabel(chord: string, mac = IS_MAC): string {
  if (!mac) return chord;
  const parts = chord.split('+');
  const key = parts.pop()!;
  const mods = parts.map((m) => ({ Ctrl: '⌘', Alt: '⌃⌥', Shift: '⇧' })[m] ?? m).join('');
  return `${mods}${key}`;
}

/** A chord as aria-keyshortcuts names it (Control+K; Meta+K and Control+Alt+E on macOS). */
export function ariaKeyShortcuts(chord: string, mac = IS_MAC): string {
  return chord
    .split('+')
    .map((part) => (part === 'Ctrl' ? (mac ? 'Meta' : 'Control') : part === 'Alt' && mac ? 'Control+Alt' : part))
    .join('+');
}

/**
 * A form's keydown handler: Esc closes it (nothing saved), unless something inside already took the
 * key (a picker clearing its search), and the key goes no further (a view behind does not close too).
 */
export function closeOnEscape(close: () => void) {
  return (event: { key: string; defaultPrevented: boolean; preventDefault(): void; stopPropagation(): void }) => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    event.stopPropagation();
    close();
  };
}

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.dataset.shortcuts === 'pass') return false;
  return target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || (target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type));
}

// ── the on/off preference: layout and look only, never PII (DESIGN §4), kept per workstation ──
const PREFERENCE = 'caredesk.shortcuts';
const listeners = new Set<() => void>();
const readEnabled = () => {
  try {
    return localStorage.getItem(PREFERENCE) !== 'off';
  } catch {
    return true;
  }
};
let enabledNow = typeof localStorage === 'undefined' ? true : readEnabled();

export function setShortcutsEnabled(on: boolean): void {
  enabledNow = on;
  try {
    localStorage.setItem(PREFERENCE, on ? 'on' : 'off');
  } catch {
    // a storage that refuses keeps the choice for this session
  }
  for (const l of listeners) l();
}

/** Whether Alt and single-key shortcuts are on (the help overlay turns them off). */
export function useShortcutsEnabled(): boolean {
  return useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => enabledNow,
  );
}

/** Binds chords on the window, by the rules above. */
export function useHotkeys(hotkeys: Hotkeys, enabled = true): void {
  const latest = useRef(hotkeys);
  latest.current = hotkeys;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.repeat || event.defaultPrevented) return;
      const chord = chordOf(event);
      if (!chord) return;
      const handler = latest.current[chord];
      if (!handler) return;
      if (!fires(chord, { typing: isTyping(event.target), enabled: enabledNow })) return;
      event.preventDefault();
      handler(event);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
