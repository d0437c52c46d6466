import { useEffect, useRef, useState } from 'react';
import { mayPerform } from '../../../domain/operations';
import { visibleEntities } from '../../../domain/policy/fieldPolicy';
import type { Role } from '../../../domain/roles';
import { Notice } from '../../components/Notice';
import { useCustomer } from '../../hooks/useCustomer';
import { useHotkeys } from '../../hooks/useHotkeys';
import { DraftKey, updateWorkspace, workspaceNow } from '../../hooks/useWorkspace';
import type { ProfileTab } from '../../navigation';
import { BillingTab } from '../billing/BillingTab';
import { BillingPanel } from './BillingPanel';
import { CallerVerification } from './CallerVerification';
import { ChangesPanel } from './ChangesPanel';
import { HoldsUnverified, OutageNotice } from './UnverifiedHold';
import { CallbacksPanel } from './CallbacksPanel';
import { useSyncStatus } from '../../hooks/useSyncStatus';
import { SECTIONS, SECTION_IDS, type SectionId } from './changeMarks';
import { ConsentsStrip } from './ConsentsStrip';
import { ContactPanel } from './ContactPanel';
import { E911FollowDialog, e911OfferOf, type E911Offer } from './E911FollowDialog';
import { ErasurePanel } from './ErasurePanel';
import { HistoryPanel } from './HistoryPanel';
import { ProfileHeader } from './ProfileHeader';
import { ProfileTabs, TAB_LABELS } from './ProfileTabs';
import { ServiceLinesPanel } from './ServiceLinesPanel';
import { SHORTCUTS } from '../../shortcuts';

/**
 * The customer as this role may see it: exactly what the projection holds. Editing opens only
 * for a verified caller (when the role must verify), one section at a time, each with a reason.
 * Roles that see invoices and payments get a billing tab beside the overview; the caller's
 * verification stays above both, for every role that verifies callers.
 */
