import { Notice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import { AddressLines } from '../../components/AddressLines';
import { PHONE_KIND_LABELS, dateTime, phone } from '../../format';
import { SECTIONS, sectionMark, type SectionId } from './changeMarks';
import { EditableField } from './EditableField';
import { AddressEditor } from './edit/AddressEditor';
import { EmailEditor } from './edit/EmailEditor';
import { NameEditor } from './edit/NameEditor';
import { PhonesEditor } from './edit/PhonesEditor';
import type { ProfileSectionProps, SectionState } from './sectionProps';

/** Name, phones, email and both addresses: the policy's PII, each correctable in place. */
export function ContactPanel({ profile, confirmed, onSave, section }: ProfileSectionProps & { section: (id: SectionId) => SectionState }) {
  const c = profile.customer;
  const field = (id: SectionId) => {
    const s = section(id);
    const editorProps = { customer: c, onSave, onClose: s.onClose };
    return {
      field: {
        label: SECTIONS[id].label,
        mark: sectionMark(id, profile.changes, confirmed),
        edit: s.mayEdit ? { shortcut: `Alt+${SECTIONS[id].key}`, locked: s.locked, onEdit: s.onEdit, buttonRef: s.buttonRef } : null,
        editing: s.editing,
      },
      editorProps,
    };
  };
  const name = field('name');
  const phones = field('phones');
  const email = field('email');
  const service = field('serviceAddress');
  const mailing = field('mailingAddress');
  const phoneList = Array.isArray(c.phones) ? (c.phones as { kind: string; number: string }[]) : [];

  return (
    <Panel id="contact" title="Contact details" className="contact">
      {typeof c.erasedContactAt === 'string' && (
        <Notice tone="info">Contact details erased at the customer’s request on {dateTime(c.erasedContactAt)}: record new ones only if the caller gives them.</Notice>
      )}
      <EditableField {...name.field} editor={<NameEditor {...name.editorProps} />}>
        {[c.firstName, c.lastName].filter(Boolean).join(' ')}
      </EditableField>
      <EditableField {...phones.field} editor={<PhonesEditor {...phones.editorProps} />}>
        <ul className="phone-list">
          {phoneList.map((p, i) => (
            <li key={i}>
              <span className="phone-kind-label">{PHONE_KIND_LABELS[p.kind] ?? p.kind}</span>
              <span className="mono">{phone(p.number)}</span>
            </li>
          ))}
        </ul>
      </EditableField>
      {'email' in c && (
        <EditableField {...email.field} editor={<EmailEditor {...email.editorProps} />}>
          {String(c.email ?? '—')}
        </EditableField>
      )}
      {'serviceAddress' in c && (
        <EditableField {...service.field} editor={<AddressEditor {...service.editorProps} path="serviceAddress" label="Service address" />}>
          <AddressLines value={c.serviceAddress} />
        </EditableField>
      )}
      {'mailingAddress' in c && (
        <EditableField {...mailing.field} editor={<AddressEditor {...mailing.editorProps} path="mailingAddress" label="Mailing address" />}>
          <AddressLines value={c.mailingAddress} />
        </EditableField>
      )}
    </Panel>
  );
}
