import { useCallback, useEffect, useRef, useState } from 'react';

type Target = () => HTMLElement | null | undefined;

/**
 * Moves focus to an element once React has rendered what the current update shows (a notice
 * that just appeared, the Edit button that replaces a closed editor). A requestAnimationFrame is
 * not enough: React may commit an update after the next frame, and the element is not there yet.
 * The target is kept until it exists, so a render that is still waiting for data does not lose it.
 */
export function useFocusAfterRender(): (target: Target) => void {
  const pending = useRef<Target | null>(null);
  const [, rerender] = useState(0);
  useEffect(() => {
    const element = pending.current?.();
    if (element) {
      element.focus();
      pending.current = null;
    }
  });
  return useCallback((target: Target) => {
    pending.current = target;
    rerender((n) => n + 1);
  }, []);
}
