import type { NavItem } from './navigation';
import { TAB_LABELS } from './views/customers/ProfileTabs';
import { SECTIONS, SECTION_IDS } from './views/customers/changeMarks';

/**
 * The console's shortcuts that are not a view's, a tab's or a profile section's (those come from
 * navigation.ts, ProfileTabs and changeMarks): bound where they act, listed by the help overlay.
 */
export const SHORTCUTS = {
  search: 'Ctrl+K',
  searchAlso: ['/', 'F2'],
  lock: 'Ctrl+Shift+L',
  help: '?',
  verify: 'Alt+V',
  newLead: 'Alt+N',
  reply: 'Alt+R',
  sendReply: 'Ctrl+Enter',
  recordAdjustment: 'Alt+R',
  billingAddress: 'Alt+A',
} as const;

export interface ShortcutGroup {
  title: string;
  items: { chords: readonly string[]; does: string }[];
}

/** Everything the help overlay lists, for the role's navigation. */
export function shortcutGroups(nav: readonly NavItem[]): ShortcutGroup[] {
  const views = nav.map((n) => n.view as string);
  return [
    {
      title: 'Anywhere',
      items: [
        { chords: [SHORTCUTS.search, ...SHORTCUTS.searchAlso], does: 'Find a customer' },
        { chords: [SHORTCUTS.lock], does: 'Lock the console (the call is kept)' },
        { chords: [SHORTCUTS.help], does: 'These shortcuts' },
        ...nav.map((n) => ({ chords: [n.shortcut], does: `Go to ${n.label.toLowerCase()}` })),
      ],
    },
    ...(views.includes('customers')
      ? [
          {
            title: 'A customer’s profile',
            items: [
              { chords: [SHORTCUTS.verify], does: 'Verify the caller' },
              ...Object.values(TAB_LABELS).map((t) => ({ chords: [t.shortcut], does: `${t.label} tab` })),
              ...SECTION_IDS.map((id) => ({ chords: [`Alt+${SECTIONS[id].key}`], does: `Edit ${SECTIONS[id].label.toLowerCase()}` })),
              { chords: [SHORTCUTS.billingAddress], does: 'Edit the billing address (billing tab)' },
              { chords: [SHORTCUTS.recordAdjustment], does: 'Record a credit or an adjustment (billing tab)' },
            ],
          },
        ]
      : []),
    ...(views.includes('leads') ? [{ title: 'Leads', items: [{ chords: [SHORTCUTS.newLead], does: 'New lead' }] }] : []),
    ...(views.includes('inquiries')
      ? [
          {
            title: 'Inquiries',
            items: [
              { chords: [SHORTCUTS.reply], does: 'Reply to the open inquiry' },
              { chords: [SHORTCUTS.sendReply], does: 'Send the reply' },
            ],
          },
        ]
      : []),
    {
      title: 'In a form',
      items: [
        { chords: ['Enter'], does: 'Save' },
        { chords: ['Esc'], does: 'Cancel (the form closes, nothing is saved)' },
      ],
    },
  ];
}
