import Store from 'electron-store';
import { DEFAULT_PREFERENCES, sanitizePreferences, viewOfUrl, type Preferences } from './preferences';

/** electron-store holding the sanitised preferences; every read and write goes through the sanitiser. */
export function openPreferences() {
  const store = new Store<{ preferences: Preferences }>({ name: 'preferences', defaults: { preferences: DEFAULT_PREFERENCES } });
  let current = sanitizePreferences(store.get('preferences'));
  const set = (patch: Partial<Preferences>) => {
    current = sanitizePreferences({ ...current, ...patch });
    store.set('preferences', current);
  };
  return {
    get: () => current,
    set,
    rememberView(url: string) {
      const view = viewOfUrl(url);
      if (view && view !== current.lastView) set({ lastView: view });
    },
  };
}
