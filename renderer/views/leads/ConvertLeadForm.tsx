import { useId, useRef, useState, type Ref } from 'react';
import { useWatch } from 'react-hook-form';
import { LeadConversionRequest, type DuplicateCandidate, type LeadConversionResult } from '../../../domain/entities/prospects';
import { SERVICE_PLANS, PLAN_CURRENCY, PLAN_PRICES } from '../../../domain/entities/service';
import type { FieldIssue } from '../../../domain/errors';
import { invoke } from '../../api/client';
import { AddressFields, addressDraft, addressOf, type AddressDraft } from '../../components/AddressFields';
import { Button } from '../../components/Button';
import { FieldError } from '../../components/FieldError';
import { FormTextField } from '../../components/FormField';
import { Icon } from '../../components/Icon';
import { FormRefusal } from '../../components/Notice';
import { money } from '../../format';
import { useDomainForm } from '../../hooks/useDomainForm';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';
import { domainIssues } from './domainIssues';
import { matchedOn } from './leadLabels';
import { closeOnEscape } from '../../hooks/useHotkeys';

export type Conversion = Extract<LeadConversionResult, { status: 'converted' }> & { leadId: string; leadName: string; customerName: string };

/** How many lines of a plan an order may hold: the domain's bounds, for the field and its message. */
const Quantity = LeadConversionRequest.shape.plans.element.shape.quantity;

interface ConvertDraft {
  /** each plan's quantity as typed, in SERVICE_PLANS order: empty or 0 leaves the plan out */
  quantities: string[];
  serviceAddress: AddressDraft;
}

const typedQuantity = (typed: string | undefined) => (typed ?? '').trim();
/** The plans chosen, each with its place in SERVICE_PLANS (where its field is). */
const chosen = (draft: ConvertDraft) =>
  SERVICE_PLANS.flatMap((plan, index) => {
    const typed = typedQuantity(draft.quantities[index]);
    return typed === '' || Number(typed) === 0 ? [] : [{ index, plan, quantity: Number(typed) }];
  });

function requestOf(leadId: string, draft: ConvertDraft, choice: { sameAs: string | null; distinctFrom: string[] }) {
  return { leadId, serviceAddress: addressOf(draft.serviceAddress), plans: chosen(draft).map(({ plan, quantity }) => ({ plan, quantity })), ...choice };
}

/**
 * The request's issues by the domain's schema: a plan's on its quantity field, the plans' own (none
 * chosen) on the quantities as a whole, so that any quantity typed checks it again.
 */
function conversionIssues(leadId: string, draft: ConvertDraft): FieldIssue[] {
  const plans = chosen(draft);
  return domainIssues(LeadConversionRequest, requestOf(leadId, draft, { sameAs: null, distinctFrom: [] }), { plans: ['plan (a quantity of 1 or more)', 'plans'] }).map((issue) => {
    if (issue.field === 'plans') return { ...issue, field: 'quantities' };
    const line = /^plans\.(\d+)\.quantity$/.exec(issue.field);
    if (!line) return issue;
    return { ...issue, field: `quantities.${plans[Number(line[1])]!.index}`, message: `a whole number from ${Quantity.minValue} to ${Quantity.maxValue}` };
  });
}

/**
 * Converting a contacted or quoted lead (lead.convert, online: the central store creates the customer
 * and the order, after looking for customers the prospect may already be). The plans with their
 * monthly prices, and the service address (the lines' E911 address), prefilled from the mailing
 * address. If the store answers with possible duplicates, the rep says which one the prospect is, or
 * that they are none of them: nothing is created until then. No payment data is asked for here.
 */
