import { CONSENT_KEYS, CONSENT_LABELS, type ConsentKey } from '../../../domain/entities/customer';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { ChangeMark } from './ChangeMark';
import { SECTIONS, sectionMark } from './changeMarks';
import { ConsentsEditor } from './edit/ConsentsEditor';
import type { ProfileSectionProps, SectionState } from './sectionProps';

/**
 * Consents and opt-outs, shown to every role that contacts customers (policy: "no unrelated use
 * without an opportunity to opt out"): placed first, where the rep cannot miss them.
 */
export function ConsentsStrip({ profile, confirmed, onSave, ...section }: ProfileSectionProps & SectionState) {
  const consents = profile.customer.consents as Partial<Record<ConsentKey, boolean>> | undefined;
  if (!consents) return null;
  const mark = sectionMark('consents', profile.changes, confirmed);
  // the privacy-policy version each consent was recorded under, as the central store stamped it (issue 14); none on older records
  const givenUnder = (profile.customer.consentPolicyVersions ?? {}) as Partial<Record<ConsentKey, number>>;
  return (
    <section className={`consents ${section.editing ? 'is-editing' : ''}`} aria-labelledby="consents-title">
      <div className="consents-head">
        <h2 id="consents-title">Consents</h2>
        <ChangeMark mark={mark} />
        {section.mayEdit && !section.editing && (
          <Button variant="ghost" icon="pencil" shortcut={`Alt+${SECTIONS.consents.key}`} aria-label="Edit consents" aria-disabled={section.locked || undefined} onClick={section.onEdit} ref={section.buttonRef}>
            Edit
          </Button>
        )}
      </div>
      {section.editing ? (
        <ConsentsEditor customer={profile.customer} onSave={onSave} onClose={section.onClose} />
      ) : (
        <ul className="consent-list">
          {CONSENT_KEYS.map((key) => {
            const yes = consents[key] === true;
            return (
              <li key={key} className={`consent ${yes ? 'consent-yes' : 'consent-no'}`}>
                <Icon name={yes ? 'check' : 'x'} size={15} />
                <span className="consent-label">{CONSENT_LABELS[key]}</span>
                <span className="consent-value">
                  {yes ? 'Agrees' : 'Opted out'}
                  {givenUnder[key] !== undefined && <span className="consent-policy"> · policy v{givenUnder[key]}</span>}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
