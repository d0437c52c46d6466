import { Menu, type MenuItemConstructorOptions } from 'electron';
import { THEMES, type Theme } from './preferences';

const THEME_LABELS: Record<Theme, string> = { system: 'Follow system', light: 'Light', dark: 'Dark' };

/** A small application menu: lock, theme, quit. No item opens a URL or a file. */
export function applicationMenu(options: { theme: Theme; onTheme: (theme: Theme) => void; onLock: () => void }): Menu {
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'CareDesk',
      submenu: [
        { label: 'Lock console', accelerator: 'CmdOrCtrl+Shift+L', click: options.onLock },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    {
      label: 'View',
      submenu: [
        {
          label: 'Theme',
          submenu: THEMES.map((theme) => ({ label: THEME_LABELS[theme], type: 'radio' as const, checked: theme === options.theme, click: () => options.onTheme(theme) })),
        },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