export function ConvertLeadForm({ lead, name, online, onDone }: { lead: Record<string, unknown> & { id: string }; name: string; online: boolean; onDone: (converted: Conversion | null) => void }) {
  const ids = useId();
  const [candidates, setCandidates] = useState<DuplicateCandidate[] | null>(null);
  const [distinct, setDistinct] = useState<string[]>([]);
  const candidatesHeading = useRef<HTMLHeadingElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const domain = useDomainForm<ConvertDraft>({
    defaultValues: { quantities: SERVICE_PLANS.map(() => ''), serviceAddress: addressDraft(lead.mailingAddress) },
    check: (draft) => conversionIssues(lead.id, draft),
    shows: (field) => field.startsWith('quantities') || field.startsWith('serviceAddress.'),
    refusal: 'Not converted',
  });
  const { control } = domain;
  const quantities = useWatch({ control, name: 'quantities' });
  const plansIssue = domain.issueFor('quantities');
  const monthly = SERVICE_PLANS.reduce((sum, plan, i) => {
    const n = Number(typedQuantity(quantities[i]));
    return Number.isInteger(n) && n > 0 ? sum + n * PLAN_PRICES[plan].monthlyCents : sum;
  }, 0);

  /** send the request: as it stands, into an existing customer (`sameAs`), or with the candidates seen all named as someone else */
  const send = ({ sameAs = null, distinctFrom = distinct }: { sameAs?: string | null; distinctFrom?: string[] } = {}) =>
    domain.submit(async (draft) => {
      try {
        const result = await invoke('lead.convert', requestOf(lead.id, draft, { sameAs, distinctFrom }));
        if (result.status === 'duplicates') {
          setDistinct(distinctFrom);
          setCandidates(result.candidates);
          focusAfterRender(() => candidatesHeading.current);
          return;
        }
        const into = candidates?.find((c) => c.customerId === result.customerId);
        onDone({ ...result, leadId: lead.id, leadName: name, customerName: into?.name ?? name });
      } catch (err) {
        domain.refused(err, { focus: false });
      }
    });

  const onKeyDown = closeOnEscape(() => onDone(null));

  return (
    <form className="convert-form" aria-labelledby={`${ids}-title`} onSubmit={send()} onKeyDown={onKeyDown} noValidate>
      <h3 id={`${ids}-title`}>Convert {name} to a customer</h3>
      <div className="convert-grid">
        <fieldset className="convert-plans" aria-describedby={plansIssue ? `${ids}-plans-error` : undefined}>
          <legend className="field-label">Plans</legend>
          <table className="table plan-table">
            <thead>
              <tr>
                <th scope="col">Plan</th>
                <th scope="col" className="num">
                  Per month
                </th>
                <th scope="col">Quantity</th>
              </tr>
            </thead>
            <tbody>
              {SERVICE_PLANS.map((plan, i) => (
                <tr key={plan}>
                  <th scope="row">{plan}</th>
                  <td className="num">{money(PLAN_PRICES[plan].monthlyCents, PLAN_CURRENCY)}</td>
                  <td>
                    <FormTextField
                      control={control}
                      name={`quantities.${i}`}
                      label={`Quantity of ${plan}`}
                      hideLabel
                      inputMode="numeric"
                      placeholder="0"
                      maxLength={3}
                      className="plan-quantity"
                      autoFocus={i === 0}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Monthly total</th>
                <td className="num money">{money(monthly, PLAN_CURRENCY)}</td>
                <td />
              </tr>
            </tfoot>
          </table>
          <FieldError id={`${ids}-plans-error`} issue={plansIssue} />
        </fieldset>
        <AddressFields
          control={control}
          path="serviceAddress"
          legend="Service address"
          hint="Where the service is used. It becomes the E911 address of the new lines: where emergency services are sent. Prefilled from the mailing address; correct it if the service is elsewhere."
          issueFor={domain.issueFor}
        />
      </div>
      <p className="lead-payment">
        <Icon name="card" size={15} />
        <span>No payment is taken here. Once the customer exists, a billing clerk puts a card on file through the card replacement on the customer's billing tab.</span>
      </p>
      {!online && (
        <p className="offline-reason">
          <Icon name="wifiOff" size={13} /> Converting needs the central store (it creates the customer there, after checking for duplicates), and this workstation is offline now.
        </p>
      )}
      {candidates && (
        <DuplicateChoice
          name={name}
          candidates={candidates}
          busy={domain.busy}
          headingRef={candidatesHeading}
          onSameAs={(customerId) => void send({ sameAs: customerId })()}
          onNoneOfThese={() => void send({ distinctFrom: [...new Set([...distinct, ...candidates.map((c) => c.customerId)])] })()}
        />
      )}
      <FormRefusal form={domain} />
      <div className="edit-actions">
        {!candidates && (
          <Button type="submit" variant="primary" icon="check" busy={domain.busy} shortcut="Enter">
            Convert to customer
          </Button>
        )}
        <Button onClick={() => onDone(null)} shortcut="Esc">
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** Customers the central store found who may be the prospect: the rep says which one, or that it is none of them. */
function DuplicateChoice({ name, candidates, busy, headingRef, onSameAs, onNoneOfThese }: { name: string; candidates: DuplicateCandidate[]; busy: boolean; headingRef: Ref<HTMLHeadingElement>; onSameAs: (customerId: string) => void; onNoneOfThese: () => void }) {
  const id = useId();
  return (
    <section className="duplicates" aria-labelledby={id}>
      <h3 id={id} ref={headingRef} tabIndex={-1}>
        Is {name} one of these customers?
      </h3>
      <p className="muted">The central store found customers who look like this prospect. Nothing is created until you choose.</p>
      <ul className="duplicate-list" aria-label="Possible duplicates">
        {candidates.map((c) => (
          <li key={c.customerId} className="duplicate">
            <div className="duplicate-who">
              <span className="strong">{c.name}</span>
              <span className="mono">{c.accountNumber}</span>
              <span className="muted">matched on {matchedOn(c)}</span>
            </div>
            <Button variant="secondary" busy={busy} onClick={() => onSameAs(c.customerId)}>
              Same person: add the order to {c.name}
            </Button>
          </li>
        ))}
      </ul>
      <Button variant="secondary" busy={busy} onClick={onNoneOfThese}>
        None of these: create a new customer
      </Button>
    </section>
  );
}
