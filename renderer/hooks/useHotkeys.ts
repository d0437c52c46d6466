import { useEffect, useRef } from 'react';

/**
 * Keyboard shortcuts for a rep who keeps one hand on the keys. Chords are written as shown to
 * the user ("Ctrl+K", "Alt+P", "/"); keys are read by physical code so a keyboard layout does
 * not move them.
 */
export type Hotkeys = Record<string, (event: KeyboardEvent) => void>;

const CODE_KEYS: Record<string, string> = { Slash: '/', Escape: 'Esc', Enter: 'Enter', F2: 'F2' };

export function chordOf(event: KeyboardEvent): string {
  const key = /^Key[A-Z]$/.test(event.code) ? event.code.slice(3) : /^Digit\d$/.test(event.code) ? event.code.slice(5) : (CODE_KEYS[event.code] ?? event.key);
  return [event.ctrlKey || event.metaKey ? 'Ctrl' : '', event.altKey ? 'Alt' : '', event.shiftKey ? 'Shift' : '', key].filter(Boolean).join('+');
}

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || (target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type));
}

/** Binds chords on the window. A bare key (no Ctrl/Alt) fires only when the rep is not typing in a field. */
export function useHotkeys(hotkeys: Hotkeys, enabled = true): void {
  const latest = useRef(hotkeys);
  latest.current = hotkeys;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.repeat) return;
      const chord = chordOf(event);
      const handler = latest.current[chord];
      if (!handler) return;
      if (!event.ctrlKey && !event.altKey && !event.metaKey && isTyping(event.target)) return;
      event.preventDefault();
      handler(event);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