export function CustomerProfileView({ customerId, openSeq, quiet = false, role, tabs, tab, onTab }: { customerId: string; openSeq: number; quiet?: boolean; role: Role; tabs: readonly ProfileTab[]; tab: ProfileTab; onTab: (tab: ProfileTab) => void }) {
  const { profile, error, confirmed, update, verify, dismiss } = useCustomer(customerId);
  // after an unlock the editor the rep had open is open again, with its draft (issue 13)
  const [editing, setEditing] = useState<SectionId | null>(() => {
    const kept = workspaceNow();
    return kept?.customer?.id === customerId && SECTION_IDS.includes(kept.editing as SectionId) ? (kept.editing as SectionId) : null;
  });
  useEffect(() => updateWorkspace({ editing }), [editing]);
  const [announcement, setAnnouncement] = useState('');
  const [returnFocus, setReturnFocus] = useState<SectionId | null>(null);
  // a corrected service address offers, on the same call, to move the lines' E911 address with it
  const [e911, setE911] = useState<E911Offer | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const answerRef = useRef<HTMLInputElement>(null);
  const editButtons = useRef<Partial<Record<SectionId, HTMLButtonElement | null>>>({});

  const verified = !!profile && (!profile.verificationRequired || profile.verification?.verified === true);
  // issue 16: the store is unreachable, so no caller can be verified: this rep may hold corrections unverified
  const sync = useSyncStatus();
  const holding = !!profile && !verified && sync?.online === false && mayPerform('heldEdit.release', role);
  const loaded = !!profile;

  // Opening a customer puts the rep where the call goes next: verifying the caller, or the record.
  // Reopened after an unlock, it leaves focus where it is: in the restored editor, or wherever the rep went.
  useEffect(() => {
    if (!loaded || quiet) return;
    if (!verified) answerRef.current?.focus();
    else headingRef.current?.focus();
  }, [loaded, openSeq]);

  const current: ProfileTab = tabs.includes(tab) ? tab : 'overview';
  const may = (section: SectionId) => !!profile && SECTIONS[section].paths.every((p) => profile.editablePaths.includes(p));

  const startEdit = (section: SectionId) => {
    if (!may(section)) return;
    if (!verified && !holding) {
      setAnnouncement('Verify the caller before changing their record.');
      answerRef.current?.focus();
      return;
    }
    setAnnouncement('');
    setEditing(section);
  };

  const finishEdit = (section: SectionId, saved: boolean) => {
    setEditing(null);
    setReturnFocus(section);
    setAnnouncement(saved ? (holding ? `${SECTIONS[section].label} held, unverified: applied only after the caller is verified online or a supervisor reviews it.` : `${SECTIONS[section].label} saved on this workstation: pending until the central store confirms.`) : '');
  };

  // back to the section's Edit button once the editor has gone (and the E911 step it opened)
  useEffect(() => {
    if (!returnFocus || editing || e911) return;
    editButtons.current[returnFocus]?.focus();
    setReturnFocus(null);
  }, [returnFocus, editing, e911]);

  useHotkeys({
    ...Object.fromEntries(tabs.map((t) => [TAB_LABELS[t].shortcut, () => onTab(t)])),
    [SHORTCUTS.verify]: () => answerRef.current?.focus(),
    ...Object.fromEntries(SECTION_IDS.map((id) => [`Alt+${SECTIONS[id].key}`, () => startEdit(id)])),
  });

  // the offer is worked out from the profile as it was before the save: the lines at the old address
  const save = async (changes: Record<string, unknown>, reason: string) => {
    const offer = profile && mayPerform('serviceLine.setE911Address', role) ? e911OfferOf(profile, changes, reason) : null;
    const saved = await update(changes, reason, holding ? { holdUnverified: true } : {});
    if (offer && !holding) setE911(offer);
    return saved;
  };
  const saveConsents = (changes: Record<string, unknown>, reason: string) => update(changes, reason, holding ? { holdUnverified: true } : {});

  if (error) return <Notice tone="bad">{error}</Notice>;
  if (!profile) return <div className="profile-loading" aria-busy="true" aria-label="Opening customer" />;

  const sectionProps = (section: SectionId) => ({
    editing: editing === section,
    mayEdit: may(section),
    locked: !verified && !holding,
    onEdit: () => startEdit(section),
    onClose: (saved: boolean) => finishEdit(section, saved),
    buttonRef: (el: HTMLButtonElement | null) => void (editButtons.current[section] = el),
  });

  return (
    <article className="profile" aria-labelledby="profile-name">
      <div className="profile-top">
        <ProfileHeader customer={profile.customer} headingRef={headingRef} />
        {mayPerform('customer.verifyCaller', role) && <CallerVerification profile={profile} onVerify={verify} answerRef={answerRef} />}
      </div>
      <p className="sr-only" role="status">
        {announcement}
      </p>
      {announcement && !editing && announcement.startsWith('Verify') && (
        <Notice tone="warn" assertive>
          {announcement}
        </Notice>
      )}
      {holding && current === 'overview' && <OutageNotice />}
      {tabs.length > 1 && <ProfileTabs tabs={tabs} current={current} onSelect={onTab} />}
      <DraftKey.Provider value={editing ? `${customerId}:${editing}` : null}>
      <HoldsUnverified.Provider value={holding}>
      <div className="profile-tabpanel" role={tabs.length > 1 ? 'tabpanel' : undefined} id={`tabpanel-${current}`} aria-labelledby={tabs.length > 1 ? `tab-${current}` : undefined}>
        {current === 'overview' ? (
          <>
            <ConsentsStrip profile={profile} confirmed={confirmed} onSave={saveConsents} {...sectionProps('consents')} />
            <div className="profile-grid">
              <ContactPanel profile={profile} confirmed={confirmed} onSave={save} section={sectionProps} />
              <div className="profile-col">
                <BillingPanel billing={profile.billing} />
                <ChangesPanel changes={profile.changes} confirmed={confirmed} onDismiss={dismiss} customerId={customerId} verificationId={profile.verification?.verified ? profile.verification.verificationId : null} />
                {visibleEntities(role).includes('callbackRequest') && <CallbacksPanel customerId={customerId} role={role} numberOnFile={firstPhone(profile.customer)} />}
                <HistoryPanel entity="customer" id={customerId} />
                {visibleEntities(role).includes('erasureRequest') && <ErasurePanel customerId={customerId} role={role} verified={verified} />}
              </div>
              <ServiceLinesPanel lines={profile.serviceLines} className="profile-wide" />
            </div>
          </>
        ) : (
          <BillingTab customerId={customerId} role={role} verification={profile.verification} onVerifyFirst={() => answerRef.current?.focus()} />
        )}
      </div>
      </HoldsUnverified.Provider>
      </DraftKey.Provider>
      {e911 && <E911FollowDialog offer={e911} onClose={() => setE911(null)} />}
    </article>
  );
}

/** The number on file a callback goes to: the customer's first phone. */
function firstPhone(customer: Record<string, unknown>): string | null {
  const phones = Array.isArray(customer.phones) ? (customer.phones as { number?: unknown }[]) : [];
  return typeof phones[0]?.number === 'string' ? phones[0].number : null;
}
